import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deferred, type WebhookDelivery } from '@tradingfloor/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../../tests/support/manual-clock.js';
import { startWebhookReceiver, type Responder, type WebhookReceiver } from '../../../../tests/support/webhook-receiver.js';
import { sendWebhook } from '../../src/webhooks/send-webhook.js';
import { isPrivateAddress } from '../../src/webhooks/private-address.js';
import { fakeDecision } from '../support/fake-run-manager.js';
import { startTestApp, type TestApp } from '../support/start-app.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let t: TestApp | undefined;
let receiver: WebhookReceiver | undefined;
let clock: ManualClock;
afterEach(async () => {
  await t?.close();
  await receiver?.close();
  t = undefined;
  receiver = undefined;
});

/**
 * The backoff's jitter draw in these tests: every wait is half its ceiling (500 ms, then 1000 ms, ... at a
 * 1000 ms base), so a failed attempt always leaves its retry waiting on the manual clock. With Math.random one
 * draw in a thousand is a 0 ms wait, which the clock runs by itself at once: the retry would start before
 * the test moves time, and the test's next `runNext()` would end that retry's time limit instead.
 */
const HALF_JITTER = () => 0.5;

/** A receiver, then the app over the fake manager with webhooks on, on a manual clock and a fixed jitter draw. */
async function setup(
  env: NodeJS.ProcessEnv = {},
  respond?: Responder,
  random: () => number = HALF_JITTER,
): Promise<{ t: TestApp; receiver: WebhookReceiver }> {
  receiver = await startWebhookReceiver(SECRET, respond);
  clock = new ManualClock();
  const resolvedEnv = Object.fromEntries(
    Object.entries({ WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_BACKOFF_BASE_MS: '1000', ...env }).map(([k, v]) => [
      k,
      v?.replace('$RECEIVER', receiver!.url),
    ]),
  );
  t = await startTestApp({ env: resolvedEnv, webhookClock: clock, webhookRandom: random });
  return { t, receiver };
}

async function post(path: string, json: unknown): Promise<{ status: number; json: { error?: string; runs?: Array<{ run_id: string }> } }> {
  const res = await fetch(`${t!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  return { status: res.status, json: (await res.json()) as { error?: string } };
}

async function startRuns(symbols: string, webhook?: unknown): Promise<string[]> {
  const res = await post('/start-multi', { company_symbols: symbols, ...(webhook === undefined ? {} : { webhook }) });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  return res.json.runs!.map((r) => r.run_id);
}

async function deliveriesOf(runId: string): Promise<WebhookDelivery[]> {
  const res = await fetch(`${t!.url}/runs/${runId}/webhooks`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { deliveries: WebhookDelivery[] }).deliveries;
}

/** Waits until the run's single delivery has `n` attempts recorded and (when pending) its retry timer is set. */
async function untilAttempts(runId: string, n: number): Promise<WebhookDelivery> {
  let delivery: WebhookDelivery | undefined;
  await vi.waitFor(async () => {
    delivery = (await deliveriesOf(runId))[0];
    expect(delivery?.attempts).toHaveLength(n);
  });
  if (delivery!.outcome === 'pending') await clock.untilPending(1);
  return delivery!;
}

/** Waits until a run's delivery (read from the service: the run may be gone from the list) is no longer pending. */
async function untilDelivered(app: TestApp, runId: string): Promise<WebhookDelivery> {
  let delivery: WebhookDelivery | undefined;
  await vi.waitFor(async () => {
    delivery = (await app.app.webhooks.deliveries(runId))[0];
    expect(delivery?.outcome).not.toBe('pending');
  });
  return delivery!;
}

describe('webhooks over the run events', () => {
  it('delivers one verified, signed event per finished run: completed, failed, canceled', async () => {
    const { t, receiver } = await setup();
    const [acme, globex, initech] = await startRuns('ACME,GLOBEX,INITECH', { url: receiver.url });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));
    t.manager.finish(globex!, 'error', null, 'the model said no');
    expect((await post(`/runs/${initech}/cancel`, {})).status).toBe(202);
    await receiver.waitFor((r) => r.length === 3);

    expect(receiver.received.map((r) => [r.verified, r.problem, r.status])).toEqual([
      [true, null, 200],
      [true, null, 200],
      [true, null, 200],
    ]);
    const byRun = new Map(receiver.received.map((r) => [(r.payload!.data.run as { run_id: string }).run_id, r]));
    expect(byRun.get(acme!)!.payload).toMatchObject({
      type: 'run.completed',
      data: { run: { status: 'completed', ticker: 'ACME' }, decision: { action: 'BUY' }, error: null },
    });
    expect(byRun.get(globex!)!.payload).toMatchObject({
      type: 'run.failed',
      data: { run: { status: 'error' }, decision: null, error: 'the model said no' },
    });
    expect(byRun.get(initech!)!.payload).toMatchObject({ type: 'run.canceled', data: { run: { status: 'canceled' } } });
    expect(new Date(byRun.get(acme!)!.payload!.timestamp).getTime()).toBe(clock.now());

    for (const runId of [acme!, globex!, initech!]) {
      const [delivery, ...more] = await deliveriesOf(runId);
      expect(more).toEqual([]);
      expect(delivery).toMatchObject({ id: byRun.get(runId)!.id, target: receiver.url, outcome: 'delivered', next_attempt_at: null });
      expect(delivery!.attempts).toMatchObject([{ status_code: 200, error: null }]);
      expect(delivery!.id).toMatch(/^msg_[0-9a-f]{32}$/);
    }
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(3);
  });

  it('sends only the events a webhook asked for', async () => {
    const { t, receiver } = await setup();
    const [acme, globex] = await startRuns('ACME,GLOBEX', { url: receiver.url, events: ['run.failed'] });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));
    t.manager.finish(globex!, 'error', null, 'boom');
    await receiver.waitFor((r) => r.length === 1);
    expect(receiver.received[0]!.payload!.type).toBe('run.failed');
    expect(await deliveriesOf(acme!)).toEqual([]);
  });

  it('retries after 500s with backoff under the doubling ceiling, the same webhook-id each time, then delivers', async () => {
    const { t, receiver } = await setup({}, (_hook, n) => (n <= 2 ? 500 : 200));
    const [acme] = await startRuns('ACME', { url: receiver.url });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));

    const first = await untilAttempts(acme!, 1);
    expect(first).toMatchObject({ outcome: 'pending', attempts: [{ status_code: 500, error: null }] });
    expect(clock.nextDueIn()).toBe(500); // the jitter's draw (0.5) of the ceiling base · 2^0
    expect(Date.parse(first.next_attempt_at!)).toBe(clock.now() + 500);
    clock.runNext();
    await untilAttempts(acme!, 2);
    expect(clock.nextDueIn()).toBe(1000); // the ceiling doubled: base · 2^1
    clock.runNext();
    const done = await untilAttempts(acme!, 3);

    expect(done.outcome).toBe('delivered');
    expect(done.attempts.map((a) => a.status_code)).toEqual([500, 500, 200]);
    expect(receiver.received.map((r) => [r.id, r.verified])).toEqual([
      [done.id, true],
      [done.id, true],
      [done.id, true],
    ]);
    // Each attempt is signed at its own time; the body is the same bytes every time.
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('forgets the settled records of runs no longer listed; a pending delivery and a run still listed keep theirs', async () => {
    // ACME's target answers at once; GLOBEX's first attempt fails, so its delivery waits for a retry.
    let globexMayPass = false;
    const { t, receiver } = await setup({}, (hook) => ((hook.payload?.data['run'] as { ticker?: string } | null)?.ticker === 'GLOBEX' && !globexMayPass ? 500 : 200));
    const [acme, globex, initech] = await startRuns('ACME,GLOBEX,INITECH', { url: receiver.url });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));
    t.manager.finish(globex!, 'completed', fakeDecision('GLOBEX', 'Buy.'));
    expect(await untilAttempts(acme!, 1)).toMatchObject({ outcome: 'delivered' });
    expect(await untilAttempts(globex!, 1)).toMatchObject({ outcome: 'pending' });
    const dir = path.join(t.config.resultsDir, 'webhooks');
    const files = async () => (await readdir(dir)).sort();
    const fileOf = (id: string) => `${encodeURIComponent(id)}.json`;
    expect(await files()).toEqual([acme, globex, initech].map((id) => fileOf(id!)).sort());

    // Both finished runs leave the server's list (as retention prunes them); INITECH is still running.
    expect(t.manager.prune(-1).sort()).toEqual([acme, globex].sort());
    expect(await t.app.webhooks.forgetGoneRuns()).toBe(1);
    expect(await files()).toEqual([globex, initech].map((id) => fileOf(id!)).sort());
    expect(await t.app.webhooks.deliveries(acme!)).toEqual([]);

    // Once GLOBEX's delivery is through, its record goes at the next pass.
    globexMayPass = true;
    clock.runNext();
    expect(await untilDelivered(t, globex!)).toMatchObject({ outcome: 'delivered' });
    expect(await t.app.webhooks.forgetGoneRuns()).toBe(1);
    expect(await files()).toEqual([fileOf(initech!)]);
    expect(await t.app.webhooks.forgetGoneRuns()).toBe(0);
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS and shows the delivery failed', async () => {
    const { t, receiver } = await setup({ WEBHOOK_MAX_ATTEMPTS: '3' }, () => 503);
    const [acme] = await startRuns('ACME', { url: receiver.url });
    t.manager.finish(acme!, 'error', null, 'x');
    await untilAttempts(acme!, 1);
    clock.runNext();
    await untilAttempts(acme!, 2);
    clock.runNext();
    const failed = await untilAttempts(acme!, 3);
    expect(failed).toMatchObject({ outcome: 'failed', next_attempt_at: null });
    expect(failed.attempts.map((a) => a.status_code)).toEqual([503, 503, 503]);
    expect(clock.pending).toBe(0);
    expect(receiver.received).toHaveLength(3);
  });

  it('stops at once on 410 Gone', async () => {
    const { t, receiver } = await setup({}, () => 410);
    const [acme] = await startRuns('ACME', { url: receiver.url });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));
    const gone = await untilAttempts(acme!, 1);
    expect(gone).toMatchObject({ outcome: 'failed', attempts: [{ status_code: 410 }] });
    expect(clock.pending).toBe(0);
  });

  it('an attempt that outlasts WEBHOOK_TIMEOUT_MS counts as failed and is retried', async () => {
    const arrived = deferred<void>();
    const release = deferred<number>();
    const { t, receiver } = await setup({ WEBHOOK_TIMEOUT_MS: '5000' }, (_hook, n) => {
      if (n > 1) return 200;
      arrived.resolve();
      return release.promise;
    });
    const [acme] = await startRuns('ACME', { url: receiver.url });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));
    await arrived.promise;
    expect(clock.nextDueIn()).toBe(5000); // the attempt's time limit
    clock.runNext();
    const timedOut = await untilAttempts(acme!, 1);
    expect(timedOut.attempts).toMatchObject([{ status_code: null, error: 'timed out after 5000 ms' }]);
    expect(clock.nextDueIn()).toBe(500); // what waits is the backoff, not a second attempt's time limit
    release.resolve(200);
    clock.runNext();
    const done = await untilAttempts(acme!, 2);
    expect(done).toMatchObject({ outcome: 'delivered', attempts: [{ error: 'timed out after 5000 ms' }, { status_code: 200 }] });
    expect(receiver.received.map((r) => r.id)).toEqual([done.id, done.id]);
  });

  it('a backoff that draws 0 ms retries at once, without the clock moving', async () => {
    const { t, receiver } = await setup({}, (_hook, n) => (n === 1 ? 500 : 200), () => 0);
    const startedAt = clock.now();
    const [acme] = await startRuns('ACME', { url: receiver.url });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));
    const done = await untilDelivered(t, acme!);
    expect(done.attempts.map((a) => [a.status_code, Date.parse(a.at)])).toEqual([
      [500, startedAt],
      [200, startedAt],
    ]);
    expect(clock.now()).toBe(startedAt);
    expect(clock.pending).toBe(0);
  });

  it('retries a target that refuses the connection (a network error, no status code)', async () => {
    const { t, receiver } = await setup();
    const gone = receiver.url;
    await receiver.close(); // nothing listens on that port any more
    const [acme] = await startRuns('ACME', { url: gone });
    t.manager.finish(acme!, 'completed', fakeDecision('ACME', 'Buy.'));
    const first = await untilAttempts(acme!, 1);
    expect(first).toMatchObject({ outcome: 'pending', attempts: [{ status_code: null, error: expect.stringMatching(/ECONNREFUSED/) }] });
    expect(clock.pending).toBe(1);
  });

  it('a send to a name that resolves to a private address is refused before connecting, for good', async () => {
    const { receiver } = await setup();
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    const result = await sendWebhook(url, '{}', {
      headers: {},
      timeoutMs: 5000,
      allowPrivate: false,
      clock,
      signal: new AbortController().signal,
    });
    expect(result).toMatchObject({
      kind: 'failed',
      permanent: true,
      error: expect.stringMatching(/^refused: localhost resolves to .*, a loopback or private address/),
    });
    expect(receiver.received).toEqual([]);
    const allowed = await sendWebhook(url, '{}', {
      headers: {},
      timeoutMs: 5000,
      allowPrivate: true,
      clock,
      signal: new AbortController().signal,
    });
    expect(allowed).toMatchObject({ kind: 'answered', statusCode: 200 });
  });

  it('WEBHOOK_URLS hears every run; the same URL given per request is still one delivery', async () => {
    const { t, receiver } = await setup({ WEBHOOK_URLS: '$RECEIVER' });
    const [acme] = await startRuns('ACME');
    const [globex] = await startRuns('GLOBEX', { url: receiver.url, events: ['run.completed'] });
    t.manager.finish(acme!, 'canceled');
    t.manager.finish(globex!, 'completed', fakeDecision('GLOBEX', 'Buy.'));
    await receiver.waitFor((r) => r.length === 2);
    expect(receiver.received.map((r) => r.payload!.type).sort()).toEqual(['run.canceled', 'run.completed']);
    expect(await deliveriesOf(globex!)).toHaveLength(1);
  });

  it('refuses bad webhook bodies with 400 { error } and starts nothing', async () => {
    const { t, receiver } = await setup();
    const cases: Array<[unknown, RegExp]> = [
      [{ url: 'ftp://example.com/x' }, /webhook url must be an absolute http:\/\/ or https:\/\/ URL/],
      [{ url: 'not a url' }, /webhook url must be an absolute/],
      [{}, /webhook\.url/],
      [{ url: receiver.url, events: [] }, /name at least one event/],
      [{ url: receiver.url, events: ['run.exploded'] }, /webhook\.events/],
      [{ url: receiver.url, events: ['backtest.completed'] }, /backtest\.completed do not happen to a run/],
      [{ url: receiver.url, secret: 'x' }, /unknown field "secret"/],
      ['https://example.com', /webhook/],
    ];
    for (const [webhook, message] of cases) {
      const res = await post('/start-multi', { company_symbols: 'ACME', webhook });
      expect(res.status, JSON.stringify(webhook)).toBe(400);
      expect(res.json.error, JSON.stringify(webhook)).toMatch(message);
    }
    expect(t.manager.started).toEqual([]);
  });

  it('takes the webhook as a JSON string from a form post, and on /start-process', async () => {
    const { t, receiver } = await setup();
    const form = await fetch(`${t.url}/start-multi`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ company_symbols: 'ACME', webhook: JSON.stringify({ url: receiver.url }) }).toString(),
    });
    expect(form.status).toBe(202);
    const legacy = await post('/start-process', { company_symbol: 'GLOBEX', webhook: { url: receiver.url } });
    expect(legacy.status).toBe(202);
    for (const id of t.manager.list().map((r) => r.run_id)) t.manager.finish(id, 'canceled');
    await receiver.waitFor((r) => r.length === 2);
    expect(receiver.received.every((r) => r.verified && r.payload!.type === 'run.canceled')).toBe(true);
  });

  it('without WEBHOOK_ALLOW_PRIVATE a loopback, private or localhost target is a 400', async () => {
    const { t, receiver } = await setup({ WEBHOOK_ALLOW_PRIVATE: '0' });
    for (const url of [receiver.url, 'http://localhost:9/x', 'http://10.1.2.3/x', 'http://[::1]:9/x', 'http://169.254.169.254/latest']) {
      const res = await post('/start-multi', { company_symbols: 'ACME', webhook: { url } });
      expect(res.status, url).toBe(400);
      expect(res.json.error).toMatch(/loopback or private address; set WEBHOOK_ALLOW_PRIVATE=1/);
    }
    expect(t.manager.started).toEqual([]);
  });

  it('without WEBHOOK_ALLOW_PRIVATE a host name that resolves to a private address is a 400', async () => {
    const answers = await lookup(os.hostname(), { all: true }).catch(() => []);
    // Our machines resolve their own name to a loopback or container address; elsewhere there is nothing to refuse.
    if (!answers.some((a) => isPrivateAddress(a.address))) return;
    const { t } = await setup({ WEBHOOK_ALLOW_PRIVATE: '0' });
    const res = await post('/start-multi', { company_symbols: 'ACME', webhook: { url: `http://${os.hostname()}:9/hook` } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(new RegExp(`^webhook url host ${os.hostname()} resolves to .*, a loopback or private address`));
    expect(t.manager.started).toEqual([]);
  });

  it('without WEBHOOK_SECRET a webhook is refused: nothing could be signed', async () => {
    const { t, receiver } = await setup({ WEBHOOK_SECRET: '' });
    const res = await post('/start-multi', { company_symbols: 'ACME', webhook: { url: receiver.url } });
    expect(res).toMatchObject({ status: 400, json: { error: 'webhooks are off on this server: set WEBHOOK_SECRET to sign them' } });
    expect(t.manager.started).toEqual([]);
  });

  it('GET /runs/:id/webhooks is 404 for an unknown run and [] for a run without webhooks', async () => {
    const { t } = await setup();
    const [acme] = await startRuns('ACME');
    expect(await deliveriesOf(acme!)).toEqual([]);
    const missing = await fetch(`${t.url}/runs/${acme!.replace(/[0-9a-f]{6}$/, 'ffffff')}/webhooks`);
    expect(missing.status).toBe(404);
  });
});

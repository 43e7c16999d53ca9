import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { API_ROUTES, type WebhookDelivery } from '@tradingfloor/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../packages/server/src/serve.js';
import { ManualClock } from '../support/manual-clock.js';
import { removeDir, tempResultsDir } from '../support/server-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let resultsDir: string | undefined;
let server: RunningServer | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await server?.close();
  await receiver?.close();
  if (resultsDir) await removeDir(resultsDir);
  server = receiver = resultsDir = undefined;
});

/** The real server (engine, offline model, demo market) on 127.0.0.1:0 over `resultsDir`, with webhooks on a manual clock. */
async function start(clock: ManualClock, env: NodeJS.ProcessEnv = {}): Promise<{ server: RunningServer; logs: string[] }> {
  const logs: string[] = [];
  server = await startServer(
    { LLM_MAX_CONCURRENCY: '16', WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_BACKOFF_BASE_MS: '1000', ...env },
    {
      port: 0,
      host: '127.0.0.1',
      resultsDir: resultsDir!,
      webDist: path.join(resultsDir!, 'no-web-dist'),
      log: (l) => logs.push(l),
      webhookClock: clock,
      ws: { heartbeatMs: 0 },
    },
  );
  return { server, logs };
}

async function api<T>(method: string, urlPath: string, json?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${server!.url}${urlPath}`, {
    method,
    ...(json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** A run's deliveries, checked against the route table's response schema. */
async function deliveriesOf(runId: string): Promise<WebhookDelivery[]> {
  const res = await api<unknown>('GET', `/runs/${runId}/webhooks`);
  return API_ROUTES.runWebhooks.response.parse(res.json).deliveries;
}

describe('webhooks from the real server', () => {
  it('a receiver gets exactly one verified delivery per event across a server restart', async () => {
    resultsDir = await tempResultsDir();
    let healthy = false;
    receiver = await startWebhookReceiver(SECRET, () => (healthy ? 204 : 500));
    const clock = new ManualClock();
    await start(clock);

    const webhook = { url: receiver.url };
    const done = await api<{ runs: Array<{ run_id: string }> }>('POST', '/start-multi', { company_symbols: 'ACME', webhook });
    const slow = await api<{ runs: Array<{ run_id: string }> }>('POST', '/start-multi', {
      company_symbols: 'GLOBEX',
      offline_latency_ms: 5000,
      webhook,
    });
    expect([done.status, slow.status]).toEqual([202, 202]);
    const completed = done.json.runs[0]!.run_id;
    const canceled = slow.json.runs[0]!.run_id;
    expect((await api('POST', `/runs/${canceled}/cancel`)).status).toBe(202);

    // Both first attempts meet a failing receiver; both retries wait on the clock when the server stops.
    await receiver.waitFor((r) => r.length === 2);
    await vi.waitFor(async () => {
      for (const id of [completed, canceled]) expect((await deliveriesOf(id))[0]?.attempts).toHaveLength(1);
    });
    await clock.untilPending(2);
    const before = [...(await deliveriesOf(completed)), ...(await deliveriesOf(canceled))];
    expect(before.map((d) => [d.event, d.outcome])).toEqual([
      ['run.completed', 'pending'],
      ['run.canceled', 'pending'],
    ]);
    await server!.close();
    server = undefined;
    expect(receiver.received).toHaveLength(2);

    // Restarted on the same RESULTS_DIR at the time the later retry is due: both go out at once, once each.
    healthy = true;
    const later = Math.max(...before.map((d) => Date.parse(d.next_attempt_at!)));
    const second = await start(new ManualClock(later));
    expect(second.logs).toContain('webhooks: resumed 2 pending deliveries');
    await receiver.waitFor((r) => r.length === 4);
    await vi.waitFor(async () => {
      for (const id of [completed, canceled]) expect((await deliveriesOf(id))[0]?.outcome).toBe('delivered');
    });
    await server!.close();
    server = undefined;

    // A third start finds nothing pending, so nothing is sent again.
    const third = await start(new ManualClock());
    expect(third.logs.some((l) => l.startsWith('webhooks: resumed'))).toBe(false);
    const after = [...(await deliveriesOf(completed)), ...(await deliveriesOf(canceled))];
    expect(after.map((d) => [d.id, d.outcome, d.attempts.map((a) => a.status_code)])).toEqual(
      before.map((d) => [d.id, 'delivered', [500, 204]]),
    );

    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const accepted = receiver.received.filter((r) => r.status === 204);
    expect(accepted.map((r) => r.payload!.type).sort()).toEqual(['run.canceled', 'run.completed']);
    for (const d of before) {
      // Per event: the failed try and the accepted one carry the same webhook-id and the same body.
      const tries = receiver.received.filter((r) => r.id === d.id);
      expect(tries.map((r) => r.status)).toEqual([500, 204]);
      expect(tries[0]!.body).toBe(tries[1]!.body);
    }
    const completedPayload = accepted.find((r) => r.payload!.type === 'run.completed')!.payload!;
    expect(completedPayload.data).toMatchObject({ run: { run_id: completed, status: 'completed' }, decision: { ticker: 'ACME' } });
    expect(receiver.received).toHaveLength(4);
  });

  it('a subscribed run that ended while no delivery was written is reported at the next start, once', async () => {
    resultsDir = await tempResultsDir();
    receiver = await startWebhookReceiver(SECRET);
    await start(new ManualClock());
    const res = await api<{ runs: Array<{ run_id: string }> }>('POST', '/start-multi', { company_symbols: 'ACME' });
    const runId = res.json.runs[0]!.run_id;
    await server!.manager.whenFinished(runId);
    await server!.close();
    server = undefined;
    // As a stop between writing the subscription and writing the event's delivery leaves it.
    await mkdir(path.join(resultsDir, 'webhooks'), { recursive: true });
    const record = {
      version: 1,
      kind: 'run',
      subject_id: runId,
      subscriptions: [{ url: receiver.url, events: ['run.completed'] }],
      deliveries: [],
    };
    await writeFile(path.join(resultsDir, 'webhooks', `${runId}.json`), JSON.stringify(record));

    await start(new ManualClock());
    await receiver.waitFor((r) => r.length === 1);
    expect(receiver.received[0]).toMatchObject({ verified: true, payload: { type: 'run.completed', data: { run: { run_id: runId } } } });
    await vi.waitFor(async () => expect((await deliveriesOf(runId))[0]?.outcome).toBe('delivered'));
    await server!.close();
    server = undefined;
    const third = await start(new ManualClock());
    expect(third.logs.some((l) => l.startsWith('webhooks: resumed'))).toBe(false);
    expect(await deliveriesOf(runId)).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('a pending delivery to a private target is refused at delivery once WEBHOOK_ALLOW_PRIVATE is off', async () => {
    resultsDir = await tempResultsDir();
    receiver = await startWebhookReceiver(SECRET, () => 500);
    const clock = new ManualClock();
    await start(clock);
    const res = await api<{ runs: Array<{ run_id: string }> }>('POST', '/start-multi', {
      company_symbols: 'ACME',
      webhook: { url: receiver.url },
    });
    const runId = res.json.runs[0]!.run_id;
    await receiver.waitFor((r) => r.length === 1);
    await clock.untilPending(1);
    const [pending] = await deliveriesOf(runId);
    await server!.close();
    server = undefined;

    await start(new ManualClock(Date.parse(pending!.next_attempt_at!)), { WEBHOOK_ALLOW_PRIVATE: '0' });
    await vi.waitFor(async () => expect((await deliveriesOf(runId))[0]?.outcome).toBe('failed'));
    const [failed] = await deliveriesOf(runId);
    expect(failed!.attempts[1]).toMatchObject({
      status_code: null,
      error: expect.stringMatching(/^refused: webhook url http:\/\/127\.0\.0\.1:\d+ points at a loopback or private address/),
    });
    expect(receiver.received).toHaveLength(1);
  });

  it('a backtest fires backtest.completed with its summary and metrics; its cells fire nothing of their own', async () => {
    resultsDir = await tempResultsDir();
    receiver = await startWebhookReceiver(SECRET);
    // Server-wide too: the cells would reach it if they fired, and the backtest's own URL is still one delivery.
    await start(new ManualClock(), { WEBHOOK_URLS: receiver.url });
    const bad = await api<{ error: string }>('POST', '/backtests', {
      tickers: ['ACME'],
      from: '2024-03-01',
      to: '2024-03-04',
      webhook: { url: receiver.url, events: ['run.completed'] },
    });
    expect(bad).toMatchObject({ status: 400, json: { error: expect.stringMatching(/run\.completed do not happen to a backtest/) } });
    const res = await api<{ backtest_id: string }>('POST', '/backtests', {
      tickers: ['ACME'],
      from: '2024-03-01',
      to: '2024-03-04',
      every: 2,
      webhook: { url: receiver.url },
    });
    expect(res.status).toBe(202);
    const id = res.json.backtest_id;
    await receiver.waitFor((r) => r.length === 1);
    const [hook] = receiver.received;
    expect(hook!.verified).toBe(true);
    expect(hook!.payload).toMatchObject({
      type: 'backtest.completed',
      data: { backtest: { backtest_id: id, status: 'completed' }, metrics: { series: expect.any(Object) } },
    });
    const listed = await api<{ deliveries: WebhookDelivery[] }>('GET', `/backtests/${id}/webhooks`);
    expect(listed.json.deliveries).toMatchObject([{ id: hook!.id, event: 'backtest.completed', outcome: 'delivered' }]);
    expect(API_ROUTES.backtestWebhooks.response.safeParse(listed.json).success).toBe(true);
    const cells = (await api<{ cells: Array<{ run_id: string }> }>('GET', `/backtests/${id}/decisions`)).json.cells;
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) expect(await deliveriesOf(cell.run_id)).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import type { WebhookDelivery } from '@tradingfloor/shared';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { removeDir, tempResultsDir } from '../support/server-harness.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let results: string | undefined;
let server: SpawnedServer | undefined;
let receiver: WebhookReceiver | undefined;
beforeAll(() => requireBuiltCli());
afterEach(async () => {
  await server?.kill();
  await receiver?.close();
  if (results) await removeDir(results);
  server = receiver = results = undefined;
});

/** The built `tradingfloor serve` with quick real-time retries (the clock here is the real one). */
const serve = () =>
  spawnServer(['--results-dir', results!], {
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_ALLOW_PRIVATE: '1',
    WEBHOOK_BACKOFF_BASE_MS: '200',
    WEBHOOK_BACKOFF_MAX_MS: '1000',
    WEBHOOK_MAX_ATTEMPTS: '50',
  });

async function deliveries(runId: string): Promise<WebhookDelivery[]> {
  const res = await fetch(`${server!.url}/runs/${runId}/webhooks`);
  return ((await res.json()) as { deliveries: WebhookDelivery[] }).deliveries;
}

describe('webhooks survive a crash of the CLI server', () => {
  it('SIGKILL while a delivery is retrying: after the restart it is delivered exactly once, with the same webhook-id', async () => {
    results = await tempResultsDir();
    let healthy = false;
    receiver = await startWebhookReceiver(SECRET, () => (healthy ? 200 : 500));
    server = await serve();
    const res = await fetch(`${server.url}/start-multi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ company_symbols: 'ACME', webhook: { url: receiver.url } }),
    });
    expect(res.status).toBe(202);
    const runId = ((await res.json()) as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;

    // The first attempt was refused and written: the delivery is pending with its retry ahead.
    await vi.waitFor(async () => expect((await deliveries(runId))[0]?.attempts.length).toBeGreaterThanOrEqual(1), {
      timeout: 20_000,
      interval: 20,
    });
    await server.kill();
    const refused = receiver.received.length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(receiver.received.every((r) => r.status === 500 && r.verified)).toBe(true);

    healthy = true;
    server = await serve();
    await receiver.waitFor((r) => r.some((h) => h.status === 200));
    await vi.waitFor(async () => expect((await deliveries(runId))[0]?.outcome).toBe('delivered'), { timeout: 20_000, interval: 20 });
    // A clean stop and a third start: nothing is pending, so nothing is sent again.
    expect(await server.stop()).toBe(0);
    server = await serve();
    expect(server.output()).not.toMatch(/webhooks: resumed/);
    const [delivery] = await deliveries(runId);
    expect(delivery).toMatchObject({ event: 'run.completed', outcome: 'delivered' });

    const accepted = receiver.received.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({
      id: delivery!.id,
      verified: true,
      payload: { type: 'run.completed', data: { run: { run_id: runId } } },
    });
    // Every try, before and after the crash, was the same message.
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([delivery!.id]));
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    // The attempts the crash did not get to write are the only ones missing from the record.
    expect(delivery!.attempts.at(-1)!.status_code).toBe(200);
    expect(delivery!.attempts.length).toBeLessThanOrEqual(receiver.received.length);
  });
});

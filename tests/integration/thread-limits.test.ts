import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LimiterLayer } from '@tradingfloor/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { gatedScript, startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { api } from '../support/rest-call.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';

// The LLM limiter with engine worker threads and no limits configured (docs/architecture.md §13a, "Open keys"),
// black-box: a real `tradingfloor serve` with one engine thread, the real openai SDK against the fake provider.
// After the first grant says its key is open, the thread's calls take their permits without asking. What a
// client sees must not change: the serving thread still counts every call, and a 429 still lowers the
// provider's limit and closes the key, so that later calls ask and wait (without `closed`, the fourth run's
// calls would be taken too, and twelve would reach the provider).

let fake: FakeProvider;
let results: string;
let server: SpawnedServer | undefined;
const gated = gatedScript();

async function startRun(ticker: string): Promise<string> {
  const started = await api(server!, 'POST', '/start-multi', { company_symbols: ticker, llm_provider: 'openai' });
  expect(started.status).toBe(202);
  return started.json.runs[0].run_id as string;
}

/** Polls `/metrics/concurrency` until `check` holds for the `openai` layer. */
async function openaiLayerUntil(check: (layer: LimiterLayer) => boolean): Promise<LimiterLayer> {
  let found: LimiterLayer | undefined;
  await vi.waitFor(
    async () => {
      const { json } = await api(server!, 'GET', '/metrics/concurrency');
      found = (json.layers as LimiterLayer[]).find((l) => l.key === 'openai');
      expect(found && check(found)).toBe(true);
    },
    { timeout: 30_000, interval: 50 },
  );
  return found!;
}

async function untilStatus(runId: string, status: string): Promise<void> {
  await vi.waitFor(async () => expect((await api(server!, 'GET', `/runs/${runId}/status`)).json.status).toBe(status), { timeout: 60_000, interval: 100 });
}

describe('LLM permits on engine threads with no limits configured (open keys)', () => {
  beforeAll(async () => {
    requireBuiltCli();
    fake = await startFakeProvider();
    results = await mkdtemp(path.join(os.tmpdir(), 'tf-thread-limits-'));
  });
  afterAll(async () => {
    gated.release();
    await server?.kill();
    await fake?.close();
    await rm(results, { recursive: true, force: true });
  });
  afterEach(() => {
    gated.release();
  });

  it('counts the calls a thread admits itself, and a 429 closes the key: later calls wait under the lowered limit', async () => {
    fake.setScript(gated.script);
    server = await spawnServer([], { ENGINE_THREADS: '1', OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'sk-fake-test', RESULTS_DIR: results });

    // A first run's four analysts ask for their permits; the grants tell the thread the key is open.
    const first = await startRun('ACME');
    await fake.waitUntil((f) => f.inFlight === 4);
    expect(await openaiLayerUntil((l) => l.in_use === 4)).toMatchObject({ limit: null, effective_limit: null, waiting: 0 });
    gated.release();
    await untilStatus(first, 'completed');
    await openaiLayerUntil((l) => l.in_use === 0);

    // The second run's calls take their permits themselves; the server still counts all four.
    gated.hold();
    const second = await startRun('GLOBEX');
    await fake.waitUntil((f) => f.inFlight === 4);
    await openaiLayerUntil((l) => l.in_use === 4 && l.effective_limit === null);

    // A third run's calls are taken too; its first answer is a 429. The serving thread counts the call before
    // it hears of the 429 (the ask follows the `took` note), halves the provider's limit from the calls it
    // counts in flight, and tells the thread the key is closed. The 429'd call keeps its permits and retries
    // within them (all attempts of a call run inside one acquisition).
    gated.rateLimitNext();
    const third = await startRun('INITECH');
    const lowered = await openaiLayerUntil((l) => l.effective_limit !== null && l.in_use === 8);
    expect(lowered.limit).toBeNull();
    expect(lowered.effective_limit).toBeGreaterThanOrEqual(2);
    expect(lowered.effective_limit).toBeLessThanOrEqual(4);
    await fake.waitUntil((f) => f.inFlight === 8);
    const logs = await api(server, 'GET', `/runs/${third}/logs?q=${encodeURIComponent('answered 429')}`);
    expect(JSON.stringify(logs.json.entries)).toMatch(new RegExp(`concurrency limit lowered to ${lowered.effective_limit}`));

    // A fourth run's calls ask again (the key is closed) and wait: 8 are in flight, at or over the lowered limit.
    const fourth = await startRun('HOOLI');
    await openaiLayerUntil((l) => l.waiting === 4);
    expect(fake.inFlight).toBe(8);

    gated.release();
    await untilStatus(second, 'completed');
    await untilStatus(third, 'completed');
    await untilStatus(fourth, 'completed');
    await openaiLayerUntil((l) => l.in_use === 0 && l.waiting === 0);
  }, 120_000);
});

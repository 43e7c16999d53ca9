import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LimiterLayer } from '@tradingfloor/shared';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { gatedScript, startFakeProvider, type FakeProvider, type GatedScript } from '../support/fake-provider/index.js';
import { redisSkipReason, startRedis, type TestRedis } from '../support/redis-server.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { runWorkerToEnd, spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';
import { api } from '../support/rest-call.js';

// Cluster-wide LLM limits of queue mode (issue 15): a real redis-server, a real `tradingfloor serve` with
// REDIS_URL and real `tradingfloor worker` processes (built CLI: `npm run build:node` first). The fake provider
// counts the requests in flight over all workers. Each worker runs one run at a time (`--concurrency 1`), so
// two runs started together execute on two different workers.

let redis: TestRedis;
let fake: FakeProvider;
let results: string;
/** Every model request waits until the test lets the answers go (`gated.release()`). */
let gated: GatedScript;
const servers: SpawnedServer[] = [];
const workers: SpawnedWorker[] = [];

const workerEnv = (limits: Record<string, string>) => ({
  OPENAI_BASE_URL: fake.openaiBaseURL,
  OPENAI_API_KEY: 'sk-fake-test',
  REDIS_URL: redis.url,
  RESULTS_DIR: results,
  ...limits,
});
/** The server's provider points at a closed port: every model call is a worker's. */
const serverEnv = () => ({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-fake-test', REDIS_URL: redis.url, RESULTS_DIR: results });

async function startRun(server: SpawnedServer, ticker: string): Promise<string> {
  const started = await api(server, 'POST', '/start-multi', { company_symbols: ticker, llm_provider: 'openai' });
  expect(started.status).toBe(202);
  return started.json.runs[0].run_id as string;
}

/** Polls the server's `/metrics/concurrency` (the workers write the layers to Redis) until `check` holds for layer `key`. */
async function layerUntil(server: SpawnedServer, key: string, check: (layer: LimiterLayer) => boolean): Promise<LimiterLayer> {
  let found: LimiterLayer | undefined;
  await vi.waitFor(
    async () => {
      const { json } = await api(server, 'GET', '/metrics/concurrency');
      found = (json.layers as LimiterLayer[]).find((l) => l.key === key);
      expect(found && check(found)).toBe(true);
    },
    { timeout: 40_000, interval: 100 },
  );
  return found!;
}

const status = async (server: SpawnedServer, runId: string) => (await api(server, 'GET', `/runs/${runId}/status`)).json.status as string;

describe.skipIf(redisSkipReason !== null)(`cluster-wide LLM limits in queue mode${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  beforeAll(async () => {
    requireBuiltCli();
    [redis, fake] = await Promise.all([startRedis(), startFakeProvider()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), fake?.close()]);
  });
  beforeEach(async () => {
    gated = gatedScript();
    fake.setScript(gated.script);
    fake.reset();
    results = await mkdtemp(path.join(os.tmpdir(), 'tf-queue-limits-'));
  });
  afterEach(async () => {
    gated.release();
    await Promise.all([...servers.splice(0), ...workers.splice(0)].map((p) => p.kill()));
    // The limiter's keys of one test must not bind the next.
    await runRedis(['FLUSHALL']);
    await rm(results, { recursive: true, force: true });
  });

  it.each<{ name: string; limits: Record<string, string>; layer: string; limit: number }>([
    { name: 'LLM_MAX_CONCURRENCY=2', limits: { LLM_MAX_CONCURRENCY: '2' }, layer: 'global', limit: 2 },
    { name: 'LLM_PROVIDER_LIMITS=openai:1', limits: { LLM_MAX_CONCURRENCY: '16', LLM_PROVIDER_LIMITS: 'openai:1' }, layer: 'openai', limit: 1 },
  ])('$name holds across two workers: the provider never sees more in flight, and it does see that many', async ({ limits, layer, limit }) => {
    workers.push(...(await Promise.all([spawnWorker(['--concurrency', '1'], workerEnv(limits)), spawnWorker(['--concurrency', '1'], workerEnv(limits))])));
    const server = await spawnServer([], serverEnv());
    servers.push(server);
    const runs = [await startRun(server, 'ACME'), await startRun(server, 'GLOBEX')];

    // Both runs' analysts want a call at once (four each): `limit` of them are in, the others wait cluster-wide.
    // Waiting ≥ 4 means calls of both workers are there: with per-worker limits the provider would see 2 × limit.
    const shown = await layerUntil(server, layer, (l) => l.in_use === limit && l.waiting >= 4);
    expect(shown).toMatchObject({ limit, effective_limit: limit, in_use: limit });
    // The admitted calls reach the provider (an admitted call may still be on its way), and no more do.
    await fake.waitUntil((f) => f.inFlight === limit);
    expect(fake.maxInFlight).toBe(limit);

    gated.release();
    await vi.waitFor(async () => expect(await Promise.all(runs.map((id) => status(server, id)))).toEqual(['completed', 'completed']), { timeout: 90_000, interval: 200 });
    expect(fake.maxInFlight).toBe(limit);
    await layerUntil(server, layer, (l) => l.in_use === 0 && l.waiting === 0);
  }, 150_000);

  it('a 429 seen by one worker lowers the limit on the other; a canceled run gives its permits back', async () => {
    const limits = { LLM_MAX_CONCURRENCY: '16', LLM_PROVIDER_LIMITS: 'openai:4' };
    gated.rateLimitNext();
    const a = await spawnWorker(['--concurrency', '1'], workerEnv(limits));
    workers.push(a);
    const server = await spawnServer([], serverEnv());
    servers.push(server);

    // Worker A: four analysts admitted under openai:4, the first answered 429 → the limit is 2 cluster-wide.
    // A keeps its four permits (a lowering never interrupts holders).
    const runA = await startRun(server, 'ACME');
    await layerUntil(server, 'openai', (l) => l.effective_limit === 2 && l.in_use === 4);
    expect(a.output()).toMatch(/openai answered 429: its limit is lowered to 2 on every worker/);

    // Worker B's run waits (4 held ≥ 2) ...
    const b = await spawnWorker(['--concurrency', '1'], workerEnv(limits));
    workers.push(b);
    const runB = await startRun(server, 'GLOBEX');
    await layerUntil(server, 'openai', (l) => l.waiting === 4);
    // ... and once A's run is canceled its permits come back, and B admits 2 of its 4 calls, not its own 4.
    expect((await api(server, 'POST', `/runs/${runA}/cancel`)).status).toBe(202);
    const shown = await layerUntil(server, 'openai', (l) => l.in_use === 2 && l.waiting === 2);
    expect(shown).toMatchObject({ limit: 4, effective_limit: 2 });
    await fake.waitUntil((f) => f.inFlight === 2);
    expect(await status(server, runA)).toBe('canceled');

    // B's canceled run leaves nothing held or waiting anywhere.
    expect((await api(server, 'POST', `/runs/${runB}/cancel`)).status).toBe(202);
    await fake.waitUntil((f) => f.inFlight === 0);
    for (const key of ['global', 'openai']) await layerUntil(server, key, (l) => l.in_use === 0 && l.waiting === 0);
    expect(await runRedis(['ZCARD', 'semaphore:tradingfloor:limits:held:openai'])).toBe('0');
  }, 150_000);

  it("a SIGKILLed worker's permits come back after QUEUE_PERMIT_LEASE_MS", async () => {
    const limits = { LLM_MAX_CONCURRENCY: '2', QUEUE_PERMIT_LEASE_MS: '1000' };
    const a = await spawnWorker(['--concurrency', '1'], workerEnv(limits));
    workers.push(a);
    const server = await spawnServer([], serverEnv());
    servers.push(server);
    await startRun(server, 'ACME');
    await layerUntil(server, 'global', (l) => l.in_use === 2);
    await a.kill();
    await fake.waitUntil((f) => f.inFlight === 0);

    // Nothing released A's permits: they run out with their lease, and B's run gets both.
    const b = await spawnWorker(['--concurrency', '1'], workerEnv(limits));
    workers.push(b);
    const killedAt = Date.now();
    await startRun(server, 'GLOBEX');
    await fake.waitUntil((f) => f.inFlight === 2);
    // Well before the default lease (10 s) would have let them go.
    expect(Date.now() - killedAt).toBeLessThan(6_000);
    await layerUntil(server, 'global', (l) => l.in_use === 2);
  }, 120_000);

  it('a worker refuses a bad QUEUE_PERMIT_LEASE_MS', async () => {
    const refused = await runWorkerToEnd(['--queue', redis.url], { RESULTS_DIR: results, QUEUE_PERMIT_LEASE_MS: '10' });
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/QUEUE_PERMIT_LEASE_MS must be a whole number of milliseconds, at least 500, got "10"/);
  });
});

/** One Redis command on a short-lived connection of the test, its answer as text. */
async function runRedis(command: string[]): Promise<string> {
  const client = new Redis(redis.url);
  try {
    return String(await client.call(command[0]!, ...command.slice(1)));
  } finally {
    client.disconnect();
  }
}

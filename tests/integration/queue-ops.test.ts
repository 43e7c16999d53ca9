import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConcurrencyMetricsSchema, HealthResponseSchema, type QueueWorkerInfo } from '@tradingfloor/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider, type FakeRequest } from '../support/fake-provider/index.js';
import { redisSkipReason, startRedis, type TestRedis } from '../support/redis-server.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { runWorkerToEnd, spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';

// Queue mode's operations (issue 15): workers announce themselves in Redis, `/metrics` and `/metrics/concurrency`
// show the queue's depth and the workers alive with their runs, `/healthz` reports Redis. A real redis-server
// (one per test), a real `tradingfloor serve` and real `tradingfloor worker` processes (`npm run build:node` first).

const isResearcher = (req: FakeRequest) => /in a structured research debate/.test(req.system);
/** Fast heartbeats, so a killed worker's record (3 intervals) expires within a second. */
const HEARTBEAT_MS = '200';
const POLL = { timeout: 20_000, interval: 50 };

let redis: TestRedis;
let fake: FakeProvider;
let results: string;
const servers: SpawnedServer[] = [];
const workers: SpawnedWorker[] = [];

async function get(server: SpawnedServer, urlPath: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${urlPath}`);
  return { status: res.status, text: await res.text() };
}
const queueOf = async (server: SpawnedServer) => {
  const { status, text } = await get(server, '/metrics/concurrency');
  expect(status).toBe(200);
  // Checked against the shared schema the OpenAPI document is built from.
  const queue = ConcurrencyMetricsSchema.strict().parse(JSON.parse(text)).queue;
  expect(queue).toBeDefined();
  return queue!;
};
const workerEnv = () => ({
  OPENAI_BASE_URL: fake.openaiBaseURL,
  OPENAI_API_KEY: 'sk-fake-test',
  REDIS_URL: redis.url,
  RESULTS_DIR: results,
  QUEUE_HEARTBEAT_MS: HEARTBEAT_MS,
});
const serverEnv = () => ({
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  OPENAI_API_KEY: 'sk-fake-test',
  REDIS_URL: redis.url,
  RESULTS_DIR: results,
});
/** A worker's id carries its pid: `<host>:<pid>:<suffix>`. */
const byPid = (list: QueueWorkerInfo[], worker: SpawnedWorker) => list.find((w) => w.pid === worker.child.pid);

function start(server: SpawnedServer, ticker: string): Promise<{ status: number; json: { runs: Array<{ run_id: string }> } }> {
  return fetch(`${server.url}/start-multi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ company_symbols: ticker, llm_provider: 'openai' }),
  }).then(async (res) => ({ status: res.status, json: (await res.json()) as { runs: Array<{ run_id: string }> } }));
}

describe.skipIf(redisSkipReason !== null)(
  `queue-mode operations with a real redis-server and worker processes${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`,
  () => {
    beforeAll(async () => {
      requireBuiltCli();
      fake = await startFakeProvider();
    });
    afterAll(async () => {
      await fake?.close();
    });
    beforeEach(async () => {
      fake.reset();
      // Every run stops at its first debate turn until it is canceled: runs stay active as long as a test needs.
      const answer = createDefaultScript();
      fake.setScript((req) => (isResearcher(req) ? { kind: 'hang' } : answer(req)));
      [redis, results] = await Promise.all([startRedis(), mkdtemp(path.join(os.tmpdir(), 'tf-queue-ops-'))]);
    });
    afterEach(async () => {
      await Promise.all([...servers.splice(0), ...workers.splice(0)].map((p) => p.kill()));
      await redis?.stop();
      await rm(results, { recursive: true, force: true });
    });

    it('/metrics lists the workers alive with the runs they execute, and counts waiting and active jobs', async () => {
      const one = await spawnWorker(['--concurrency', '1'], workerEnv());
      const two = await spawnWorker(['--concurrency', '1'], workerEnv());
      workers.push(one, two);
      const server = await spawnServer([], serverEnv());
      servers.push(server);

      // Both workers announce themselves at once, idle.
      const idle = await queueOf(server);
      expect(idle.workers.map((w) => [w.pid, w.concurrency, w.runs])).toEqual(
        expect.arrayContaining([
          [one.child.pid, 1, []],
          [two.child.pid, 1, []],
        ]),
      );
      expect(idle.workers).toHaveLength(2);
      expect(idle.counts).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 0 });
      for (const w of idle.workers) expect(w.last_seen).toBeGreaterThanOrEqual(w.started_at);

      // Two runs fill both workers; each is listed under the worker executing it.
      const first = await start(server, 'ACME');
      const second = await start(server, 'GLOBEX');
      const runIds = [first.json.runs[0]!.run_id, second.json.runs[0]!.run_id];
      await fake.waitUntil((f) => f.requests.filter(isResearcher).length === 2);
      await vi.waitFor(async () => {
        const queue = await queueOf(server);
        expect(queue.counts).toMatchObject({ active: 2, waiting: 0 });
        expect([...byPid(queue.workers, one)!.runs, ...byPid(queue.workers, two)!.runs].sort()).toEqual([...runIds].sort());
        expect(byPid(queue.workers, one)!.runs).toHaveLength(1);
      }, POLL);

      // A third run has no free worker: it waits on the queue (its POST answers once a worker opens it).
      const third = start(server, 'INITECH');
      await vi.waitFor(async () => expect((await queueOf(server)).counts).toMatchObject({ waiting: 1, active: 2 }), POLL);
      const prom = await get(server, '/metrics');
      expect(prom.text).toContain('tradingfloor_queue_jobs{state="waiting"} 1');
      expect(prom.text).toContain('tradingfloor_queue_jobs{state="active"} 2');
      expect(prom.text).toContain('tradingfloor_queue_workers 2');
      expect(prom.text).toMatch(new RegExp(`tradingfloor_queue_worker_runs\\{worker="[^"]+:${one.child.pid}:[^"]+",host="[^"]+"\\} 1`));
      expect(prom.text).toContain('tradingfloor_redis_up 1');

      // Canceling the first run frees its worker, which takes the waiting one.
      expect((await fetch(`${server.url}/runs/${runIds[0]}/cancel`, { method: 'POST' })).status).toBe(202);
      const opened = await third;
      expect(opened.status).toBe(202);
      const thirdId = opened.json.runs[0]!.run_id;
      await vi.waitFor(async () => {
        const queue = await queueOf(server);
        expect(queue.counts).toMatchObject({ waiting: 0, active: 2 });
        expect(queue.workers.flatMap((w) => w.runs).sort()).toEqual([runIds[1]!, thirdId].sort());
      }, POLL);
    }, 120_000);

    it('a SIGKILLed worker drops out of the list once its heartbeat expires; a stopped one at once', async () => {
      const killed = await spawnWorker([], workerEnv());
      const stopped = await spawnWorker([], workerEnv());
      const staying = await spawnWorker([], workerEnv());
      workers.push(killed, stopped, staying);
      const server = await spawnServer([], serverEnv());
      servers.push(server);
      expect((await queueOf(server)).workers).toHaveLength(3);

      await killed.kill();
      // Still listed until its record expires (3 heartbeats), then gone for good.
      await vi.waitFor(async () => expect(byPid((await queueOf(server)).workers, killed)).toBeUndefined(), POLL);
      const after = await queueOf(server);
      expect(after.workers.map((w) => w.pid).sort()).toEqual([stopped.child.pid, staying.child.pid].sort());

      // A graceful stop removes the record before the process exits: no wait.
      expect(await stopped.stop()).toBe(0);
      expect((await queueOf(server)).workers.map((w) => w.pid)).toEqual([staying.child.pid]);
      expect(await get(server, '/metrics').then((r) => r.text)).toContain('tradingfloor_queue_workers 1');
    }, 120_000);

    it('a worker refuses a heartbeat interval that is not a whole number of at least 50 ms (exit 2, saying why)', async () => {
      for (const bad of ['10', 'soon']) {
        const { code, output } = await runWorkerToEnd([], { ...workerEnv(), QUEUE_HEARTBEAT_MS: bad });
        expect(code).toBe(2);
        expect(output).toContain(`QUEUE_HEARTBEAT_MS must be a whole number of milliseconds, at least 50, got "${bad}"`);
      }
    });

    it('/healthz reports Redis, and answers 503 with the reason once Redis is gone', async () => {
      const server = await spawnServer([], serverEnv());
      servers.push(server);
      const ok = await get(server, '/healthz');
      expect(ok.status).toBe(200);
      const body = HealthResponseSchema.strict().parse(JSON.parse(ok.text));
      expect(body.status).toBe('ok');
      expect(body.redis?.status).toBe('ok');
      expect(body.redis?.rtt_ms).toBeGreaterThanOrEqual(0);

      await redis.stop();
      await vi.waitFor(async () => {
        const down = await get(server, '/healthz');
        expect(down.status).toBe(503);
        expect(JSON.parse(down.text)).toEqual({ error: expect.stringMatching(/^queue mode: Redis does not answer/) });
      }, POLL);
      // The metrics say so too, and the server keeps answering.
      const queue = await queueOf(server);
      expect(queue.counts).toBeNull();
      expect(queue.error).toMatch(/Redis does not answer/);
      expect((await get(server, '/metrics')).text).toContain('tradingfloor_redis_up 0');
      expect(server.child.exitCode).toBeNull();
    }, 120_000);
  },
);

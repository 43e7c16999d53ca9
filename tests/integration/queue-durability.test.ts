import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deferred, type Deferred, type RunSummary } from '@tradingfloor/shared';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider, type FakeRequest } from '../support/fake-provider/index.js';
import { redisSkipReason, startRedis, type TestRedis } from '../support/redis-server.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';
import { WsRecorder } from '../support/ws-recorder.js';
import { api, type AnyJson, queueClusterEnv } from '../support/rest-call.js';

// Queue mode's durability (issue 15) end to end: a server restarted mid-batch catches up, a SIGTERMed worker
// hands its run to another one, and a Redis restarted mid-batch (persistence off: every job is lost) never
// leaves a run hanging. A real redis-server, real `tradingfloor serve` and `tradingfloor worker` processes
// (the built CLI: `npm run build:node` first). Nothing mocks Redis.

const isResearcher = (req: FakeRequest) => /in a structured research debate/.test(req.system);
const isAnalyst = (req: FakeRequest) => /on the research team of a trading desk/.test(req.system);
const about = (req: FakeRequest, ticker: string) => req.system.includes(`(${ticker})`);

let redis: TestRedis;
let fake: FakeProvider;
let results: string;
/** Per ticker: its researcher calls wait for this gate (the run stays mid-debate until the test opens it). */
let gates: Map<string, Deferred<void>>;
const servers: SpawnedServer[] = [];
const workers: SpawnedWorker[] = [];
const clients: WsRecorder[] = [];

const clusterEnv = () => queueClusterEnv({ redisUrl: redis.url, fakeBaseUrl: fake.openaiBaseURL, resultsDir: results });
/** The server's own provider points at a closed port: every model call of a run that completes was a worker's. */
const serverEnv = () => clusterEnv().server;
const workerEnv = () => clusterEnv().worker;

/** Holds the researcher calls of `tickers` until `open(ticker)`; everything else answers at once. */
function holdDebates(...tickers: string[]): void {
  gates = new Map(tickers.map((t) => [t, deferred<void>()]));
  const answer = createDefaultScript();
  fake.setScript(async (req) => {
    const gate = isResearcher(req) ? [...gates].find(([t]) => about(req, t))?.[1] : undefined;
    if (gate) await gate.promise;
    return answer(req);
  });
}
const open = (ticker: string) => gates.get(ticker)!.resolve();

async function startRun(server: SpawnedServer, ticker: string): Promise<string> {
  const started = await api(server, 'POST', '/start-multi', { company_symbols: ticker, llm_provider: 'openai' });
  expect(started.status).toBe(202);
  return started.json.runs[0].run_id as string;
}

async function watch(server: SpawnedServer, runId: string): Promise<WsRecorder> {
  const recorder = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws?run_id=${runId}`);
  clients.push(recorder);
  return recorder;
}

/** The run status a WebSocket message carries (`interrupted` is not terminal: it comes in a `status_patch_run`). */
const statusOf = (m: AnyJson): string | undefined =>
  ['init_run', 'status_update_run', 'status_patch_run'].includes(m.type) && 'status' in m ? m.status : undefined;
const ended = (recorder: WsRecorder, status: string, timeoutMs = 60_000) => recorder.waitFor((m) => statusOf(m) === status, 0, timeoutMs);

/** Resolves once the run's researcher call is in flight at the fake (the run is mid-debate, on a worker). */
const inDebate = (ticker: string) => fake.waitUntil((f) => f.requests.some((r) => isResearcher(r) && about(r, ticker)));

async function stateOnDisk(dir: string): Promise<AnyJson> {
  return JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8'));
}

describe.skipIf(redisSkipReason !== null)(`queue-mode durability${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  beforeAll(async () => {
    requireBuiltCli();
    [redis, fake] = await Promise.all([startRedis(), startFakeProvider()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), fake?.close()]);
  });
  beforeEach(async () => {
    fake.reset();
    results = await mkdtemp(path.join(os.tmpdir(), 'tf-queue-durable-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all([...servers.splice(0), ...workers.splice(0)].map((p) => p.kill()));
    await rm(results, { recursive: true, force: true });
  });

  it('a server restarted mid-batch catches up: a run that finished meanwhile is finished, one still executing comes back live', async () => {
    holdDebates('ACME', 'GLOBEX');
    workers.push(await spawnWorker(['--concurrency', '4'], workerEnv()));
    const first = await spawnServer([], serverEnv());
    servers.push(first);
    const acme = await startRun(first, 'ACME');
    const globex = await startRun(first, 'GLOBEX');
    await Promise.all([inDebate('ACME'), inDebate('GLOBEX')]);
    const dirOf = async (runId: string) => ((await api(first, 'GET', `/runs/${runId}/status`)).json as RunSummary).results_path;
    const [acmeDir, globexDir] = await Promise.all([dirOf(acme), dirOf(globex)]);

    // A graceful stop of a queue-mode server leaves its runs executing on the worker: their calls stay open.
    expect(await first.stop()).toBe(0);
    expect(fake.inFlight).toBe(2);
    // ACME finishes while no server is up (its events wait on the server's stream).
    open('ACME');
    await vi.waitFor(async () => expect((await stateOnDisk(acmeDir)).status).toBe('completed'), { timeout: 30_000, interval: 50 });

    const second = await spawnServer([], serverEnv());
    servers.push(second);
    const acmeNow = (await api(second, 'GET', `/runs/${acme}/status`)).json as RunSummary;
    expect(acmeNow.status).toBe('completed');
    const decisionOnDisk = JSON.parse(await readFile(path.join(acmeDir, 'decision.json'), 'utf8'));
    expect((await api(second, 'GET', `/runs/${acme}/decision`)).json.decision).toEqual(decisionOnDisk);
    // GLOBEX is still executing: listed live (never interrupted), with the log it had before the restart.
    const globexNow = (await api(second, 'GET', `/runs/${globex}/status`)).json as RunSummary;
    expect(globexNow.status).toBe('in_progress');
    const logs = (await api(second, 'GET', `/runs/${globex}/logs`)).json;
    const lines = (logs.logs ?? logs.entries ?? logs) as Array<{ seq: number; message: string }>;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]!.seq).toBe(1);

    const recorder = await watch(second, globex);
    open('GLOBEX');
    await ended(recorder, 'completed');
    expect((await stateOnDisk(globexDir)).status).toBe('completed');
    const globexDecision = (await api(second, 'GET', `/runs/${globex}/decision`)).json;
    expect(globexDecision.status).toBe('completed');
    expect(globexDecision.decision).toEqual(JSON.parse(await readFile(path.join(globexDir, 'decision.json'), 'utf8')));
    // The same script decides the same: the restart changed nothing in either run's outcome.
    expect(globexDecision.decision.action).toBe(decisionOnDisk.action);
    // Nothing ran twice: four analysts asked once each per run (their first request carries no tool results).
    const analystsAsked = (ticker: string) => fake.requests.filter((r) => isAnalyst(r) && about(r, ticker) && r.toolResults === 0).length;
    expect(analystsAsked('ACME')).toBe(4);
    expect(analystsAsked('GLOBEX')).toBe(4);
  }, 120_000);

  it('a SIGTERMed worker hands its run back: the worker still up resumes it from state.json and the client never sees it interrupted', async () => {
    holdDebates('UMBRELLA');
    const first = await spawnWorker(['--concurrency', '1'], workerEnv());
    workers.push(first);
    const server = await spawnServer([], serverEnv());
    servers.push(server);
    const runId = await startRun(server, 'UMBRELLA');
    const recorder = await watch(server, runId);
    await inDebate('UMBRELLA');
    const dir = ((await api(server, 'GET', `/runs/${runId}/status`)).json as RunSummary).results_path;
    await vi.waitFor(async () => expect((await stateOnDisk(dir)).snapshot.value).toEqual({ in_progress: { research_debate: 'bull' } }), {
      timeout: 20_000,
      interval: 25,
    });
    const analystCalls = fake.requests.filter(isAnalyst).length;
    // A second worker, idle: the first one holds the run.
    const second = await spawnWorker(['--concurrency', '1'], workerEnv());
    workers.push(second);

    expect(await first.stop()).toBe(0);
    expect(first.output()).toMatch(/worker stopping \(SIGTERM\): 1 run\(s\) under way are checkpointed and handed back to the queue/);
    expect(first.output()).toMatch(new RegExp(`handed run ${runId} back to the queue`));
    // The debate answers from now on (the second worker asks again for the turn that was cut off).
    open('UMBRELLA');
    await ended(recorder, 'completed');
    expect(second.output()).toMatch(new RegExp(`took over run ${runId} handed back by worker \\S+:${first.child.pid}`));
    // The client saw it go on: never `interrupted`.
    expect(recorder.messages.map(statusOf).filter((s) => s !== undefined)).not.toContain('interrupted');
    // Finished steps were not asked again.
    expect(fake.requests.filter(isAnalyst).length).toBe(analystCalls);
    const logs = (await api(server, 'GET', `/runs/${runId}/logs`)).json;
    const messages = ((logs.logs ?? logs.entries ?? logs) as Array<{ message: string }>).map((e) => e.message);
    expect(messages.some((m) => /handed back to the queue by worker/.test(m))).toBe(true);
    expect((await api(server, 'GET', `/runs/${runId}/decision`)).json.status).toBe('completed');
  }, 120_000);

  it('Redis restarting mid-batch (every job lost): no run hangs, each ends clearly, and new runs still complete', async () => {
    holdDebates('ACME', 'GLOBEX', 'INITECH');
    const queue = new Queue('tradingfloor-runs', { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null } });
    try {
      const a = await spawnWorker(['--concurrency', '1'], workerEnv());
      workers.push(a);
      const server = await spawnServer([], serverEnv());
      servers.push(server);
      // ACME on worker A, GLOBEX on worker B (A is full), INITECH queued behind them.
      const acme = await startRun(server, 'ACME');
      const acmeWatch = await watch(server, acme);
      await inDebate('ACME');
      const b = await spawnWorker(['--concurrency', '1'], workerEnv());
      workers.push(b);
      const globex = await startRun(server, 'GLOBEX');
      const globexWatch = await watch(server, globex);
      await inDebate('GLOBEX');
      const initech = await startRun(server, 'INITECH');
      const initechWatch = await watch(server, initech);
      await vi.waitFor(async () => expect(await queue.getWaitingCount()).toBe(1), { timeout: 10_000, interval: 25 });
      expect(((await api(server, 'GET', `/runs/${initech}/status`)).json as RunSummary).status).toBe('pending');

      // Worker A dies with Redis: ACME's job is gone and nobody executes it. Worker B goes on with GLOBEX.
      await a.kill();
      await redis.restart();

      // The waiting run ends `error` with the reason; the orphaned run ends interrupted with the reason (both bounded).
      await ended(initechWatch, 'error', 30_000);
      expect(((await api(server, 'GET', `/runs/${initech}/status`)).json as RunSummary).error).toMatch(/queue job vanished before a worker took it/);
      await ended(acmeWatch, 'interrupted', 30_000);
      const acmeNow = (await api(server, 'GET', `/runs/${acme}/status`)).json as RunSummary;
      expect(acmeNow.error).toMatch(/queue job vanished and no worker is executing it/);

      // GLOBEX was never lost: its worker answered for it, and it completes.
      open('GLOBEX');
      await ended(globexWatch, 'completed');
      expect(globexWatch.messages.map(statusOf)).not.toContain('interrupted');

      // The interrupted run resumes at once (no server restart) on a worker, from its state.json.
      workers.push(await spawnWorker(['--concurrency', '1'], workerEnv()));
      open('ACME');
      const analystsBefore = fake.requests.filter((r) => isAnalyst(r) && about(r, 'ACME')).length;
      expect((await api(server, 'POST', `/runs/${acme}/resume`)).status).toBe(202);
      const again = await watch(server, acme);
      await ended(again, 'completed');
      expect(fake.requests.filter((r) => isAnalyst(r) && about(r, 'ACME')).length).toBe(analystsBefore);

      // The server and the workers keep working on the new Redis.
      open('INITECH');
      const fresh = await startRun(server, 'INITECH');
      await ended(await watch(server, fresh), 'completed');
    } finally {
      await queue.close();
    }
  }, 180_000);
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '@tradingfloor/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider, type FakeRequest } from '../support/fake-provider/index.js';
import { redisSkipReason, startRedis, type TestRedis } from '../support/redis-server.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { runWorkerToEnd, spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';
import { WsRecorder } from '../support/ws-recorder.js';
import { api, type AnyJson, queueClusterEnv } from '../support/rest-call.js';

// Queue mode (issue 15) end to end: a real redis-server, a real `tradingfloor serve` with REDIS_URL and real
// `tradingfloor worker` child processes (the built CLI: `npm run build:node` first). Nothing mocks Redis.

const REPORTS = ['market_report.md', 'sentiment_report.md', 'news_report.md', 'fundamentals_report.md'];
const isResearcher = (req: FakeRequest) => /in a structured research debate/.test(req.system);

let redis: TestRedis;
let fake: FakeProvider;
let results: string;
const servers: SpawnedServer[] = [];
const workers: SpawnedWorker[] = [];
const clients: WsRecorder[] = [];

/** The provider pointed at the fake server; no shell environment. */
const clusterEnv = () => queueClusterEnv({ redisUrl: redis.url, fakeBaseUrl: fake.openaiBaseURL, resultsDir: results });
/** A queue-mode server's environment: its provider points at a closed port (every model call is a worker's). */
const queueServerEnv = () => clusterEnv().server;
const workerEnv = () => clusterEnv().worker;

/** Starts one run of `ticker` over REST and resolves with its id and a WebSocket watching it. */
async function startRun(server: SpawnedServer, ticker: string): Promise<{ runId: string; watch: WsRecorder }> {
  const started = await api(server, 'POST', '/start-multi', { company_symbols: ticker, llm_provider: 'openai' });
  expect(started.status).toBe(202);
  const runId = started.json.runs[0].run_id as string;
  const watch = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws?run_id=${runId}`);
  clients.push(watch);
  return { runId, watch };
}

const ended = (watch: WsRecorder, status: string) =>
  watch.waitFor((m) => (m.type === 'init_run' || m.type === 'status_update_run') && 'status' in m && m.status === status, 0, 60_000);

describe.skipIf(redisSkipReason !== null)(`queue mode with a real redis-server and worker processes${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  beforeAll(async () => {
    requireBuiltCli();
    [redis, fake] = await Promise.all([startRedis(), startFakeProvider()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), fake?.close()]);
  });
  beforeEach(async () => {
    fake.reset();
    fake.setScript(createDefaultScript());
    results = await mkdtemp(path.join(os.tmpdir(), 'tf-queue-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all([...servers.splice(0), ...workers.splice(0)].map((p) => p.kill()));
    await rm(results, { recursive: true, force: true });
  });

  it('a run started over REST executes in a worker and answers exactly as in local mode', async () => {
    const local = await spawnServer(['--results-dir', path.join(results, 'local')], { ...clusterEnv().provider, ENGINE_THREADS: '0' });
    servers.push(local);
    workers.push(await spawnWorker(['--concurrency', '2'], workerEnv()));
    const queued = await spawnServer([], queueServerEnv());
    servers.push(queued);

    const [a, b] = [await startRun(local, 'ACME'), await startRun(queued, 'ACME')];
    await Promise.all([ended(a.watch, 'completed'), ended(b.watch, 'completed')]);

    const answers = await Promise.all(
      [
        [local, a.runId],
        [queued, b.runId],
      ].map(async ([server, runId]) => {
        const s = server as SpawnedServer;
        const status = (await api(s, 'GET', `/runs/${runId as string}/status`)).json as RunSummary;
        const decision = (await api(s, 'GET', `/runs/${runId as string}/decision`)).json;
        const logs = (await api(s, 'GET', `/runs/${runId as string}/logs`)).json;
        const reports = await Promise.all(REPORTS.map((name) => readFile(path.join(status.results_path, 'reports', name), 'utf8').catch(() => null)));
        return { status, decision, logs, reports };
      }),
    );
    const [l, q] = answers as [AnyJson, AnyJson];
    // Usage is the fake's estimate from the prompt text, which differs by a few tokens between two runs: near, not equal.
    const comparable = (s: RunSummary) => ({ ...s, run_id: '', created_at: 0, updated_at: 0, results_path: '', batch_id: '', tokens: 0, cost_usd: 0 });
    expect(q.status.status).toBe('completed');
    expect(comparable(q.status)).toEqual(comparable(l.status));
    expect(Math.abs(q.status.tokens - l.status.tokens)).toBeLessThan(l.status.tokens * 0.01);
    expect({ ...q.decision, run_id: '' }).toEqual({ ...l.decision, run_id: '' });
    expect(q.reports).toEqual(l.reports);
    expect(q.reports.filter((r: string | null) => r !== null).length).toBeGreaterThan(0);
    // The same log lines reach a queue-mode client, in seq order. The four analysts run in
    // parallel, so their lines interleave differently in any two runs: compared as sorted lists, durations apart.
    const entries = (j: AnyJson) => (j.logs ?? j.entries ?? j) as Array<{ seq: number; severity: string; source: string; message: string }>;
    const lines = (j: AnyJson) => entries(j).map((e) => `${e.severity} ${e.source} ${e.message.replace(/after \d+ ms/, 'after _ ms')}`).sort();
    const seqs = (j: AnyJson) => entries(j).map((e) => e.seq);
    expect(entries(q.logs).length).toBeGreaterThan(0);
    expect(seqs(q.logs)).toEqual([...seqs(q.logs)].sort((x, y) => x - y));
    expect(lines(q.logs)).toEqual(lines(l.logs));
  });

  it('a cancel over REST reaches the worker: its in-flight model call is aborted and the run ends canceled', async () => {
    const answer = createDefaultScript();
    fake.setScript((req) => (isResearcher(req) ? { kind: 'hang' } : answer(req)));
    workers.push(await spawnWorker([], workerEnv()));
    const server = await spawnServer([], queueServerEnv());
    servers.push(server);

    const { runId, watch } = await startRun(server, 'GLOBEX');
    await fake.waitUntil((f) => f.requests.some(isResearcher) && f.inFlight === 1);
    expect((await api(server, 'POST', `/runs/${runId}/cancel`)).status).toBe(202);
    await ended(watch, 'canceled');
    // The hung request was abandoned by the worker's abort, not left open.
    await fake.waitUntil((f) => f.inFlight === 0);
    const status = (await api(server, 'GET', `/runs/${runId}/status`)).json as RunSummary;
    expect(status.status).toBe('canceled');
    expect(JSON.parse(await readFile(path.join(status.results_path, 'state.json'), 'utf8')).status).toBe('canceled');
  });

  it('a SIGKILLed worker: another worker takes the run over after the lock expires and resumes it from state.json', async () => {
    const isAnalyst = (req: FakeRequest) => /on the research team of a trading desk/.test(req.system);
    const answer = createDefaultScript();
    let holdDebate = true;
    fake.setScript((req) => (holdDebate && isResearcher(req) ? { kind: 'hang' } : answer(req)));
    const lockEnv = { ...workerEnv(), QUEUE_LOCK_MS: '1000' };
    const first = await spawnWorker([], lockEnv);
    workers.push(first);
    const server = await spawnServer([], queueServerEnv());
    servers.push(server);

    const { runId, watch } = await startRun(server, 'INITECH');
    // Every analyst is done and saved; the first debate turn hangs on the first worker.
    await fake.waitUntil((f) => f.requests.some(isResearcher));
    const dir = ((await api(server, 'GET', `/runs/${runId}/status`)).json as RunSummary).results_path;
    // The checkpoint taken when the bull turn began is on disk (polled: written by another process).
    await vi.waitFor(
      async () => expect(JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')).snapshot.value).toEqual({ in_progress: { research_debate: 'bull' } }),
      { timeout: 20_000, interval: 25 },
    );
    const analystCalls = fake.requests.filter(isAnalyst).length;
    const before = await Promise.all(REPORTS.map((name) => readFile(path.join(dir, 'reports', name))));
    await first.kill();

    holdDebate = false;
    const second = await spawnWorker([], lockEnv);
    workers.push(second);
    await ended(watch, 'completed');
    expect(second.output()).toMatch(new RegExp(`took over run ${runId}`));
    // Finished steps were not asked again; the analyst reports are byte-identical.
    expect(fake.requests.filter(isAnalyst).length).toBe(analystCalls);
    const after = await Promise.all(REPORTS.map((name) => readFile(path.join(dir, 'reports', name))));
    expect(after).toEqual(before);
    expect((await api(server, 'GET', `/runs/${runId}/decision`)).json.status).toBe('completed');
  }, 120_000);

  it('a SIGTERMed worker hands its run back to the queue and exits 0; a worker started later resumes it, never shown interrupted', async () => {
    const answer = createDefaultScript();
    let holdDebate = true;
    fake.setScript((req) => (holdDebate && isResearcher(req) ? { kind: 'hang' } : answer(req)));
    const first = await spawnWorker([], workerEnv());
    workers.push(first);
    const server = await spawnServer([], queueServerEnv());
    servers.push(server);

    const { runId, watch } = await startRun(server, 'UMBRELLA');
    await fake.waitUntil((f) => f.requests.some(isResearcher) && f.inFlight === 1);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toMatch(/worker stopping \(SIGTERM\): 1 run\(s\) under way are checkpointed and handed back to the queue/);
    // No worker is up: the run waits on the queue, still listed as running (its job is waiting, not lost).
    expect((await api(server, 'GET', `/runs/${runId}/status`)).json.status).toBe('in_progress');
    expect((await api(server, 'POST', `/runs/${runId}/resume`)).status).toBe(409);

    holdDebate = false;
    const second = await spawnWorker([], workerEnv());
    workers.push(second);
    await ended(watch, 'completed');
    expect(second.output()).toMatch(new RegExp(`took over run ${runId} handed back by worker`));
    expect(watch.messages.map((m) => ('status' in m ? m.status : undefined))).not.toContain('interrupted');
    expect((await api(server, 'GET', `/runs/${runId}/decision`)).json.status).toBe('completed');
  }, 120_000);

  it('a worker refuses to start (exit 2, a clear message) without a queue or with a results dir it cannot write', async () => {
    const noQueue = await runWorkerToEnd([], { RESULTS_DIR: results });
    expect(noQueue.code).toBe(2);
    expect(noQueue.output).toMatch(/no queue: pass --queue redis:\/\/host:port or set REDIS_URL/);
    // A directory under a plain file cannot be made or written, whoever runs the test (root included).
    const blocker = path.join(results, 'a-file');
    await writeFile(blocker, 'not a directory\n');
    const refused = await runWorkerToEnd(['--queue', redis.url, '--results-dir', path.join(blocker, 'results')], {});
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/the results directory .*a-file\/results is not writable/);
    const badConcurrency = await runWorkerToEnd(['--queue', redis.url, '--concurrency', '0'], { RESULTS_DIR: results });
    expect(badConcurrency.code).toBe(2);
    expect(badConcurrency.output).toMatch(/--concurrency must be a whole number from 1 to 256/);
  });
});

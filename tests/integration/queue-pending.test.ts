import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reduceAggregate, type AggregateState, type RunSummary } from '@tradingfloor/shared';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider, type FakeRequest } from '../support/fake-provider/index.js';
import { redisSkipReason, startRedis, type TestRedis } from '../support/redis-server.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';
import { WsRecorder } from '../support/ws-recorder.js';
import { api, queueClusterEnv } from '../support/rest-call.js';

// Queue mode (issue 15): runs waiting for a worker are listed `pending` with their queue position,
// MAX_PARALLEL_RUNS is the runs executing on all workers, MAX_QUEUED_RUNS caps the waiting ones. A real
// redis-server, a real `tradingfloor serve` and real `tradingfloor worker` processes (`npm run build:node` first).

const isResearcher = (req: FakeRequest) => /in a structured research debate/.test(req.system);

let redis: TestRedis;
let fake: FakeProvider;
let results: string;
const servers: SpawnedServer[] = [];
const workers: SpawnedWorker[] = [];
const clients: WsRecorder[] = [];

const clusterEnv = () => queueClusterEnv({ redisUrl: redis.url, fakeBaseUrl: fake.openaiBaseURL, resultsDir: results });
/** The server's own provider points at a closed port: every model call is a worker's. */
const serverEnv = (extra: Record<string, string>) => ({ ...clusterEnv().server, ...extra });
const workerEnv = () => clusterEnv().worker;

const start = (server: SpawnedServer, tickers: string) => api(server, 'POST', '/start-multi', { company_symbols: tickers, llm_provider: 'openai' });
const summaryOf = async (server: SpawnedServer, runId: string) => (await api(server, 'GET', `/runs/${runId}/status`)).json as RunSummary;
const listed = async (server: SpawnedServer) => ((await api(server, 'GET', '/runs')).json as { runs: RunSummary[] }).runs;

/**
 * An aggregate WebSocket client (`/ws`) that folds every message with the SPA's own reducer and records, per
 * run, each queue position it was shown, and the most runs it ever saw `in_progress` at once.
 */
class Board {
  runs: AggregateState = {};
  readonly positions = new Map<string, number[]>();
  maxExecuting = 0;

  private constructor(readonly ws: WsRecorder) {
    ws.onMessage((msg) => {
      this.runs = reduceAggregate(this.runs, msg, Date.now()).runs;
      const executing = Object.values(this.runs).filter((r) => r.status === 'in_progress').length;
      this.maxExecuting = Math.max(this.maxExecuting, executing);
      for (const run of Object.values(this.runs)) {
        if (run.queue_position === undefined) continue;
        const seen = this.positions.get(run.run_id) ?? [];
        if (seen.at(-1) !== run.queue_position) seen.push(run.queue_position);
        this.positions.set(run.run_id, seen);
      }
    });
  }

  static async open(server: SpawnedServer): Promise<Board> {
    const ws = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws`);
    clients.push(ws);
    const board = new Board(ws);
    await ws.next('init_all');
    // The listener came after the connection opened: fold what arrived before it.
    for (const msg of ws.messages) board.runs = reduceAggregate(board.runs, msg, Date.now()).runs;
    return board;
  }

  /** Resolves once the folded list satisfies `check` (each message re-checks; no polling). */
  until(check: (runs: AggregateState) => boolean): Promise<unknown> {
    if (check(this.runs)) return Promise.resolve();
    return this.ws.waitFor(() => check(this.runs), 0, 60_000);
  }
}

describe.skipIf(redisSkipReason !== null)(`queue mode: pending runs, queue positions and limits${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
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
    results = await mkdtemp(path.join(os.tmpdir(), 'tf-queue-pending-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all([...servers.splice(0), ...workers.splice(0)].map((p) => p.kill()));
    await rm(results, { recursive: true, force: true });
  });

  it('MAX_PARALLEL_RUNS=1 runs one at a time across two workers; the others wait pending with positions that move up', async () => {
    const answer = createDefaultScript();
    let holdDebate = true;
    fake.setScript((req) => (holdDebate && isResearcher(req) ? { kind: 'hang' } : answer(req)));
    // Four free slots between them: only the queue's global concurrency keeps the runs to one at a time.
    workers.push(...(await Promise.all([spawnWorker(['--concurrency', '2'], workerEnv()), spawnWorker(['--concurrency', '2'], workerEnv())])));
    const server = await spawnServer([], serverEnv({ MAX_PARALLEL_RUNS: '1' }));
    servers.push(server);
    const board = await Board.open(server);

    const started = await start(server, 'ACME,GLOBEX,INITECH');
    expect(started.status).toBe(202);
    const runs = started.json.runs as Array<{ run_id: string; ticker: string }>;
    expect(runs.map((r) => r.ticker)).toEqual(['ACME', 'GLOBEX', 'INITECH']);
    const [acme, globex, initech] = runs.map((r) => r.run_id) as [string, string, string];

    // ACME (first in the queue) reaches its debate and hangs there; by then its analysts made many calls, time
    // enough for the idle slots to take the others, had the queue let them.
    await fake.waitUntil((f) => f.requests.filter(isResearcher).length === 1 && f.inFlight === 1);
    const during = await Promise.all([acme, globex, initech].map((id) => summaryOf(server, id)));
    expect(during.map((s) => [s.status, s.queue_position])).toEqual([
      ['in_progress', undefined],
      ['pending', 1],
      ['pending', 2],
    ]);
    await board.until((r) => r[globex]?.queue_position === 1 && r[initech]?.queue_position === 2);

    // ACME canceled: GLOBEX is taken (and hangs in its debate), INITECH moves up to 1 — pushed to the board.
    expect((await api(server, 'POST', `/runs/${acme}/cancel`)).status).toBe(202);
    await fake.waitUntil((f) => f.requests.filter(isResearcher).length === 2 && f.inFlight === 1);
    const next = await Promise.all([acme, globex, initech].map((id) => summaryOf(server, id)));
    expect(next.map((s) => [s.status, s.queue_position])).toEqual([
      ['canceled', undefined],
      ['in_progress', undefined],
      ['pending', 1],
    ]);
    await board.until((r) => r[globex]?.status === 'in_progress' && r[initech]?.queue_position === 1);

    holdDebate = false;
    expect((await api(server, 'POST', `/runs/${globex}/cancel`)).status).toBe(202);
    await board.until((r) => r[initech]?.status === 'completed');
    expect((await summaryOf(server, initech)).status).toBe('completed');
    expect(board.positions.get(initech)?.slice(-2)).toEqual([2, 1]);
    expect(board.positions.get(globex)?.at(-1)).toBe(1);
    expect(board.maxExecuting).toBe(1);
    expect(board.ws.invalid).toEqual([]);
  }, 120_000);

  it('MAX_QUEUED_RUNS: a start beyond it answers 429 and creates nothing; a canceled pending run leaves the queue; a worker started later runs the rest', async () => {
    const server = await spawnServer([], serverEnv({ MAX_QUEUED_RUNS: '2' }));
    servers.push(server);
    const board = await Board.open(server);
    const tickersOnDisk = async () => (await readdir(results)).filter((name) => /^[A-Z]+$/.test(name)).sort();

    // No worker: the runs wait, listed pending with their positions (no failure after a timeout).
    const first = await start(server, 'ACME,GLOBEX');
    expect(first.status).toBe(202);
    const [acme, globex] = (first.json.runs as Array<{ run_id: string }>).map((r) => r.run_id) as [string, string];
    expect((await listed(server)).map((r) => [r.ticker, r.status, r.queue_position])).toEqual([
      ['ACME', 'pending', 1],
      ['GLOBEX', 'pending', 2],
    ]);

    const full = await start(server, 'INITECH');
    expect(full.status).toBe(429);
    expect(full.json.error).toMatch(/MAX_QUEUED_RUNS=2 \(2 already queued\)/);
    expect(await listed(server)).toHaveLength(2);
    expect(await tickersOnDisk()).toEqual(['ACME', 'GLOBEX']);

    // Cancel of a pending run: its job leaves the queue, it ends canceled with its files written, GLOBEX moves up.
    const keys = new Redis(redis.url);
    try {
      expect(await keys.exists(`bull:tradingfloor-runs:${acme}`)).toBe(1);
      expect((await api(server, 'POST', `/runs/${acme}/cancel`)).status).toBe(202);
      await board.until((r) => r[acme]?.status === 'canceled' && r[globex]?.queue_position === 1);
      expect(await keys.exists(`bull:tradingfloor-runs:${acme}`)).toBe(0);
    } finally {
      keys.disconnect();
    }
    const canceled = await summaryOf(server, acme);
    expect(canceled.status).toBe('canceled');
    expect(JSON.parse(await readFile(path.join(canceled.results_path, 'state.json'), 'utf8')).status).toBe('canceled');
    expect((await summaryOf(server, globex)).queue_position).toBe(1);

    // A multi-start is all or nothing: one place left, two asked for.
    const tooMany = await start(server, 'INITECH,UMBRELLA');
    expect(tooMany.status).toBe(429);
    expect(tooMany.json.error).toMatch(/starting 2 run\(s\) would exceed MAX_QUEUED_RUNS=2 \(1 already queued\)/);
    expect(await listed(server)).toHaveLength(2);
    expect(await tickersOnDisk()).toEqual(['ACME', 'GLOBEX']);
    const third = await start(server, 'INITECH');
    expect(third.status).toBe(202);
    const initech = await summaryOf(server, (third.json.runs as Array<{ run_id: string }>)[0]!.run_id);
    expect([initech.status, initech.queue_position]).toEqual(['pending', 2]);

    // A worker started now takes the waiting runs, in queue order, and runs them to the end.
    const worker = await spawnWorker([], workerEnv());
    workers.push(worker);
    await board.until((r) => r[globex]?.status === 'completed' && r[initech.run_id]?.status === 'completed');
    expect((await api(server, 'GET', `/runs/${globex}/decision`)).json.status).toBe('completed');
    expect((await summaryOf(server, initech.run_id)).queue_position).toBeUndefined();
    // The canceled run was never executed.
    expect((await summaryOf(server, acme)).status).toBe('canceled');
    expect(worker.output()).not.toContain(acme);
    await vi.waitFor(async () => expect(JSON.parse(await readFile(path.join(canceled.results_path, 'state.json'), 'utf8')).status).toBe('canceled'));
  }, 120_000);

  it('a server stopped with runs still waiting leaves them on the queue (no hang); the restarted server lists them pending and a worker runs them', async () => {
    const server = await spawnServer([], serverEnv({}));
    servers.push(server);
    const started = await start(server, 'ACME');
    expect(started.status).toBe(202);
    const runId = (started.json.runs as Array<{ run_id: string }>)[0]!.run_id;
    expect((await summaryOf(server, runId)).queue_position).toBe(1);
    // SIGTERM: the graceful stop of a server with a stable identity leaves the job on the queue for its restart.
    expect(await server.stop()).toBe(0);
    const keys = new Redis(redis.url);
    try {
      expect(await keys.exists(`bull:tradingfloor-runs:${runId}`)).toBe(1);
    } finally {
      keys.disconnect();
    }

    const next = await spawnServer([], serverEnv({}));
    servers.push(next);
    const again = await summaryOf(next, runId);
    expect(again.status).toBe('pending');
    expect(again.queue_position).toBe(1);
    workers.push(await spawnWorker([], workerEnv()));
    const board = await Board.open(next);
    await board.until((r) => r[runId]?.status === 'completed');
    expect((await api(next, 'GET', `/runs/${runId}/decision`)).json.status).toBe('completed');
  }, 120_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BacktestViewSchema, type BacktestView, type ServerMessageOf } from '@tradingfloor/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { redisSkipReason, startRedis, type TestRedis } from '../support/redis-server.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';
import { WsRecorder } from '../support/ws-recorder.js';
import { api, queueClusterEnv } from '../support/rest-call.js';

// Issue 15: a backtest on a queue-mode server. The coordinator starts every (ticker, date) cell through the
// RunManager, so each cell becomes a job that a real `tradingfloor worker` child process executes. The
// result must be the one local mode computes. Real redis-server, real built CLI (`npm run build:node` first).

type BacktestUpdate = ServerMessageOf<'backtest_update'>;
/** 2 tickers × 2 trading days of the demo market, the openai provider (the fake server). */
const BODY = { tickers: ['ACME', 'GLOBEX'], from: '2024-03-04', to: '2024-03-05', every: 1, parallel: 4, capital: 10_000, llm_provider: 'openai' };

let redis: TestRedis;
let fake: FakeProvider;
let results: string;
const processes: Array<SpawnedServer | SpawnedWorker> = [];
const clients: WsRecorder[] = [];

/** Runs BODY over REST on `server` to its end (seen on the aggregate WebSocket) and reads everything it produced. */
async function backtest(server: SpawnedServer) {
  const ws = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws`);
  clients.push(ws);
  const started = await api(server, 'POST', '/backtests', BODY);
  expect(started.status).toBe(202);
  const id = (started.json as { backtest_id: string }).backtest_id;
  const last = await ws.waitFor<BacktestUpdate>(
    (m) => m.type === 'backtest_update' && m.backtest.backtest_id === id && m.backtest.status !== 'running',
    0,
    90_000,
  );
  expect(last.backtest.status).toBe('completed');
  const view = BacktestViewSchema.parse((await api(server, 'GET', `/backtests/${id}`)).json);
  const [equity, trades] = await Promise.all(
    ['equity', 'trades'].map(async (part) => ((await api(server, 'GET', `/backtests/${id}/${part}`)).json as { rows: unknown[] }).rows),
  );
  const runs = (await api(server, 'GET', '/runs')).json as { runs: Array<{ run_id: string; backtest_id?: string; status: string }> };
  return { id, view, equity, trades, runs: runs.runs.filter((r) => r.backtest_id === id) };
}

/** A backtest's view without what differs between any two backtests (ids, clocks, run ids). */
function comparable(view: BacktestView) {
  return {
    cells: view.cells.map((c) => ({ ...c, run_id: c.run_id === null ? null : 'run' })),
    metrics: view.metrics === null ? null : { ...view.metrics, backtest_id: '' },
    progress: view.summary.progress,
  };
}

describe.skipIf(redisSkipReason !== null)(`a backtest on a queue-mode server${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  beforeAll(async () => {
    requireBuiltCli();
    [redis, fake] = await Promise.all([startRedis(), startFakeProvider()]);
    results = await mkdtemp(path.join(os.tmpdir(), 'tf-queue-backtest-'));
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    await Promise.all([redis?.stop(), fake?.close()]);
    if (results) await rm(results, { recursive: true, force: true });
  });

  it('completes with its cells executed by worker processes, and equals the same backtest in local mode', async () => {
    const env = queueClusterEnv({ redisUrl: redis.url, fakeBaseUrl: fake.openaiBaseURL, resultsDir: path.join(results, 'queue') });
    const local = await spawnServer(['--results-dir', path.join(results, 'local')], { ...env.provider, ENGINE_THREADS: '0' });
    processes.push(local);
    const workers = await Promise.all([1, 2].map(() => spawnWorker(['--concurrency', '2'], env.worker)));
    processes.push(...workers);
    // The queue-mode server's own provider points at a closed port: a cell that completes was asked by a worker.
    const queued = await spawnServer([], env.server);
    processes.push(queued);

    const l = await backtest(local);
    const callsLocal = fake.requests.length;
    const q = await backtest(queued);

    expect(q.view.cells.map((c) => `${c.ticker} ${c.date} ${c.status}`)).toEqual([
      'ACME 2024-03-04 completed',
      'ACME 2024-03-05 completed',
      'GLOBEX 2024-03-04 completed',
      'GLOBEX 2024-03-05 completed',
    ]);
    // Every cell is a run of its own, listed on the queue-mode server and executed through the fake provider by a worker.
    expect(q.runs.map((r) => r.run_id).sort()).toEqual(q.view.cells.map((c) => c.run_id).sort());
    expect(q.runs.every((r) => r.status === 'completed')).toBe(true);
    expect(fake.requests.length - callsLocal).toBe(callsLocal);
    expect(q.view.metrics).not.toBeNull();
    // The same cells, decisions, metrics, equity curves and trades as local mode.
    expect(comparable(q.view)).toEqual(comparable(l.view));
    expect(q.equity!.length).toBeGreaterThan(0);
    expect(q.equity).toEqual(l.equity);
    expect(q.trades).toEqual(l.trades);
  }, 180_000);
});

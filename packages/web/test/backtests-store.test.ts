import type { BacktestCell, BacktestSummary } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBacktestsStore } from '../src/stores/backtests-store.js';
import { useRunsStore } from '../src/stores/runs-store.js';
import { useSocketStore } from '../src/stores/socket-store.js';
import { useUiPrefsStore } from '../src/stores/ui-prefs-store.js';
import { BT_ID, btMetrics, btSummary, btView, cell, DATES, decided, equityRows, tradeRows } from './support/backtest-fixtures.js';
import { startFakeServer, type FakeServer, type Route } from './support/fake-server.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

let server: FakeServer;
let summary: BacktestSummary;
let cells: BacktestCell[];
let routes: Record<string, Route>;
const base = `/backtests/${BT_ID}`;
const count = (method: string, path: string) => server.requests.filter((r) => r.method === method && r.path === path).length;

beforeEach(async () => {
  summary = btSummary();
  cells = DATES.flatMap((d) => [cell('ACME', d), cell('GLOBEX', d)]);
  routes = {
    'GET /backtests': () => ({ status: 200, body: { backtests: [summary] } }),
    [`GET ${base}`]: () => ({ status: 200, body: btView(summary, cells, summary.status === 'completed' ? btMetrics() : null) }),
    [`GET ${base}/equity`]: () => ({ status: 200, body: { backtest_id: BT_ID, status: summary.status, rows: equityRows() } }),
    [`GET ${base}/trades`]: () => ({ status: 200, body: { backtest_id: BT_ID, status: summary.status, rows: tradeRows() } }),
    'GET /runs': () => ({ status: 200, body: { runs: [] } }),
  };
  // Routes are looked up per request, so a test may replace one after the server started.
  server = await startFakeServer(new Proxy({}, { get: (_t, key: string) => routes[key] }) as Record<string, Route>);
  freshStores(server);
});
afterEach(async () => {
  useSocketStore().disconnect();
  await server.close();
});

describe('backtests store', () => {
  it('lists the backtests on init and shows the newest one with its cells; equity waits until it completes', async () => {
    const store = useBacktestsStore();
    await store.init();
    expect(store.history.map((b) => b.backtest_id)).toEqual([BT_ID]);
    expect(store.selectedId).toBe(BT_ID);
    expect(store.view?.cells).toHaveLength(6);
    expect(store.equity).toEqual([]);
    expect(count('GET', `${base}/equity`)).toBe(0);
  });

  it('follows backtest_update on the aggregate socket: progress at once, cells re-read, equity and trades once completed', async () => {
    const store = useBacktestsStore();
    await store.init();
    useSocketStore().connect();
    const peer = await server.nextPeer();
    peer.send({ type: 'init_all', runs: [] });

    cells = [decided('ACME', DATES[0]!, 'BUY'), ...cells.slice(1)];
    summary = btSummary({ progress: { total: 6, done: 1, failed: 0, running: 1, percent: 17 } });
    peer.send({ type: 'backtest_update', backtest: summary });
    await until(() => store.view?.cells[0]?.action === 'BUY');
    expect(store.selected?.progress.done).toBe(1);

    cells = DATES.flatMap((d) => [decided('ACME', d, 'HOLD'), decided('GLOBEX', d, 'SELL')]);
    summary = btSummary({ status: 'completed', progress: { total: 6, done: 6, failed: 0, running: 0, percent: 100 } });
    peer.send({ type: 'backtest_update', backtest: summary });
    await until(() => store.trades.length === 3);
    expect(store.view?.metrics?.series.strategy?.portfolio.cumulative_return).toBe(0.0123);
    expect(store.equity).toHaveLength(18);
    // A later update of the finished backtest does not read its rows again.
    const reads = count('GET', base);
    peer.send({ type: 'backtest_update', backtest: { ...summary, updated_at: summary.updated_at + 1 } });
    await until(() => store.selected?.updated_at === summary.updated_at + 1);
    await store.refreshDetail(); // queued behind the read the update started
    expect(count('GET', base)).toBeGreaterThan(reads);
    expect(count('GET', `${base}/equity`)).toBe(1);
  });

  it('an update for another backtest only updates the list', async () => {
    const store = useBacktestsStore();
    await store.init();
    useSocketStore().connect();
    const peer = await server.nextPeer();
    const other = btSummary({ backtest_id: 'bt-20250131-110000-ffffff', created_at: Date.UTC(2025, 0, 31, 11) });
    peer.send({ type: 'backtest_update', backtest: other });
    await until(() => store.history.length === 2);
    expect(store.history[0]?.backtest_id).toBe(other.backtest_id); // newest first
    expect(store.selectedId).toBe(BT_ID);
    expect(count('GET', `/backtests/${other.backtest_id}`)).toBe(0);
  });

  it('starts a backtest: posts the request and selects the new backtest', async () => {
    let posted: unknown = null;
    routes['POST /backtests'] = (_req, body) => {
      posted = JSON.parse(body);
      return { status: 202, body: { backtest_id: BT_ID, status: 'running' } };
    };
    const store = useBacktestsStore();
    const ok = await store.start({ tickers: ['ACME', 'GLOBEX'], from: DATES[0]!, to: DATES[2]!, mode: 'signal' });
    expect(ok).toBe(true);
    expect(posted).toEqual({ tickers: ['ACME', 'GLOBEX'], from: DATES[0], to: DATES[2], mode: 'signal' });
    expect(store.selectedId).toBe(BT_ID);
    expect(store.view?.summary.status).toBe('running');
    expect(store.startError).toBeNull();
  });

  it("keeps the server's {error} when a backtest is refused, and selects nothing", async () => {
    routes['POST /backtests'] = () => ({ status: 400, body: { error: 'unknown ticker NOPE: Demo data has no prices for it' } });
    const store = useBacktestsStore();
    expect(await store.start({ tickers: ['NOPE'], from: DATES[0]!, to: DATES[2]! })).toBe(false);
    expect(store.startError).toBe('unknown ticker NOPE: Demo data has no prices for it');
    expect(store.selectedId).toBeNull();
  });

  it('cancels and resumes the selected backtest; a 409 is explained', async () => {
    const store = useBacktestsStore();
    await store.init();
    routes[`POST ${base}/cancel`] = () => {
      summary = btSummary({ status: 'canceled' });
      return { status: 202, body: { backtest_id: BT_ID, status: 'canceled' } };
    };
    await store.cancel();
    expect(store.selected?.status).toBe('canceled');
    routes[`POST ${base}/resume`] = () => ({ status: 409, body: { error: `backtest ${BT_ID} is running` } });
    await store.resume();
    expect(store.actionError).toBe(`Cannot resume: backtest ${BT_ID} is running`);
  });

  it("opens a cell's run as a tab in the runs view and asks /runs for it", async () => {
    const store = useBacktestsStore();
    const prefs = useUiPrefsStore();
    prefs.view = 'backtests';
    const runId = decided('ACME', DATES[0]!, 'BUY').run_id!;
    routes['GET /runs'] = () => ({
      status: 200,
      body: {
        runs: [
          {
            run_id: runId,
            ticker: 'ACME',
            trade_date: DATES[0],
            status: 'completed',
            overall_progress: 100,
            created_at: 1,
            updated_at: 1,
            current_phase: null,
            provider: 'offline',
            error: null,
            action: 'BUY',
            results_path: '',
          },
        ],
      },
    });
    store.openRun(runId);
    expect(prefs.view).toBe('runs');
    expect(prefs.activeRunId).toBe(runId);
    const runs = useRunsStore();
    await until(() => runs.tabRuns.some((r) => r.run_id === runId));
  });
});

import type { RunSummary } from '@tradingfloor/shared';
import { deferred } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useRunsStore } from '../src/stores/runs-store.js';
import { useSocketStore } from '../src/stores/socket-store.js';
import { useUiPrefsStore } from '../src/stores/ui-prefs-store.js';
import { startFakeServer, type FakeServer, type Route } from './support/fake-server.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

const summary = (ticker: string, status: RunSummary['status'], minute: number): RunSummary => ({
  run_id: `${ticker}--2025-01-31_10.${String(minute).padStart(2, '0')}.00--abcdef`,
  ticker,
  trade_date: '2025-01-31',
  status,
  overall_progress: status === 'completed' ? 100 : 10,
  created_at: Date.UTC(2025, 0, 31, 10, minute),
  updated_at: Date.UTC(2025, 0, 31, 10, minute),
  current_phase: null,
  provider: 'offline',
  error: null,
  action: status === 'completed' ? 'HOLD' : null,
  results_path: '',
});

let server: FakeServer;
let listed: RunSummary[];
const routes: Record<string, Route> = {
  'GET /runs': () => ({ status: 200, body: { runs: listed } }),
};

beforeEach(async () => {
  listed = [];
  server = await startFakeServer(routes);
  freshStores(server);
});
afterEach(async () => {
  useSocketStore().disconnect();
  await server.close();
});

describe('runs store', () => {
  it('gives tabs only to runs opened here (running ones too wait on the board), and lists all of them in history', async () => {
    const old = summary('OLD', 'completed', 1);
    const live = summary('LIVE', 'in_progress', 2);
    listed = [old, live];
    const runs = useRunsStore();
    await runs.refresh();
    expect(runs.tabRuns).toEqual([]);
    expect(runs.historyRuns.map((r) => r.ticker)).toEqual(['LIVE', 'OLD']);
    useUiPrefsStore().openRun(live.run_id);
    useUiPrefsStore().openRun(old.run_id);
    expect(runs.tabRuns.map((r) => r.ticker)).toEqual(['OLD', 'LIVE']);
  });

  it('forgets tabs of finished runs the server has pruned, but keeps a just-started run it did not list yet', async () => {
    const gone = summary('GONE', 'completed', 1);
    const kept = summary('KEPT', 'completed', 2);
    listed = [gone, kept];
    const runs = useRunsStore();
    const prefs = useUiPrefsStore();
    await runs.refresh();
    prefs.openRun(gone.run_id);
    prefs.openRun(kept.run_id);
    const started = summary('NEW', 'pending', 3);
    runs.runs = { ...runs.runs, [started.run_id]: started };
    listed = [kept];
    await runs.refresh();
    expect(prefs.openRunIds).toEqual([kept.run_id]);
    expect(Object.keys(runs.runs).sort()).toEqual([kept.run_id, started.run_id].sort());
  });

  it('keeps the aggregate stream live: init_all replaces, updates merge, a finished run keeps its tab', async () => {
    const a = summary('AAA', 'in_progress', 1);
    listed = [{ ...a, status: 'completed', action: 'BUY', overall_progress: 100 }];
    const runs = useRunsStore();
    useSocketStore().connect();
    const peer = await server.nextPeer();
    expect(peer.url.pathname).toBe('/ws');
    expect(peer.url.searchParams.has('run_id')).toBe(false);
    peer.send({ type: 'init_all', runs: [a] });
    await until(() => runs.runs[a.run_id] !== undefined);
    useUiPrefsStore().openRun(a.run_id);

    peer.send({ type: 'status_update_aggregate', runs: { [a.run_id]: { ticker: 'AAA', status: 'in_progress', overall_progress: 55 } } });
    await until(() => runs.runs[a.run_id]?.overall_progress === 55);
    // Finishing triggers a `/runs` reload for the action the aggregate message lacks.
    peer.send({ type: 'status_update_aggregate', runs: { [a.run_id]: { ticker: 'AAA', status: 'completed', overall_progress: 100 } } });
    await until(() => runs.runs[a.run_id]?.action === 'BUY');
    expect(runs.tabRuns.map((r) => r.ticker)).toEqual(['AAA']);
  });

  it('adds a run it first hears of from the aggregate stream, then fills it in from /runs', async () => {
    const runs = useRunsStore();
    useSocketStore().connect();
    const peer = await server.nextPeer();
    peer.send({ type: 'init_all', runs: [] });
    await until(() => runs.loaded);
    const fresh = summary('NEW', 'pending', 7);
    listed = [{ ...fresh, provider: 'offline' }];
    peer.send({ type: 'status_update_aggregate', runs: { [fresh.run_id]: { ticker: 'NEW', status: 'pending', overall_progress: 0 } } });
    await until(() => runs.runs[fresh.run_id] !== undefined);
    expect(runs.tabRuns).toEqual([]); // on the board, not in a tab
    // Until `/runs` answers, the placeholder takes its start time from the run_id.
    expect(runs.runs[fresh.run_id]).toMatchObject({ ticker: 'NEW', status: 'pending', created_at: Date.UTC(2025, 0, 31, 10, 7) });
    await until(() => runs.runs[fresh.run_id]?.provider === 'offline');
    expect(server.requests.filter((r) => r.method === 'GET' && r.path === '/runs')).toHaveLength(1);
  });

  it('follows an in-flight /runs with one more request, and a stale answer never reopens a finished run', async () => {
    const x = summary('XXX', 'in_progress', 1);
    const runs = useRunsStore();
    useSocketStore().connect();
    const peer = await server.nextPeer();
    peer.send({ type: 'init_all', runs: [x] });
    await until(() => runs.loaded);

    // The first `/runs` answers only when the test says so, with what the server knew when it was asked.
    const firstAsked = deferred();
    const firstAnswer = deferred<RunSummary[]>();
    let calls = 0;
    const original = routes['GET /runs']!;
    routes['GET /runs'] = async () => {
      calls += 1;
      if (calls > 1) return { status: 200, body: { runs: [{ ...x, status: 'completed', overall_progress: 100, action: 'BUY' }] } };
      firstAsked.resolve();
      return { status: 200, body: { runs: await firstAnswer.promise } };
    };
    try {
      const first = runs.refresh();
      await firstAsked.promise;
      // X finishes while the first request is in flight; that asks for a refresh too, as do two more callers.
      peer.send({ type: 'status_update_aggregate', runs: { [x.run_id]: { ticker: 'XXX', status: 'completed', overall_progress: 100 } } });
      await until(() => runs.runs[x.run_id]?.status === 'completed');
      const followUps = [runs.refresh(), runs.refresh()];

      firstAnswer.resolve([x]); // stale: X still in progress
      await first;
      expect(runs.runs[x.run_id]?.status).toBe('completed');
      await Promise.all(followUps);
      expect(runs.runs[x.run_id]).toMatchObject({ status: 'completed', action: 'BUY' });
      expect(calls).toBe(2);
    } finally {
      firstAnswer.resolve([x]);
      routes['GET /runs'] = original;
    }
  });

  it('moves a finished run back to active only for a newer list entry (a resume elsewhere)', async () => {
    const done = { ...summary('RES', 'interrupted', 1), updated_at: Date.UTC(2025, 0, 31, 10, 5) };
    listed = [done];
    const runs = useRunsStore();
    await runs.refresh();
    listed = [{ ...done, status: 'in_progress', updated_at: Date.UTC(2025, 0, 31, 10, 6) }];
    await runs.refresh();
    expect(runs.runs[done.run_id]?.status).toBe('in_progress');
    listed = [{ ...done, status: 'pending', updated_at: Date.UTC(2025, 0, 31, 10, 6) }];
    runs.runs = { ...runs.runs, [done.run_id]: { ...done, status: 'canceled', updated_at: Date.UTC(2025, 0, 31, 10, 7) } };
    await runs.refresh();
    expect(runs.runs[done.run_id]?.status).toBe('canceled');
  });

  it('starts a batch: posts the body, opens a tab per run, focuses the first, folds the form', async () => {
    let posted: unknown = null;
    routes['POST /start-multi'] = (_req, body) => {
      posted = JSON.parse(body);
      return {
        status: 202,
        body: {
          runs: [
            { run_id: 'ACME--2025-01-31_10.00.00--000001', ticker: 'ACME' },
            { run_id: 'GLOBEX--2025-01-31_10.00.00--000002', ticker: 'GLOBEX' },
          ],
          count: 2,
        },
      };
    };
    const runs = useRunsStore();
    const prefs = useUiPrefsStore();
    const ok = await runs.start({
      company_symbols: 'ACME,GLOBEX',
      analysts: ['market'],
      max_debate_rounds: 1,
      max_risk_discuss_rounds: 1,
      llm_provider: 'offline',
    });
    expect(ok).toBe(true);
    expect(posted).toMatchObject({ company_symbols: 'ACME,GLOBEX', analysts: ['market'] });
    expect(runs.tabRuns.map((r) => r.ticker)).toEqual(['ACME', 'GLOBEX']);
    expect(prefs.activeRunId).toBe('ACME--2025-01-31_10.00.00--000001');
    expect(prefs.formCollapsed).toBe(true);
    await runs.refresh();
  });

  it("shows the server's reason when a batch is refused, and creates nothing", async () => {
    routes['POST /start-multi'] = () => ({ status: 429, body: { error: 'at most 5 runs may be active' } });
    const runs = useRunsStore();
    expect(
      await runs.start({
        company_symbols: 'ACME',
        analysts: ['market'],
        max_debate_rounds: 1,
        max_risk_discuss_rounds: 1,
        llm_provider: 'offline',
      }),
    ).toBe(false);
    expect(runs.startError).toBe('Too many runs at once: at most 5 runs may be active');
    expect(runs.tabRuns).toEqual([]);
    expect(useUiPrefsStore().formCollapsed).toBe(false);
  });

  it('cancels over REST and reports a run that had already finished', async () => {
    const id = 'ACME--2025-01-31_10.00.00--000001';
    routes[`POST /runs/${id}/cancel`] = () => ({ status: 409, body: { error: 'run already completed' } });
    const runs = useRunsStore();
    await runs.cancel(id);
    expect(server.requests.filter((r) => r.method === 'POST').at(-1)).toMatchObject({ method: 'POST', path: `/runs/${id}/cancel` });
    expect(runs.cancelErrors[id]).toBe('The run had already finished.');
    expect(runs.canceling[id]).toBe(false);
  });

  it('keeps the object of a run a reload did not change, so its board row does not re-render', async () => {
    const same = summary('SAME', 'completed', 1);
    const moved = summary('MOVED', 'in_progress', 2);
    listed = [same, moved];
    const runs = useRunsStore();
    await runs.refresh();
    const before = runs.runs;
    listed = [{ ...same }, { ...moved, overall_progress: 40 }];
    await runs.refresh();
    expect(runs.runs[same.run_id]).toBe(before[same.run_id]);
    expect(runs.runs[moved.run_id]).not.toBe(before[moved.run_id]);
    expect(runs.runs[moved.run_id]?.overall_progress).toBe(40);
  });
});

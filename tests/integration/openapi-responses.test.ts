import { API_ROUTES, routePath, type ApiRouteName, type OpenApiDocument, type ServerMessageOf } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseChecker } from '../support/openapi/response-checker.js';
import { removeDir, startHarness, tempResultsDir, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A query for the GET routes that need one (a new GET route with a required query gets its entry here). */
const QUERIES: Partial<Record<ApiRouteName, string>> = { memory: '?ticker=ACME', previewSchedule: '?cron=0%209%20*%20*%201-5&timezone=UTC' };
/** The write routes this test drives; every GET route of the table is driven as well, whatever it is. */
const WRITES: ApiRouteName[] = [
  'startMulti',
  'startProcess',
  'cancelRun',
  'resumeRun',
  'startBacktest',
  'cancelBacktest',
  'resumeBacktest',
  'createSchedule',
  'deleteSchedule',
];
const BACKTEST = { tickers: ['ACME'], from: '2024-03-01', to: '2024-03-08', every: 3, parallel: 2, capital: 10_000 };

describe('real answers against GET /openapi.json', () => {
  it('every answer of a full run, a backtest, a cancel and a resume after a restart has a documented status and validates', async () => {
    const dir = await tempResultsDir();
    try {
      h = await startHarness({ resultsDir: dir });
      const doc = (await h.api<OpenApiDocument>('GET', '/openapi.json')).json;
      const checker = new ResponseChecker(doc);
      const problems: string[] = [];
      /** Calls the server and records whatever does not conform to the document. */
      const call = async (name: ApiRouteName, url: string, json?: unknown) => {
        const route = API_ROUTES[name];
        const res = await h!.api(route.method, url, json === undefined ? {} : { json });
        problems.push(...checker.problems(route.method, route.path, res));
        return res;
      };
      const runPath = (name: ApiRouteName, id: string) => routePath(API_ROUTES[name], { id });

      // A full run, and a backtest of three runs, to the end.
      const started = await call('startMulti', '/start-multi', { company_symbols: 'ACME', max_debate_rounds: 1, memory: true });
      expect(started.status).toBe(202);
      const runId: string = started.json.runs[0].run_id;
      expect((await h.manager.whenFinished(runId)).status).toBe('completed');
      const ws = await h.ws();
      const backtest = await call('startBacktest', '/backtests', BACKTEST);
      expect(backtest.status).toBe(202);
      const backtestId: string = backtest.json.backtest_id;
      await ws.waitFor<ServerMessageOf<'backtest_update'>>(
        (m) => m.type === 'backtest_update' && m.backtest.backtest_id === backtestId && m.backtest.status === 'completed',
      );

      // A schedule (its next fire is far off), so its GET route has something to answer.
      const schedule = await call('createSchedule', '/schedules', { tickers: 'ACME', cron: '0 9 1 1 *', timezone: 'UTC' });
      expect(schedule.status).toBe(201);
      const scheduleId: string = schedule.json.schedule_id;

      // Every GET route of the table, on that run, that backtest or that schedule.
      for (const [name, route] of Object.entries(API_ROUTES) as Array<[ApiRouteName, (typeof API_ROUTES)[ApiRouteName]]>) {
        if (route.method !== 'GET') continue;
        const id = route.path.startsWith('/backtests/') ? backtestId : route.path.startsWith('/schedules/') ? scheduleId : runId;
        const res = await call(name, routePath(route, { id }) + (QUERIES[name] ?? ''));
        expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBe(route.status);
      }
      expect((await call('listRuns', '/runs?limit=1&sort=-created_at')).json.runs).toHaveLength(1);
      // The unpaged list carries a tag; asking again with it is a documented 304 without a body.
      const tagged = await call('listRuns', '/runs');
      const etag = tagged.headers.get('etag');
      expect(etag).toMatch(/^"/);
      const revalidated = await h.api('GET', '/runs', { headers: { 'If-None-Match': etag! } });
      expect(revalidated.status).toBe(304);
      problems.push(...checker.problems('GET', API_ROUTES.listRuns.path, revalidated));

      // Errors: each is a documented status of its route with the { error } body.
      expect((await call('runStatus', runPath('runStatus', 'ACME--2024-01-02_10.00.00--abcdef'))).status).toBe(404);
      expect((await call('runStatus', runPath('runStatus', 'not-a-run'))).status).toBe(400);
      expect((await call('listRuns', '/runs?sort=colour')).status).toBe(400);
      expect((await call('startMulti', '/start-multi', { company_symbols: 'ACME', colour: 'red' })).status).toBe(400);
      expect((await call('cancelRun', runPath('cancelRun', runId))).status).toBe(409);
      expect((await call('resumeRun', runPath('resumeRun', runId))).status).toBe(409);
      expect((await call('deleteSchedule', routePath(API_ROUTES.deleteSchedule, { id: scheduleId }))).status).toBe(200);
      expect((await call('cancelBacktest', `/backtests/${backtestId}/cancel`)).status).toBe(409);
      expect((await call('resumeBacktest', `/backtests/${backtestId}/resume`)).status).toBe(409);

      // A cancel while running, the legacy start, and a run left interrupted by a restart, then resumed.
      const slow = await call('startMulti', '/start-multi', { company_symbols: 'GLOBEX', offline_latency_ms: 100 });
      const slowId: string = slow.json.runs[0].run_id;
      expect((await call('cancelRun', runPath('cancelRun', slowId))).status).toBe(202);
      await h.manager.whenFinished(slowId);
      const legacy = await call('startProcess', '/start-process', { company_symbol: 'WAYNE' });
      expect(legacy.status).toBe(202);
      await h.manager.whenFinished(legacy.json.run_id);
      const cut = await call('startMulti', '/start-multi', { company_symbols: 'INITECH', offline_latency_ms: 50 });
      const cutId: string = cut.json.runs[0].run_id;
      await h.close();
      h = await startHarness({ resultsDir: dir });
      expect(h.manager.get(cutId)?.summary.status).toBe('interrupted');
      expect((await call('resumeRun', runPath('resumeRun', cutId), {})).status).toBe(202);
      expect((await h.manager.whenFinished(cutId)).status).toBe('completed');
      expect((await call('runDecision', runPath('runDecision', cutId))).status).toBe(200);

      expect(problems).toEqual([]);
      // The checker can fail: the same decision without its action, or an undocumented status, does not conform.
      const decision = await h.api('GET', runPath('runDecision', cutId));
      const body = JSON.parse(decision.text) as { decision: Record<string, unknown> };
      delete body.decision.action;
      const forged = { status: 200, text: JSON.stringify(body), headers: decision.headers };
      expect(checker.problems('GET', API_ROUTES.runDecision.path, forged).join()).toMatch(/decision.*action/);
      expect(checker.problems('GET', API_ROUTES.runDecision.path, { ...forged, status: 418 }).join()).toMatch(/not documented/);
      expect(checker.problems('GET', API_ROUTES.listRuns.path, { ...forged, status: 304 }).join()).toMatch(/a body on a response documented without one/);
      const gets = Object.entries(API_ROUTES).flatMap(([name, route]) => (route.method === 'GET' ? [name] : []));
      expect([...checker.checked.keys()].sort()).toEqual([...gets, ...WRITES].sort());
    } finally {
      await h?.close();
      h = undefined;
      await removeDir(dir);
    }
  }, 120_000);
});

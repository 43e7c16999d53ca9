import { API_ROUTES, ErrorBodySchema, routePath, type ApiRouteName } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDecision } from './support/fake-run-manager.js';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A body for the routes that take one. */
const BODIES: Partial<Record<ApiRouteName, unknown>> = {
  startMulti: { company_symbols: 'ACME,GLOBEX' },
  startProcess: { company_symbols: 'WAYNE' },
  createSchedule: { tickers: 'ACME', cron: '0 9 * * 1-5', timezone: 'America/New_York' },
};
/** A query for the routes that need one. */
const QUERIES: Partial<Record<ApiRouteName, string>> = { memory: '?ticker=ACME', previewSchedule: '?cron=*/15+*+*+*+*&timezone=UTC' };
/** Routes the fake app does not serve: the backtests need the real coordinator (`tests/integration/backtests.test.ts` checks them against this table). */
const isBacktestRoute = (path: string) => path.startsWith('/backtests');

describe('the shared route table', () => {
  it('every route answers its table status with a body its response schema accepts', async () => {
    t = await startTestApp();
    const { run_id } = t.manager.create('ACME');
    t.manager.log(run_id, 'hello');
    t.manager.finish(run_id, 'completed', fakeDecision('ACME', 'Buy it.'));
    const checked: string[] = [];
    // `/schedules/:id` routes take the id of the schedule `createSchedule` made (it comes first in the table).
    let scheduleId = '';
    for (const [name, route] of Object.entries(API_ROUTES) as Array<[ApiRouteName, (typeof API_ROUTES)[ApiRouteName]]>) {
      // The fake manager cannot resume: that route's contract is checked against the real one in tests/integration.
      if (name === 'resumeRun' || name === 'cancelRun' || isBacktestRoute(route.path)) continue;
      const body = BODIES[name];
      const id = route.path.startsWith('/schedules') ? scheduleId : run_id;
      const res = await fetch(`${t.url}${routePath(route, { id })}${QUERIES[name] ?? ''}`, {
        method: route.method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await res.text();
      expect(res.status, `${name}: ${text.slice(0, 200)}`).toBe(route.status);
      const payload: unknown = 'contentType' in route ? text : JSON.parse(text);
      const parsed = route.response.safeParse(payload);
      expect(parsed.success, `${name}: ${parsed.error?.message ?? ''}`).toBe(true);
      if (name === 'createSchedule') scheduleId = (payload as { schedule_id: string }).schedule_id;
      checked.push(name);
    }
    const backtestRoutes = Object.values(API_ROUTES).filter((route) => isBacktestRoute(route.path)).length;
    expect(checked.length).toBe(Object.keys(API_ROUTES).length - 2 - backtestRoutes);
  });

  it('cancel answers 202 with its schema, and a bad path parameter is a 400 error body', async () => {
    t = await startTestApp();
    const { run_id } = t.manager.create('ACME');
    const res = await fetch(`${t.url}${routePath(API_ROUTES.cancelRun, { id: run_id })}`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(API_ROUTES.cancelRun.response.parse(await res.json())).toEqual({ run_id, status: 'canceled' });
    const bad = await fetch(`${t.url}${routePath(API_ROUTES.runStatus, { id: 'not-a-run' })}`);
    expect(bad.status).toBe(400);
    expect(ErrorBodySchema.safeParse(await bad.json()).success).toBe(true);
  });
});

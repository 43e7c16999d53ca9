import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { API_ROUTES, BacktestViewSchema, EquityRowSchema, TradeRowSchema, type ServerMessageOf } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type BacktestUpdate = ServerMessageOf<'backtest_update'>;
const BODY = { tickers: ['ACME', 'GLOBEX'], from: '2024-03-01', to: '2024-03-15', every: 3, parallel: 4, capital: 10_000 };

describe('REST /backtests and backtest_update on the aggregate WebSocket', () => {
  it('runs a backtest to its metrics; progress streams to aggregate clients; every cell is a run linked to it', async () => {
    h = await startHarness();
    const ws = await h.ws();
    const res = await h.api('POST', '/backtests', { json: BODY });
    expect(res.status).toBe(202);
    const id: string = res.json.backtest_id;
    expect(id).toMatch(/^bt-\d{8}-\d{6}-[0-9a-f]{6}$/);
    const last = await ws.waitFor<BacktestUpdate>(
      (m) => m.type === 'backtest_update' && m.backtest.backtest_id === id && m.backtest.status === 'completed',
    );
    expect(last.backtest.progress).toMatchObject({ total: 8, done: 8, failed: 0, percent: 100 });
    const updates = ws.ofType('backtest_update').filter((m) => m.backtest.backtest_id === id);
    // Started, then every cell's start and end: the done count only grows.
    expect(updates.length).toBeGreaterThan(8);
    const done = updates.map((u) => u.backtest.progress.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(ws.invalid).toEqual([]);

    const list = await h.api('GET', '/backtests');
    expect(list.json.backtests.map((b: { backtest_id: string }) => b.backtest_id)).toEqual([id]);
    const view = BacktestViewSchema.parse((await h.api('GET', `/backtests/${id}`)).json);
    expect(view.summary.status).toBe('completed');
    expect(view.cells.map((c) => `${c.ticker} ${c.date}`)).toEqual([
      'ACME 2024-03-01',
      'ACME 2024-03-06',
      'ACME 2024-03-11',
      'ACME 2024-03-14',
      'GLOBEX 2024-03-01',
      'GLOBEX 2024-03-06',
      'GLOBEX 2024-03-11',
      'GLOBEX 2024-03-14',
    ]);
    expect(Object.keys(view.metrics!.series)).toContain('buy_and_hold');

    const runs = (await h.api('GET', '/runs')).json.runs as Array<{ run_id: string; backtest_id?: string }>;
    expect(
      runs
        .filter((r) => r.backtest_id === id)
        .map((r) => r.run_id)
        .sort(),
    ).toEqual(view.cells.map((c) => c.run_id).sort());

    const equity = await h.api('GET', `/backtests/${id}/equity`);
    const rows = equity.json.rows.map((r: unknown) => EquityRowSchema.parse(r));
    // 11 trading days from 03-01 to 03-15, for 6 series × (2 tickers + the portfolio).
    expect(rows).toHaveLength(11 * 6 * 3);
    const portfolio = await h.api('GET', `/backtests/${id}/equity?series=buy_and_hold&ticker=portfolio`);
    expect(portfolio.json.rows).toEqual(
      rows.filter((r: { series: string; ticker: string }) => r.series === 'buy_and_hold' && r.ticker === 'PORTFOLIO'),
    );
    expect(portfolio.json.rows).toHaveLength(11);
    expect(await h.api('GET', `/backtests/${id}/equity?colour=red`)).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/colour/) },
    });
    const trades = await h.api('GET', `/backtests/${id}/trades`);
    for (const t of trades.json.rows) TradeRowSchema.parse(t);
    expect(trades.json.rows.filter((t: { series: string }) => t.series === 'buy_and_hold')).toHaveLength(2);
    const decisions = await h.api('GET', `/backtests/${id}/decisions`);
    expect(decisions.json.cells).toEqual(view.cells);
    // Every answer has the shape the shared route table (and so the SPA's client) expects.
    expect(API_ROUTES.startBacktest.response.safeParse(res.json).success).toBe(true);
    expect(API_ROUTES.listBacktests.response.safeParse(list.json).success).toBe(true);
    expect(API_ROUTES.backtestEquity.response.safeParse(equity.json).success).toBe(true);
    expect(API_ROUTES.backtestTrades.response.safeParse(trades.json).success).toBe(true);
    expect(API_ROUTES.backtestDecisions.response.safeParse(decisions.json).success).toBe(true);

    expect(await h.api('POST', `/backtests/${id}/cancel`)).toMatchObject({
      status: 409,
      json: { error: expect.stringMatching(/completed/) },
    });
    expect(await h.api('GET', '/backtests/bt-20240101-000000-abcdef')).toMatchObject({ status: 404, json: { error: expect.any(String) } });
    expect(await h.api('GET', '/backtests/..%2Fetc')).toMatchObject({ status: 400, json: { error: expect.any(String) } });
  });

  it.each([
    [{ ...BODY, tickers: ['NOPE'] }, /unknown ticker NOPE/],
    [{ ...BODY, from: '2024-03-20', to: '2024-03-01' }, /after to/],
    [{ ...BODY, from: '2019-01-02' }, /outside its data/],
    [{ ...BODY, cassette: { mode: 'replay', dir: '/no/such/cassette' } }, /replay directory/],
    [{ ...BODY, parallel: 0 }, /parallel/],
    [{ ...BODY, colour: 'red' }, /unknown field "colour"/],
    [{ ...BODY, tickers: Array.from({ length: 11 }, (_, i) => `T${i}A`) }, /MAX_TICKERS_PER_REQUEST/],
  ])('bad input → 400 {error}, nothing written (%#)', async (body, message) => {
    h = await startHarness();
    const res = await h.api('POST', '/backtests', { json: body });
    expect(res).toMatchObject({ status: 400, json: { error: expect.stringMatching(message) } });
    expect(existsSync(join(h.resultsDir, 'backtests'))).toBe(false);
    expect((await h.api('GET', '/runs')).json.runs).toEqual([]);
  });

  it('cancel leaves a backtest resumable; resume keeps its finished cells and completes it', async () => {
    h = await startHarness();
    const ws = await h.ws();
    const res = await h.api('POST', '/backtests', { json: { ...BODY, tickers: ['ACME'], every: 1, parallel: 1, offline_latency_ms: 20 } });
    const id: string = res.json.backtest_id;
    await ws.waitFor<BacktestUpdate>((m) => m.type === 'backtest_update' && m.backtest.progress.done >= 1);
    expect(await h.api('POST', `/backtests/${id}/cancel`)).toMatchObject({ status: 202, json: { backtest_id: id } });
    await ws.waitFor<BacktestUpdate>((m) => m.type === 'backtest_update' && m.backtest.status === 'canceled');
    const canceled = BacktestViewSchema.parse((await h.api('GET', `/backtests/${id}`)).json);
    const kept = canceled.cells.filter((c) => c.status === 'completed');
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(canceled.cells.length);
    expect(canceled.metrics).toBeNull();

    const from = ws.messages.length;
    expect(await h.api('POST', `/backtests/${id}/resume`)).toMatchObject({ status: 202, json: { backtest_id: id, status: 'running' } });
    await ws.waitFor<BacktestUpdate>((m) => m.type === 'backtest_update' && m.backtest.status === 'completed', from);
    const resumed = BacktestViewSchema.parse((await h.api('GET', `/backtests/${id}`)).json);
    for (const k of kept) expect(resumed.cells.find((c) => c.date === k.date)!.run_id).toBe(k.run_id);
    expect(resumed.metrics).not.toBeNull();
  });
});

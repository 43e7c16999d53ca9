import { ChartDataSchema } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GET /runs/:id/chart', () => {
  it('serves a year of bars up to the trade date with warmed-up indicators', async () => {
    h = await startHarness();
    const start = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', trade_date: '2024-03-28', analysts: ['market'] } });
    expect(start.status).toBe(202);
    const runId: string = start.json.runs[0].run_id;
    const res = await h.api('GET', `/runs/${runId}/chart`);
    expect(res.status).toBe(200);
    const chart = ChartDataSchema.parse(res.json);
    expect(chart).toMatchObject({ ticker: 'ACME', trade_date: '2024-03-28' });
    expect(chart.data_label).toMatch(/demo/i);
    const dates = chart.bars.map((b) => b.date);
    expect(dates.at(-1)! <= '2024-03-28').toBe(true);
    expect(dates[0]! >= '2023-03-28').toBe(true);
    expect(chart.bars.length).toBeGreaterThan(240);
    // SMA 200 is warmed up from the first bar shown, because history before the window is fed in.
    expect(chart.indicators.sma_200?.[0]?.date).toBe(dates[0]);
    expect(chart.indicators.rsi?.every((p) => p.value >= 0 && p.value <= 100)).toBe(true);
    await h.manager.whenFinished(runId);
  });

  it('answers 200 with no bars and the reason for a run whose ticker has no prices (no console error in a browser)', async () => {
    // A vendor chain is not asked up front (an online vendor may fail for a while), so this run starts and fails.
    h = await startHarness({ env: { DATA_VENDORS: 'demo' } });
    const start = await h.api('POST', '/start-multi', { json: { company_symbols: 'ZZZZ', trade_date: '2024-03-28' } });
    expect(start.status).toBe(202);
    const runId: string = start.json.runs[0].run_id;
    expect((await h.manager.whenFinished(runId)).status).toBe('error');
    const res = await h.api('GET', `/runs/${runId}/chart`);
    expect(res.status).toBe(200);
    const chart = ChartDataSchema.parse(res.json);
    expect(chart.bars).toEqual([]);
    expect(chart.unavailable).toMatch(/no price data for ZZZZ/);
  });

  it('404 for an unknown run, 400 for a malformed id', async () => {
    h = await startHarness();
    expect((await h.api('GET', '/runs/ACME--2024-01-01_00.00.00--abcdef/chart')).status).toBe(404);
    expect((await h.api('GET', '/runs/nope/chart')).status).toBe(400);
  });
});

import { describe, expect, it } from 'vitest';
import type { AppServer } from './support/app-server.js';
import { useE2eSession } from './support/e2e-session.js';
import { watchConsole } from './support/console-watch.js';
import { fitsWidth, KNOWN_CONSOLE_NOISE, snap } from './support/spa-page.js';

const e2e = useE2eSession();
let app: AppServer;

/** The statuses of the grid's cells, by `TICKER|date`. */
const cellStatuses = (page: import('playwright-core').Page) =>
  page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-cell]')].map((c) => [c.getAttribute('data-cell'), c.getAttribute('data-status')]),
    ),
  );

describe('the Backtests view against the real server (demo market, offline model)', () => {
  it('refuses a bad window with the server’s reason, then runs a backtest: the grid fills, results appear, a cell opens its run', async () => {
    app = await e2e.startApp();
    const page = await e2e.browser.newPage({ width: 1280, height: 800 });
    // The refused POST is logged by Chromium as a failed resource load; that one 400 is the point of the first step.
    const console = watchConsole(page, [...KNOWN_CONSOLE_NOISE, /status of 400 \(Bad Request\)/]);
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Backtests' }).click();
    await page.getByText('No backtests yet — start one above.').waitFor();
    await expect.poll(() => page.locator('#bt-to').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/); // defaulted from the data

    // Client-side check: nothing is posted while a field is wrong.
    await page.fill('#bt-tickers', 'ACME, GLOBEX');
    const to = await page.locator('#bt-to').inputValue();
    const from = await page.locator('#bt-from').inputValue();
    await page.fill('#bt-from', to);
    await page.fill('#bt-to', from);
    await page.getByRole('button', { name: 'Start backtest' }).click();
    await page.getByText(`must not be before from (${to})`).waitFor();
    // Server-side check: an unknown ticker passes the syntax check and comes back as the server's {error}.
    await page.fill('#bt-from', from);
    await page.fill('#bt-to', to);
    await page.fill('#bt-tickers', 'ACME, NOPE');
    await page.getByRole('button', { name: 'Start backtest' }).click();
    await expect.poll(() => page.locator('[data-test="backtest-start-error"]').textContent()).toMatch(/unknown ticker NOPE/);

    await page.fill('#bt-tickers', 'ACME, GLOBEX');
    await page.fill('#bt-latency', '40');
    await page.fill('#bt-parallel', '2');
    await page.getByRole('button', { name: 'Start backtest' }).click();
    await page.locator('[data-test="backtest-grid"]').waitFor();
    const early = await cellStatuses(page);
    const keys = Object.keys(early);
    expect(keys.length).toBeGreaterThanOrEqual(16); // 2 tickers × ~10 trading days
    expect(keys.filter((k) => k.startsWith('ACME|'))).toHaveLength(keys.length / 2);
    // The grid is live: cells are seen running before all of them have finished.
    await page.waitForFunction(() => document.querySelector('[data-cell][data-status="in_progress"]') !== null, null, {
      timeout: 60_000,
      polling: 50,
    });
    expect(Object.values(await cellStatuses(page)).some((s) => s !== 'completed')).toBe(true);
    await snap(page, 'backtest-running-1280');
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-cell]')].every((c) => c.getAttribute('data-status') === 'completed'),
      null,
      { timeout: 120_000, polling: 100 },
    );
    await expect.poll(() => page.locator('[data-test="backtest-status"]').textContent(), { timeout: 30_000 }).toBe('completed');

    // Results: metrics with the strategy first and every baseline, charts drawn, trades.
    const metrics = page.locator('[data-test="backtest-metrics"]');
    await metrics.waitFor({ timeout: 30_000 });
    const series = await metrics.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-series')));
    expect(series.slice(0, 2)).toEqual(['strategy', 'buy_and_hold']);
    expect(series).toEqual(expect.arrayContaining(['macd', 'kdj_rsi', 'zmr', 'sma_crossover']));
    expect(await metrics.locator('tbody tr[data-series="strategy"] td').first().textContent()).toMatch(/^-?\d+\.\d\d %$/);
    const canvas = page.locator('[data-test="equity-chart"] canvas');
    expect((await canvas.boundingBox())?.height).toBeGreaterThan(150);
    // chart.js has drawn on it: some pixels are not transparent.
    expect(
      await canvas.evaluate((c: HTMLCanvasElement) =>
        c
          .getContext('2d')!
          .getImageData(0, 0, c.width, c.height)
          .data.some((v) => v !== 0),
      ),
    ).toBe(true);
    await page.locator('[data-test="drawdown-chart"] canvas').waitFor();
    await expect.poll(() => page.locator(`[data-test="backtest-history"] tbody tr`).count()).toBe(1);
    expect(await page.locator('[data-test="backtest-history"] tbody tr').textContent()).toContain('completed');
    expect(await page.locator('[data-test="backtest-progress"]').textContent()).toMatch(
      new RegExp(`^${keys.length}/${keys.length} cells done`),
    );
    await expect.poll(() => fitsWidth(page)).toBe(true);
    await snap(page, 'backtest-1280', { fullPage: true });

    // Phone width: everything fits (wide tables scroll inside their own boxes).
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => fitsWidth(page)).toBe(true);
    await page.locator('[data-test="backtest-detail"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await snap(page, 'backtest-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    // A cell opens its run in the runs view, as the active tab.
    const first = page.locator('[data-cell^="GLOBEX|"]').first();
    const label = await first.getAttribute('aria-label');
    await first.click();
    const tab = page.locator('[role="tab"][aria-selected="true"]');
    await expect.poll(() => tab.getAttribute('data-run-id')).toMatch(/^GLOBEX--/);
    await expect.poll(() => page.locator('[data-test="run-status"]').textContent()).toContain('Completed');
    const action = await page.locator('[data-test="action-badge"]').textContent();
    expect(label).toContain(`: ${action}`); // the grid showed the action this run decided
    expect(console.errors).toEqual([]);
  });

  it('cancels a running backtest from its header and resumes it to completion', async () => {
    app = await e2e.startApp();
    const page = await e2e.browser.newPage({ width: 1280, height: 800 });
    const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Backtests' }).click();
    await page.fill('#bt-tickers', 'INITECH');
    await page.fill('#bt-latency', '150');
    await page.fill('#bt-parallel', '1');
    await page.getByRole('button', { name: 'Start backtest' }).click();
    await page.waitForFunction(() => document.querySelector('[data-cell][data-status="in_progress"]') !== null, null, {
      timeout: 60_000,
      polling: 50,
    });
    await page.getByRole('button', { name: 'Cancel backtest' }).click();
    await expect.poll(() => page.locator('[data-test="backtest-status"]').textContent(), { timeout: 30_000 }).toBe('canceled');
    expect(await page.getByText('No metrics: the backtest is canceled.').count()).toBe(1);
    const left = Object.values(await cellStatuses(page)).filter((s) => s !== 'completed').length;
    expect(left).toBeGreaterThan(0); // canceled part-way

    await page.getByRole('button', { name: 'Resume backtest' }).click();
    await expect.poll(() => page.locator('[data-test="backtest-status"]').textContent(), { timeout: 120_000 }).toBe('completed');
    await page.locator('[data-test="backtest-metrics"]').waitFor({ timeout: 30_000 });
    expect(Object.values(await cellStatuses(page)).every((s) => s === 'completed')).toBe(true);
    expect(await page.locator('[data-test="backtest-history"] tbody tr').count()).toBe(1); // resumed, not a new one
    expect(console.errors).toEqual([]);
  });
});

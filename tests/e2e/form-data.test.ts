import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, ohlcvCsv } from '../../packages/engine/test/data/support/temp-data-dir.js';
import type { AppServer } from './support/app-server.js';
import { useE2eSession } from './support/e2e-session.js';
import { watchConsole } from './support/console-watch.js';
import { KNOWN_CONSOLE_NOISE, tabOf, waitForTabStatuses } from './support/spa-page.js';

/** Weekday sessions ending on `last`, closes drifting up from 40. */
function sessions(last: string, count: number): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const d = new Date(`${last}T00:00:00Z`); out.length < count; d.setUTCDate(d.getUTCDate() - 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.unshift([d.toISOString().slice(0, 10), 0]);
  }
  return out.map(([date], i) => [date, Math.round((40 + i * 0.05 + Math.sin(i / 5)) * 100) / 100]);
}

const e2e = useE2eSession();
let app: AppServer;
let data: Awaited<ReturnType<typeof makeDataDir>>;
beforeAll(async () => {
  // A DATA_DIR of one real-looking instrument next to the demo market: the mix a user with csv files has.
  data = await makeDataDir({ 'ohlcv/ZETA.csv': ohlcvCsv(sessions('2024-03-28', 320)) });
});
afterAll(async () => {
  await data?.cleanup();
});

async function openApp(env: NodeJS.ProcessEnv) {
  app = await e2e.startApp(env);
  const page = await e2e.browser.newPage({ width: 1280, height: 800 });
  const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
  await page.goto(app.url);
  return { page, console };
}

describe('the run form and a run’s data, against the real server', () => {
  it('offers every ticker, defaults the date to what the chosen ones cover, refuses unknown ones, labels real data as real', async () => {
    const { page, console } = await openApp({ DATA_DIR: data.dir });
    const options = page.locator('[data-test="ticker-option"]');
    await expect.poll(() => options.count()).toBe(8); // ZETA and the seven demo companies, none left out
    await page.fill('#ticker-search', 'ze');
    await expect.poll(() => options.allTextContents()).toEqual(['+ ZETA']);
    await options.first().click();
    await page.fill('#ticker-search', '');
    await expect.poll(() => page.locator('#tickers').inputValue()).toBe('ZETA');
    await expect.poll(() => page.locator('#trade-date').inputValue()).toBe('2024-03-28');
    await page.getByRole('button', { name: 'Add ACME' }).click();
    // ACME's demo data runs to today; the date every chosen ticker covers is still ZETA's last one.
    await expect.poll(() => page.locator('#trade-date').inputValue()).toBe('2024-03-28');

    await page.fill('#tickers', 'ZETA, NOPE');
    await expect
      .poll(() => page.locator('[data-test="ticker-error"]').allTextContents())
      .toEqual(['NOPE: the server has no market data for it']);
    await page.locator('#run-form-body button[type=submit]').click();
    expect(await page.locator('[role="tab"][data-run-id]').count()).toBe(0);

    await page.fill('#tickers', 'ZETA');
    await page.locator('#run-form-body button[type=submit]').click();
    await waitForTabStatuses(page, ['ZETA'], 'Completed');
    await tabOf(page, 'ZETA').click();
    const header = page.locator('.run-header');
    await expect.poll(() => header.locator('[data-test="data-label"]').textContent()).toBe('real market data (csv files from DATA_DIR)');
    expect(await header.textContent()).not.toMatch(/not market data|csv\+demo/);
    expect(await header.locator('[data-test="data-sources"]').textContent()).toContain('prices: csv');
    await page.locator('[data-test="chart-legend"]').waitFor();
    expect(console.errors).toEqual([]);
  });

  it('shows "no chart" for a run without price data, with no console error', async () => {
    // A vendor chain is not checked up front, so a ticker it lacks starts and fails: a run with no prices.
    const { page, console } = await openApp({ DATA_VENDORS: 'demo' });
    await page.fill('#tickers', 'ZZZZ');
    await page.locator('#run-form-body button[type=submit]').click();
    await waitForTabStatuses(page, ['ZZZZ'], 'Error');
    await tabOf(page, 'ZZZZ').click();
    await expect.poll(() => page.locator('[data-test="chart-unavailable"]').textContent()).toMatch(/^\s*No chart: no price data for ZZZZ/);
    expect(console.errors).toEqual([]);
  });
});

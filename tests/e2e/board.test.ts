import { readFile } from 'node:fs/promises';
import type { RunSummary } from '@tradingfloor/shared';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AppServer } from './support/app-server.js';
import { useE2eSession } from './support/e2e-session.js';
import { watchConsole } from './support/console-watch.js';
import { fitsWidth, KNOWN_CONSOLE_NOISE, snap, startRunsFromForm } from './support/spa-page.js';

const DEMO = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI'];

const e2e = useE2eSession();
let app: AppServer;

async function listRuns(): Promise<RunSummary[]> {
  return ((await (await fetch(`${app.url}/runs`)).json()) as { runs: RunSummary[] }).runs;
}

const rows = (page: Page) => page.locator('[role="row"][data-run-id]');

/** The texts of one column over the rendered board rows, top to bottom. */
async function column(page: Page, col: string): Promise<string[]> {
  return rows(page).locator(`[data-col="${col}"]`).allTextContents();
}

/** Serious and critical axe-core violations on the page as it is now (ids and the first target of each). */
async function seriousViolations(page: Page): Promise<string[]> {
  // axe-core's own bundle, as @axe-core/playwright injects it.
  await page.addScriptTag({ content: axe.source });
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, target: JSON.stringify(v.nodes[0]?.target ?? []) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} ${v.target}`);
}

describe('the board', () => {
  it('walks 20 runs: sort by confidence, filter SELL, compare two, cancel one, export CSV; keyboard and axe audit', async () => {
    app = await e2e.startApp({ MAX_PARALLEL_RUNS: '40', MAX_TICKERS_PER_REQUEST: '20' });
    const page = await e2e.browser.newPage({ width: 1280, height: 1500 });
    const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
    await page.goto(app.url);
    await page.getByText('No runs yet — enter tickers above').waitFor();

    // Twenty runs in three requests (the demo market has seven tickers): three batches.
    const dates = ['2024-03-01', '2024-03-08', '2024-03-15'];
    for (const [i, date] of dates.entries()) {
      const toggle = page.locator('button[aria-controls="run-form-body"]');
      if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
      await page.fill('#trade-date', date);
      // The last batch is slow, so one of its runs is surely still running when it is canceled.
      await startRunsFromForm(page, DEMO.slice(0, i === 2 ? 6 : 7).join(', '), { latencyMs: i === 2 ? 2500 : 300 });
      await expect.poll(async () => (await listRuns()).length, { timeout: 20_000 }).toBe(i === 2 ? 20 : 7 * (i + 1));
      // The SPA folds the form once it has the start's answer, which may come after the server lists the runs.
      await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    }
    // A batch of more than a few runs opens the board, not twenty tabs.
    await page.locator('[data-test="board"]').waitFor();
    expect(await page.locator('[role="tab"][data-run-id]').count()).toBe(0);
    await expect.poll(() => rows(page).count()).toBe(20);
    expect(new Set((await listRuns()).map((r) => r.batch_id)).size).toBe(3);

    // Cancel one from the board while it runs.
    const running = (await listRuns()).find((r) => r.trade_date === dates[2] && (r.status === 'in_progress' || r.status === 'pending'))!;
    expect(running).toBeDefined();
    await page.locator(`[role="row"][data-run-id="${running.run_id}"] input[type=checkbox]`).check();
    await snap(page, 'board-running-1280');
    await page.locator('[data-test="board-cancel"]').click();
    await expect
      .poll(() => page.locator(`[role="row"][data-run-id="${running.run_id}"] [data-status]`).getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('canceled');
    await page.getByRole('button', { name: 'Clear selection' }).click();

    // Every other run ends with a decision.
    await expect
      .poll(async () => (await listRuns()).filter((r) => r.status === 'completed').length, { timeout: 180_000, interval: 500 })
      .toBe(19);
    await expect.poll(async () => await page.locator('[data-status="completed"]').count(), { timeout: 20_000 }).toBe(19);

    // Confidence comes with the runs list, which the board reloads at most once a second: wait for that reload.
    await expect.poll(async () => (await column(page, 'confidence')).filter((t) => t !== '–').length, { timeout: 20_000 }).toBe(19);

    // Sort by confidence: the header button, aria-sort, and the column descending (runs without one last).
    await page.locator('button[data-sort="confidence"]').click();
    expect(await page.locator('[role="columnheader"][aria-sort="descending"]').textContent()).toContain('Conf');
    const shown = (await column(page, 'confidence')).filter((t) => t !== '–').map((t) => Number(t.replace('%', '')));
    expect(shown).toHaveLength(19);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    expect((await column(page, 'confidence')).at(-1)).toBe('–'); // the canceled run has none

    // Filter SELL: exactly the runs the server says sold.
    const sells = (await listRuns()).filter((r) => r.action === 'SELL');
    await page.locator('[data-action-filter="SELL"]').click();
    await expect.poll(() => rows(page).count()).toBe(sells.length);
    expect(
      new Set(
        await rows(page)
          .locator('[data-action]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))),
      ),
    ).toEqual(new Set(sells.length ? ['SELL'] : []));
    await snap(page, 'board-sell-1280');
    if (sells.length < 2) await page.locator('[data-action-filter="SELL"]').click(); // fewer than two sells: compare any two

    // Select two with the keyboard and compare them.
    const first = rows(page).first();
    await first.focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    expect(await page.locator('[role="row"][aria-selected="true"]').count()).toBe(2);
    await page.keyboard.press('c');
    const compare = page.locator('[data-test="compare-view"]');
    await compare.waitFor();
    await expect.poll(() => compare.locator('[data-confidence]').count()).toBe(2);
    expect(await compare.locator('.risk dt').first().textContent()).toBe('Entry');
    await snap(page, 'compare-1280');
    await page.keyboard.press('Escape');
    await expect.poll(() => compare.count()).toBe(0);

    // Export the visible rows and read the file back.
    const clear = page.getByRole('button', { name: 'Clear filters' });
    if ((await clear.count()) > 0) await clear.click();
    await expect.poll(() => rows(page).count()).toBe(20);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="board-export"]').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^run_id,ticker,trade_date,status,/);
    expect(lines).toHaveLength(21);
    const byId = new Map((await listRuns()).map((r) => [r.run_id, r]));
    for (const line of lines.slice(1)) {
      const [runId, ticker, date, status] = line.split(',');
      expect(byId.get(runId!)).toMatchObject({ ticker, trade_date: date, status });
    }
    // Rows in the file are in the board's order (confidence, descending).
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(
      await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id'))),
    );

    // Group by batch: three headers.
    await page.locator('[data-test="board-group"]').check();
    await expect.poll(() => page.locator('.batch-line').count()).toBe(3);
    await page.locator('[data-test="board-group"]').uncheck();

    // Enter opens the focused run in a tab (and only that one).
    await rows(page).first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[role="tab"][data-run-id]').count()).toBe(1);
    await page.keyboard.press('b');
    await page.locator('[data-test="board"]').waitFor();

    // ? lists the shortcuts.
    await page.locator('body').press('?');
    await expect.poll(() => page.locator('[data-test="shortcuts"]').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await snap(page, 'shortcuts-1280');
    await page.keyboard.press('Escape');

    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await snap(page, 'board-1280');

    // Dark mode: the toggle, remembered over a reload.
    await page.locator('[data-test="theme-toggle"]').click();
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const picked = await theme();
    await page.reload();
    await page.locator('[data-test="board"]').waitFor();
    expect(await theme()).toBe(picked);
    if (picked === 'dark') await snap(page, 'board-dark-1280');
    expect(await seriousViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await snap(page, 'board-390');
    await expect.poll(() => fitsWidth(page)).toBe(true);
    expect(console.errors).toEqual([]);
  }, 300_000);
});

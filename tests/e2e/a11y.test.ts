import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AppServer } from './support/app-server.js';
import { useE2eSession } from './support/e2e-session.js';
import { ManualClock } from '../../packages/server/test/support/manual-clock.js';
import { watchConsole } from './support/console-watch.js';
import { auditBothThemes, seriousViolations, theme } from './support/axe-audit.js';
import { KNOWN_CONSOLE_NOISE, startRunsFromForm, tabOf, waitForTabStatuses } from './support/spa-page.js';

const e2e = useE2eSession();
let app: AppServer;

/** Presses Tab until the focused element matches `selector` (at most `limit` presses); true when it got there. */
async function tabTo(page: Page, selector: string, limit = 60): Promise<boolean> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
  }
  return false;
}

/** Expands every node of the execution tree. */
async function expandTree(page: Page): Promise<void> {
  const closed = page.locator('[role="treeitem"][aria-expanded="false"]');
  while ((await closed.count()) > 0) await closed.first().locator('.chevron').click();
}

describe('accessibility audit (axe-core) in light and dark theme, and keyboard reach', () => {
  it('a run mid-run, then finished (tree expanded, report, logs, decision), its inspector, compare, metrics and the shortcuts dialog', async () => {
    app = await e2e.startApp();
    const page = await e2e.browser.newPage({ width: 1280, height: 900 });
    const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
    await page.goto(app.url);
    await page.getByText('No runs yet — enter tickers above').waitFor();
    const found: string[] = [];

    // Slow enough that the run is still going when its tab opens, even on a loaded machine.
    await startRunsFromForm(page, 'ACME, GLOBEX', { latencyMs: 1500 });
    await expect.poll(() => tabOf(page, 'ACME').count(), { timeout: 20_000 }).toBe(1);
    await tabOf(page, 'ACME').click();
    // Mid-run: some node of the tree is running and log lines are on screen.
    await page.waitForFunction(
      () =>
        document.querySelector('[role="treeitem"] [role="img"][aria-label="In progress"]') !== null &&
        document.querySelectorAll('[data-test="log-line"]').length > 3,
      undefined,
      { timeout: 60_000, polling: 100 },
    );
    expect(await page.locator('[data-test="run-status"]').textContent()).toContain('In progress');
    found.push(...(await auditBothThemes(page, 'runs view mid-run')));

    await waitForTabStatuses(page, ['ACME', 'GLOBEX'], 'Completed', 120_000);
    await tabOf(page, 'ACME').click();
    await page.locator('[data-test="action-badge"]').waitFor();
    await expandTree(page);
    await page.locator('[role="treeitem"].type-report').first().click();
    await expect.poll(() => page.locator('[data-test="report-body"]').textContent()).not.toMatch(/Nothing written yet|Select a report/);
    expect(await page.locator('[data-test="log-line"]').count()).toBeGreaterThan(3);
    found.push(...(await auditBothThemes(page, 'runs view finished')));

    // The report body scrolls: it is reachable with Tab, so a keyboard user can scroll it.
    expect(await tabTo(page, '[data-test="report-body"]')).toBe(true);
    // The active tab has one close button (the tab strip's), not a second one in the panel.
    expect(await page.getByRole('button', { name: /^Close (the )?ACME tab$/ }).count()).toBe(1);

    await page.locator('[data-test="open-inspector"]').click();
    await page.locator('[data-test="statechart"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('.timeline .row').length > 5, undefined, { timeout: 30_000 });
    found.push(...(await auditBothThemes(page, 'inspector')));

    // Compare, reached and closed from the keyboard: the board rows, Space to select, c to compare.
    await page.getByRole('button', { name: 'Board', exact: true }).click();
    const rows = page.locator('[role="row"][data-run-id]');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.first().focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.keyboard.press('c');
    const compare = page.locator('[data-test="compare-view"]');
    await expect.poll(() => compare.locator('[data-confidence]').count()).toBe(2);
    // Opening it moves focus to its heading.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('compare-title');
    found.push(...(await auditBothThemes(page, 'compare')));
    await page.locator('#compare-title').focus();
    // Tab from the heading reaches a run's Open button; Enter opens that run in a tab.
    expect(await tabTo(page, '[data-test="compare-open"]', 5)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => tabOf(page, 'ACME').or(tabOf(page, 'GLOBEX')).first().getAttribute('aria-selected')).toBe('true');
    // Back on the board the comparison is still open; from its heading, Tab reaches Close and Enter closes it.
    await page.getByRole('button', { name: 'Board', exact: true }).click();
    await compare.waitFor();
    await page.locator('#compare-title').focus();
    expect(await tabTo(page, '[data-test="compare-close"]', 3)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => compare.count()).toBe(0);

    await page.getByRole('button', { name: 'Metrics', exact: true }).click();
    await page.locator('[data-test="metrics-view"]').waitFor();
    found.push(...(await auditBothThemes(page, 'metrics')));

    // The shortcuts dialog is modal (the theme toggle is behind it): opened once per theme.
    const dialogOpen = () => page.locator('[data-test="shortcuts"]').evaluate((d) => (d as HTMLDialogElement).open);
    const themes = new Set<string | undefined>();
    for (let i = 0; i < 2; i++) {
      await page.locator('body').press('?');
      await expect.poll(dialogOpen).toBe(true);
      const now = await theme(page);
      themes.add(now);
      found.push(...(await seriousViolations(page)).map((v) => `shortcuts (${now}): ${v}`));
      await page.keyboard.press('Escape');
      await expect.poll(dialogOpen).toBe(false);
      await page.locator('[data-test="theme-toggle"]').click();
    }
    expect(themes).toEqual(new Set(['light', 'dark']));

    expect(found).toEqual([]);
    expect(console.errors).toEqual([]);
  }, 300_000);

  it('the Backtests view with a finished small backtest; its grid is one Tab stop, arrows move between cells, Enter opens', async () => {
    app = await e2e.startApp();
    const page = await e2e.browser.newPage({ width: 1280, height: 900 });
    const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Backtests' }).click();
    await expect.poll(() => page.locator('#bt-to').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // About six trading days: the last eight calendar days of the demo market.
    const to = await page.locator('#bt-to').inputValue();
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 8 * 86_400_000).toISOString().slice(0, 10);
    await page.fill('#bt-from', from);
    await page.fill('#bt-tickers', 'ACME');
    await page.fill('#bt-latency', '20');
    await page.fill('#bt-parallel', '3');
    await page.getByRole('button', { name: 'Start backtest' }).click();
    await expect.poll(() => page.locator('[data-test="backtest-status"]').textContent(), { timeout: 120_000 }).toBe('completed');
    await page.locator('[data-test="backtest-metrics"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-test="equity-chart"] canvas').waitFor();
    const cells = await page.locator('[data-cell]').count();
    expect(cells).toBeGreaterThanOrEqual(4);
    expect(cells).toBeLessThanOrEqual(7);
    const found = await auditBothThemes(page, 'backtests');

    // Keyboard (ARIA grid): Tab reaches a grid cell; arrows, Home and End move; the grid is one Tab stop that
    // remembers its cell; Enter opens the cell's run as the active tab.
    await page.locator('#bt-tickers').focus();
    expect(await tabTo(page, '[data-cell]', 80)).toBe(true);
    const activeCell = () => page.evaluate(() => document.activeElement?.getAttribute('data-cell') ?? null);
    const dates = await page.locator('[data-cell]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cell')));
    expect(await activeCell()).toBe(dates[0]);
    await page.keyboard.press('End');
    expect(await activeCell()).toBe(dates.at(-1));
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    expect(await activeCell()).toBe(dates[1]);
    await page.keyboard.press('Tab');
    expect(await activeCell()).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect(await activeCell()).toBe(dates[1]);
    const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    expect(label).toMatch(/^ACME /);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-run-id')).toMatch(/^ACME--/);
    await expect.poll(() => page.locator('[data-test="run-status"]').textContent()).toContain('Completed');

    expect(found).toEqual([]);
    expect(console.errors).toEqual([]);
  }, 300_000);

  it('the Schedules view with a schedule that has fired; Delete is reached with Tab and asks before deleting', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T13:59:00.000Z'));
    app = await e2e.startApp({}, { scheduleClock: clock });
    const created = await fetch(`${app.url}/schedules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tickers: 'ACME',
        cron: '0 9 * * 1-5',
        timezone: 'America/New_York',
        name: 'Weekday open',
        offline_latency_ms: 0,
      }),
    });
    expect(created.status).toBe(201);
    clock.advanceTo(Date.parse('2026-12-07T14:00:00.000Z'));
    await app.server.scheduler.idle();
    const page = await e2e.browser.newPage({ width: 1280, height: 900 });
    const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Schedules', exact: true }).click();
    await page.locator('[data-test="schedule-preview"] li').first().waitFor();
    const row = page.locator('[data-test="schedule-list"] tbody tr');
    await expect.poll(() => row.textContent()).toMatch(/Weekday open.*started 1 run/);
    const found = await auditBothThemes(page, 'schedules');

    await page.locator('#schedule-cron').focus();
    expect(await tabTo(page, '[data-test="schedule-delete"]', 80)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Delete Weekday open?');
    found.push(...(await seriousViolations(page)).map((v) => `schedules, delete asked: ${v}`));
    await page.keyboard.press('Escape');
    expect(app.server.scheduler.list()).toHaveLength(1);

    await Promise.all(app.server.manager.list().map((r) => app!.server.manager.whenFinished(r.run_id)));
    expect(found).toEqual([]);
    expect(console.errors).toEqual([]);
  }, 180_000);
});

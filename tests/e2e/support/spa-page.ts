import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

/** Where `UPDATE_SCREENSHOTS=1` writes the documentation screenshots. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/**
 * The server has no `GET /runs/:id/chart` yet, so the SPA shows "chart unavailable" and Chromium logs the 404
 * of that one request. Only that message is tolerated; every other console error fails a test.
 */
export const KNOWN_CONSOLE_NOISE: RegExp[] = [];

/** Saves a documentation screenshot when `UPDATE_SCREENSHOTS=1` (so ordinary test runs never touch the repo). */
export async function snap(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: options.fullPage ?? false, animations: 'disabled' });
}

/** Fills the run form and presses Run. Other fields keep their defaults (offline model, demo data). */
export async function startRunsFromForm(
  page: Page,
  tickers: string,
  options: { latencyMs?: number; analysts?: string[]; provider?: string } = {},
): Promise<void> {
  const toggle = page.locator('button[aria-controls="run-form-body"]');
  if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  await page.fill('#tickers', tickers);
  if (options.provider) await page.selectOption('#provider', options.provider);
  if (options.latencyMs !== undefined) await page.fill('#latency', String(options.latencyMs));
  if (options.analysts) {
    for (const box of await page.locator('.analysts input[type=checkbox]').all()) {
      const value = await box.getAttribute('value');
      await box.setChecked(options.analysts.includes(value ?? ''));
    }
  }
  await page.locator('#run-form-body button[type=submit]').click();
}

/** The tab of a run, by ticker (run ids start with the ticker). */
export function tabOf(page: Page, ticker: string): Locator {
  return page.locator(`[role="tab"][data-run-id^="${ticker}--"]`);
}

/** The status a tab shows, as its icon's text alternative ("In progress", "Completed", …). */
export async function tabStatus(page: Page, ticker: string): Promise<string | null> {
  return tabOf(page, ticker).locator('[role="img"]').first().getAttribute('aria-label');
}

/** Resolves once the page shows the given status for every ticker's tab. */
export async function waitForTabStatuses(page: Page, tickers: string[], status: string, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    ({ tickers, status }) =>
      tickers.every(
        (t) => document.querySelector(`[role="tab"][data-run-id^="${t}--"] [role="img"]`)?.getAttribute('aria-label') === status,
      ),
    { tickers, status },
    { timeout, polling: 100 },
  );
}

/** The statuses of the tree rows on screen, by node id. */
export async function treeStatuses(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[role="treeitem"]')].map((row) => [
        row.getAttribute('data-node-id') ?? '',
        row.querySelector('[role="img"]')?.getAttribute('aria-label') ?? '',
      ]),
    ),
  );
}

/** True when nothing sticks out sideways (the layout fits the viewport width). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/**
 * Opens a run in a tab the way a user does when it was started elsewhere (the API, another page, an earlier
 * server life): from the Board, by its ticker link. `runId` may be a whole run id or a prefix such as `ACME--`.
 */
export async function openFromBoard(page: Page, runId: string): Promise<void> {
  await page.getByRole('button', { name: 'Board', exact: true }).click();
  const match = runId.endsWith('--') ? `^="${runId}"` : `="${runId}"`;
  await page.locator(`[role="row"][data-run-id${match}] .cell.ticker button`).first().click();
  await page.locator(`[role="tab"][data-run-id${match}]`).first().waitFor();
}

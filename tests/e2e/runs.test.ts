import type { TreeNode } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import type { AppServer } from './support/app-server.js';
import { useE2eSession } from './support/e2e-session.js';
import { watchConsole } from './support/console-watch.js';
import {
  fitsWidth,
  KNOWN_CONSOLE_NOISE,
  snap,
  startRunsFromForm,
  tabOf,
  tabStatus,
  treeStatuses,
  waitForTabStatuses,
} from './support/spa-page.js';

const e2e = useE2eSession();
let app: AppServer;

async function openApp(viewport = { width: 1280, height: 800 }) {
  app = await e2e.startApp();
  const page = await e2e.browser.newPage(viewport);
  const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
  await page.goto(app.url);
  return { page, console };
}

describe('the SPA against the real server', () => {
  it('starts three runs from the form, shows them progressing side by side, and ends each with a decision', async () => {
    const { page, console } = await openApp();
    await page.getByText('No runs yet — enter tickers above').waitFor();
    await expect.poll(() => page.locator('#trade-date').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/); // defaulted from the data
    expect(await page.locator('header').textContent()).toMatch(/demo/i); // demo data is labelled as such
    await snap(page, 'empty-1280');

    const tickers = ['ACME', 'GLOBEX', 'INITECH'];
    await startRunsFromForm(page, tickers.join(', '), { latencyMs: 400 });
    await expect.poll(() => tabOf(page, 'ACME').count()).toBe(1);
    // All three tabs running at the same moment, each with some progress: the runs overlap.
    await page.waitForFunction(
      (tickers) =>
        tickers.every((t) => {
          const tab = document.querySelector(`[role="tab"][data-run-id^="${t}--"]`);
          const pct = Number(tab?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
          return tab?.querySelector('[role="img"]')?.getAttribute('aria-label') === 'In progress' && pct > 0 && pct < 100;
        }),
      tickers,
      { timeout: 60_000, polling: 100 },
    );
    expect(await page.locator('button[aria-controls="run-form-body"]').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('[data-test="provider-label"]').textContent()).toMatch(/offline/i);
    await snap(page, 'running-1280');

    await waitForTabStatuses(page, tickers, 'Completed');
    for (const ticker of tickers) {
      await tabOf(page, ticker).click();
      await expect.poll(() => page.locator('[data-test="run-status"]').textContent()).toContain('Completed');
      expect(await page.locator('[data-test="action-badge"]').textContent()).toMatch(/^(BUY|SELL|HOLD)$/);
      expect(await page.locator('[data-test="run-progress"]').textContent()).toBe('100%');
      expect(Object.values(await treeStatuses(page)).every((s) => s === 'Completed' || s === 'Skipped')).toBe(true);
    }
    await expect.poll(() => fitsWidth(page)).toBe(true); // charts resize on the next ResizeObserver tick
    await snap(page, 'completed-1280', { fullPage: true });

    // Keyboard: the tablist moves with the arrow keys.
    await tabOf(page, 'INITECH').focus();
    await page.keyboard.press('ArrowLeft');
    expect(await tabOf(page, 'GLOBEX').getAttribute('aria-selected')).toBe('true');

    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => fitsWidth(page)).toBe(true); // charts resize on the next ResizeObserver tick
    await snap(page, 'completed-390');
    await page.getByRole('button', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'LLM concurrency limiter' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByText(/Phase durations \(3 finished runs\)/).waitFor();
    await snap(page, 'metrics-1280');
    expect(console.errors).toEqual([]);
  });

  it('cancels a run mid-way and shows it ended canceled', async () => {
    const { page, console } = await openApp();
    await startRunsFromForm(page, 'GLOBEX', { latencyMs: 600 });
    await page.waitForFunction(
      () => Number(document.querySelector('[data-test="run-progress"]')?.textContent?.replace('%', '')) > 0,
      null,
      { timeout: 60_000, polling: 100 },
    );
    expect(await tabStatus(page, 'GLOBEX')).toBe('In progress');

    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('alertdialog').waitFor();
    await page.getByRole('button', { name: 'Yes, cancel run' }).click();
    await page.locator('[data-test="run-canceled"]').waitFor({ timeout: 30_000 });
    await waitForTabStatuses(page, ['GLOBEX'], 'Canceled');
    expect(await page.locator('[data-test="run-status"]').textContent()).toContain('Canceled');
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    const res = await fetch(`${app.url}/runs`);
    expect(((await res.json()) as { runs: Array<{ status: string }> }).runs.map((r) => r.status)).toEqual(['canceled']);
    await snap(page, 'canceled-1280');
    expect(console.errors).toEqual([]);
  });

  it('restores the same view after a reload mid-run: tab, tree state with tool calls, pinned report, progress', async () => {
    const { page, console } = await openApp();
    await startRunsFromForm(page, 'INITECH, ACME', { latencyMs: 500 });
    await tabOf(page, 'INITECH').waitFor();
    await tabOf(page, 'INITECH').click();
    await page.locator('[data-node-id="analysts.market"]').waitFor();
    await page.locator('[data-node-id="analysts.market"] .chevron').click();
    // Pin the market analyst's report once it is written.
    await page.waitForFunction(
      () => document.querySelector('[data-node-id="analysts.market.report"] [role="img"]')?.getAttribute('aria-label') === 'Completed',
      null,
      { timeout: 60_000, polling: 100 },
    );
    await page.locator('[data-node-id="analysts.market.report"]').click();
    // The market analyst's tool calls stand under it, after its report and messages: name, arguments, answer
    // summary, the vendor that served it and its duration.
    const firstCall = page.locator('[data-node-id="analysts.market.tools.1"]');
    await firstCall.waitFor();
    expect(await firstCall.getAttribute('aria-level')).toBe('3');
    expect(await firstCall.locator('[role="img"]').getAttribute('aria-label')).toBe('Completed');
    expect(await firstCall.locator('.tool-name').textContent()).toBe('get_price_history');
    expect(await firstCall.locator('.args').textContent()).toMatch(/^\(\{.*\}\)$/);
    expect(await firstCall.locator('.vendor').textContent()).toBe('served by demo');
    expect(await firstCall.locator('.outcome').textContent()).toMatch(/kB|chars/);
    const callText = await firstCall.innerText();
    await page.locator('[data-node-id="analysts"]').evaluate((row) => row.scrollIntoView({ block: 'start' }));
    await snap(page, 'tool-calls-1280');
    const report = await page.locator('[data-test="report-body"]').innerText();
    expect(report.length).toBeGreaterThan(50);
    await page.locator('[data-node-id="trader"] .chevron').click(); // collapse a phase
    const before = await treeStatuses(page);
    const completedBefore = Object.keys(before).filter((id) => before[id] === 'Completed');
    const runId = await tabOf(page, 'INITECH').getAttribute('data-run-id');
    expect(await tabStatus(page, 'INITECH')).toBe('In progress');
    await snap(page, 'reload-before-1280');

    await page.reload();
    await page.locator('[data-node-id="analysts.market.report"]').waitFor();
    expect(await page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-run-id')).toBe(runId);
    expect(await page.locator('button[aria-controls="run-form-body"]').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('[data-node-id="analysts.market"]').getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('[data-node-id="trader"]').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('[data-node-id="analysts.market.report"]').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[data-test="report-body"]').innerText()).toBe(report);
    expect(await page.locator('[data-node-id="analysts.market.tools.1"]').innerText()).toBe(callText); // from the init snapshot
    const after = await treeStatuses(page);
    for (const id of completedBefore) expect(after[id], id).toBe('Completed');
    // The page shows what the server has, whatever happened while it was away.
    await waitForTabStatuses(page, ['INITECH', 'ACME'], 'Completed');
    const serverTree = (await (await fetch(`${app.url}/runs/${runId}/tree`)).json()) as { execution_tree: TreeNode[] };
    const flat: Record<string, string> = {};
    const walk = (nodes: TreeNode[]) => nodes.forEach((n) => ((flat[n.id] = n.status), walk(n.children)));
    walk(serverTree.execution_tree);
    const shown = await treeStatuses(page);
    for (const [id, label] of Object.entries(shown)) expect(label.toLowerCase().replace(' ', '_'), id).toBe(flat[id]);
    expect(console.errors).toEqual([]);
  });

  it('fits a 390-wide phone screen while runs stream', async () => {
    const { page, console } = await openApp({ width: 390, height: 844 });
    await page.getByText('No runs yet — enter tickers above').waitFor();
    await expect.poll(() => fitsWidth(page)).toBe(true); // charts resize on the next ResizeObserver tick
    await snap(page, 'empty-390');
    await startRunsFromForm(page, 'UMBRELLA, STARK', { latencyMs: 200 });
    await page.waitForFunction(
      () => Number(document.querySelector('[data-test="run-progress"]')?.textContent?.replace('%', '')) > 30,
      null,
      { timeout: 60_000, polling: 100 },
    );
    await expect.poll(() => fitsWidth(page)).toBe(true); // charts resize on the next ResizeObserver tick
    await snap(page, 'running-390');
    await waitForTabStatuses(page, ['UMBRELLA', 'STARK'], 'Completed');
    expect(console.errors).toEqual([]);
  });

  it('shows the disconnected banner with a countdown while the server is away, and recovers when it is back', async () => {
    app = await e2e.startApp();
    const page = await e2e.browser.newPage();
    // While the server is down the browser logs each refused WebSocket attempt; those, and only those, are expected.
    const console = watchConsole(page, [...KNOWN_CONSOLE_NOISE, /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws.*' failed/]);
    await page.goto(app.url);
    await startRunsFromForm(page, 'WAYNE', { latencyMs: 20 });
    await waitForTabStatuses(page, ['WAYNE'], 'Completed');

    const { resultsDir } = app;
    const port = app.server.port;
    await app.stop();
    const banner = page.getByRole('alert').filter({ hasText: 'Disconnected from the server' });
    await banner.waitFor();
    await expect.poll(() => banner.innerText()).toMatch(/Reconnecting in \d+ s/);
    expect(await page.locator('header').innerText()).toMatch(/Offline|Connecting/);
    await snap(page, 'disconnected-1280');

    app = await e2e.startApp({}, { port, resultsDir });
    await banner.waitFor({ state: 'hidden', timeout: 30_000 });
    expect(await page.locator('header').innerText()).toContain('Live');
    expect(await tabStatus(page, 'WAYNE')).toBe('Completed'); // the finished run is still there, from the history on disk
    expect(console.errors).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { watchConsole } from './support/console-watch.js';
import { useE2eSession } from './support/e2e-session.js';
import { fitsWidth, KNOWN_CONSOLE_NOISE, openFromBoard } from './support/spa-page.js';

const e2e = useE2eSession();

describe('the run view offers the report for download', () => {
  it(
    'a finished run has keyboard-reachable Markdown and HTML links to its export endpoints; they download',
    { timeout: 90_000 },
    async () => {
      const app = await e2e.startApp();
      const res = await fetch(`${app.url}/start-multi`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ company_symbols: 'ACME', trade_date: '2024-03-28', analysts: ['market'] }),
      });
      const runId = ((await res.json()) as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
      expect((await app.server.manager.whenFinished(runId)).status).toBe('completed');

      const page = await e2e.browser.newPage({ width: 1280, height: 800 });
      const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
      await page.goto(app.url);
      await openFromBoard(page, runId);
      await page.locator(`[role="tab"][data-run-id="${runId}"]`).click();
      const md = page.locator('[data-test="report-download-md"]');
      const html = page.locator('[data-test="report-download-html"]');
      await md.waitFor();
      expect(await md.getAttribute('href')).toBe(`/runs/${encodeURIComponent(runId)}/report.md`);
      expect(await html.getAttribute('href')).toBe(`/runs/${encodeURIComponent(runId)}/report.html`);

      // axe-core finds nothing serious in the links (contrast, names), in light and in dark theme.
      await page.addScriptTag({ content: axe.source });
      for (let i = 0; i < 2; i++) {
        const violations = await page.evaluate(async () => {
          const w = window as unknown as {
            axe: { run(ctx: object, o: object): Promise<{ violations: Array<{ id: string; impact: string | null }> }> };
          };
          const result = await w.axe.run({ include: [['[data-test="report-download"]']] }, { resultTypes: ['violations'] });
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
        });
        expect(violations).toEqual([]);
        await page.locator('[data-test="theme-toggle"]').click();
      }

      // From the run view's Inspector button, Tab reaches the two links in order.
      await page.getByRole('button', { name: 'Inspector' }).focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-test'))).toBe('report-download-md');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-test'))).toBe('report-download-html');

      // Enter on the focused link downloads the file under the name the server gives it.
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(download.suggestedFilename()).toBe(`ACME_2024-03-28_${runId.split('--')[2]}.html`);
      const saved = await download.path();
      const text = await readFile(saved, 'utf8');
      expect(text).toMatch(/^<!doctype html>/);
      expect(text).toContain(runId);

      // On a phone the links wrap instead of pushing the page sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => fitsWidth(page)).toBe(true);
      expect(await md.isVisible()).toBe(true);
      expect(console.errors).toEqual([]);
    },
  );
});

import { describe, expect, it } from 'vitest';
import type { AppServer } from './support/app-server.js';
import { useE2eSession } from './support/e2e-session.js';
import { watchConsole } from './support/console-watch.js';
import { fitsWidth, KNOWN_CONSOLE_NOISE, openFromBoard } from './support/spa-page.js';

const e2e = useE2eSession();
let app: AppServer;

/** Starts one run over REST (as another client would) and returns its id. */
async function startRun(url: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${url}/start-multi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
}

describe('the run view shows the lessons a run used', () => {
  it(
    'a memory run lists the lesson of the earlier decision it was shown; a run without memory shows no card',
    { timeout: 90_000 },
    async () => {
      app = await e2e.startApp();
      const first = await startRun(app.url, { company_symbols: 'ACME', trade_date: '2024-03-01', memory: true });
      expect((await app.server.manager.whenFinished(first)).status).toBe('completed');

      const page = await e2e.browser.newPage({ width: 1280, height: 800 });
      const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
      await page.goto(app.url);
      // Runs started through the API are on the board; a user opens the one to look at.
      const second = await startRun(app.url, { company_symbols: 'ACME', trade_date: '2024-03-15', memory: true, offline_latency_ms: 60 });
      await openFromBoard(page, second);
      await page.locator(`[role="tab"][data-run-id="${second}"]`).click();
      await expect.poll(() => page.locator('[data-test="run-status"]').textContent(), { timeout: 60_000 }).toContain('Completed');

      const card = page.locator('[data-test="run-lessons"]');
      await card.waitFor();
      expect(await card.textContent()).toContain('Lessons from past decisions');
      const items = card.locator('[data-test="lesson"]');
      await expect.poll(() => items.count()).toBe(1);
      expect(await items.first().textContent()).toMatch(/ACME (BUY|SELL|HOLD)\s*decided 2024-03-01 · judged 2024-03-08/);
      expect(await items.first().textContent()).toContain('Verdict');
      await expect.poll(() => fitsWidth(page)).toBe(true);

      await page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => fitsWidth(page)).toBe(true);

      // A run with memory off has no lessons card.
      const third = await startRun(app.url, { company_symbols: 'GLOBEX', trade_date: '2024-03-15', offline_latency_ms: 60 });
      await openFromBoard(page, third);
      await page.locator(`[role="tab"][data-run-id="${third}"]`).click();
      await expect.poll(() => page.locator('[data-test="run-status"]').textContent(), { timeout: 60_000 }).toContain('Completed');
      expect(await page.locator('[data-test="run-lessons"]').count()).toBe(0);
      expect(console.errors).toEqual([]);
    },
  );
});

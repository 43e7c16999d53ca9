import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2eSession } from './support/e2e-session.js';
import { watchConsole } from './support/console-watch.js';
import { KNOWN_CONSOLE_NOISE, openFromBoard, snap, startRunsFromForm, tabOf, waitForTabStatuses } from './support/spa-page.js';

const e2e = useE2eSession();

/** The ids of the states the diagram shows as active. */
function activeStates(page: Page): Promise<string[]> {
  return page.$$eval('[data-test="statechart"] .state.active', (els) => els.map((e) => e.getAttribute('data-state-id') ?? ''));
}

describe('the inspector and resume in the browser', () => {
  it('draws the statechart of a running run, highlights its live state, and shows past states from the timeline', async () => {
    const app = await e2e.startApp();
    const page = await e2e.browser.newPage({ width: 1280, height: 800 });
    const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
    await page.goto(app.url);
    // 4 s per model call keeps the research debate on screen for ~8 s: on a loaded machine drawing the diagram
    // took longer than the whole 3 s debate of 1.5 s calls, so the live check below saw it already over.
    await startRunsFromForm(page, 'ACME', { latencyMs: 4000 });
    await expect.poll(() => tabOf(page, 'ACME').count()).toBe(1);
    await page.locator('[data-test="open-inspector"]').click();
    await page.locator('[data-test="statechart"]').waitFor({ timeout: 30_000 });
    // Live: some step of the run is active while it runs.
    await expect.poll(() => activeStates(page), { timeout: 30_000 }).toContain('run.in_progress');
    const states = await page.$$eval('[data-test="statechart"] .state', (els) => els.map((e) => e.getAttribute('data-state-id')));
    expect(states).toEqual(
      expect.arrayContaining(['run', 'run.in_progress.analysts.market.running', 'run.in_progress.risk_debate.neutral']),
    );
    expect(await page.locator('[data-test="statechart"] .edge').count()).toBeGreaterThan(20);
    await page.waitForFunction(() => document.querySelectorAll('.timeline .row').length > 5, undefined, { timeout: 30_000 });
    await expect.poll(() => activeStates(page), { timeout: 30_000 }).toContain('run.in_progress.research_debate');
    await snap(page, 'inspector-1280', { fullPage: true });

    // The first event is the actor's start: before it the run was pending.
    await page.locator('.timeline .row').first().click();
    await expect.poll(() => activeStates(page)).toEqual(['run', 'run.pending']);
    expect(await page.locator('[data-test="shown-at"]').textContent()).toMatch(/xstate\.init/);
    await page.getByRole('button', { name: 'Follow live' }).click();
    await waitForTabStatuses(page, ['ACME'], 'Completed');
    await expect.poll(() => activeStates(page), { timeout: 30_000 }).toEqual(['run', 'run.completed']);
    expect(console.errors).toEqual([]);
  });

  it('lists a run left unfinished by a stopped server as interrupted and resumes it from the page', async () => {
    const first = await e2e.startApp();
    const page = await e2e.browser.newPage({ width: 1280, height: 800 });
    await page.goto(first.url);
    await startRunsFromForm(page, 'GLOBEX', { latencyMs: 300 });
    await expect.poll(() => tabOf(page, 'GLOBEX').count()).toBe(1);
    await page.waitForFunction(
      () =>
        document.querySelector('[role="treeitem"][data-node-id^="research"] [role="img"]')?.getAttribute('aria-label') === 'In progress',
      undefined,
      { timeout: 60_000, polling: 100 },
    );
    // What a crash leaves behind: the results directory as it is mid-run (state.json written at each step).
    const copy = await mkdtemp(path.join(os.tmpdir(), 'tf-e2e-interrupted-'));
    e2e.afterTest(() => rm(copy, { recursive: true, force: true }));
    await cp(first.resultsDir, copy, { recursive: true });
    await page.close();

    const second = await e2e.startApp({}, { resultsDir: copy });
    const again = await e2e.browser.newPage({ width: 1280, height: 800 });
    const console = watchConsole(again, KNOWN_CONSOLE_NOISE);
    await again.goto(second.url);
    // A fresh page has no tabs: the interrupted run is found on the board and opened from there.
    await openFromBoard(again, 'GLOBEX--');
    await tabOf(again, 'GLOBEX').click();
    await again.locator('[data-test="run-interrupted"]').waitFor();
    expect(await again.locator('[data-test="run-status"]').textContent()).toContain('Interrupted');
    await again.getByRole('button', { name: 'Resume the GLOBEX run' }).click();
    await waitForTabStatuses(again, ['GLOBEX'], 'Completed');
    expect(await again.locator('[data-test="action-badge"]').textContent()).toMatch(/^(BUY|SELL|HOLD)$/);
    await second.stop();
    expect(console.errors).toEqual([]);
  });
});

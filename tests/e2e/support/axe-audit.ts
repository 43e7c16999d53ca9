import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// The axe-core audit the browser tests run on views (tests/e2e/a11y.test.ts, queue-metrics.test.ts).

type AxeWindow = {
  axe?: {
    run(
      ctx: Document,
      o: object,
    ): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }>;
  };
};

/** Serious and critical axe-core violations on the page as it is now: `id target` of every failing node. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // axe-core's own bundle, as @axe-core/playwright injects it (once per document).
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  const found = await page.evaluate(async () => {
    const result = await (window as unknown as AxeWindow).axe!.run(document, { resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => ({ id: v.id, impact: v.impact, target: JSON.stringify(n.target) })));
  });
  // One line per rule and kind of node (list items differ only by :nth-child and Vue's scope attribute).
  const lines = found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} ${v.target.replace(/:nth-child\(\d+\)|\[data-v-\w+(=\\"\\")?\]/g, '')}`);
  return [...new Set(lines)];
}

/** The SPA's theme now (`light` / `dark`). */
export const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

/**
 * Audits the page as it is in light and in dark theme (the header's toggle, as a user switches) and returns
 * every serious finding, each prefixed with where it was found; the page is left in the theme it had.
 */
export async function auditBothThemes(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < 2; i++) {
    const now = await theme(page);
    found.push(...(await seriousViolations(page)).map((v) => `${where} (${now}): ${v}`));
    await page.locator('[data-test="theme-toggle"]').click();
    await expect.poll(() => theme(page)).not.toBe(now);
  }
  return found;
}

import type { Page } from 'playwright-core';

/**
 * Collects everything a page reports as an error: console.error calls, failed resource loads and uncaught
 * exceptions. `ignore` lists known, expected messages (each with a reason at the call site).
 */
export function watchConsole(page: Page, ignore: RegExp[] = []): { errors: string[] } {
  const errors: string[] = [];
  const keep = (text: string) => {
    if (!ignore.some((re) => re.test(text))) errors.push(text);
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') keep(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => keep(`uncaught: ${err.message}`));
  return { errors };
}

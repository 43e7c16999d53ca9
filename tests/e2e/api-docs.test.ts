import type { OpenApiDocument } from '@tradingfloor/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from './support/app-server.js';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { watchConsole } from './support/console-watch.js';

let browser: E2eBrowser;
let app: AppServer | undefined;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('/docs in Chromium', () => {
  it('renders every operation of /openapi.json under its CSP, loading nothing from another host, on a server with a token', async () => {
    app = await startAppServer({ TRADINGFLOOR_TOKEN: 'docs-e2e-token' });
    const doc = (await (await fetch(`${app.url}/openapi.json`)).json()) as OpenApiDocument;
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);

    const page = await browser.newPage();
    // A CSP refusal shows up as a console error ("Refused to load …"), so the watch catches any the page hits.
    const console = watchConsole(page);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${app.url}/docs`);

    await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBe(operations);
    await expect.poll(() => page.locator('.info .title').innerText()).toContain('TradingFloor API');
    // An operation opens with its parameters and responses, e.g. the decision's 404 with the { error } body.
    await page.locator('#operations-Runs-runDecision .opblock-summary').click();
    const decision = page.locator('#operations-Runs-runDecision');
    await expect.poll(() => decision.locator('.responses-table .response').count()).toBeGreaterThanOrEqual(5);
    expect(await decision.innerText()).toContain('No such run or backtest');

    expect(console.errors).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(app!.url) && !url.startsWith('data:'))).toEqual([]);
    expect(requested).toContain(`${app.url}/openapi.json`);
    await page.close();
  }, 60_000);
});

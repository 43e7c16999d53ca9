import { afterAll, afterEach, beforeAll } from 'vitest';
import { startAppServer, type AppServer } from './app-server.js';
import { launchBrowser, type E2eBrowser } from './browser.js';

/** What a browser test file shares: its Chromium, and app servers and other resources closed after each test. */
export interface E2eSession {
  /** The file's headless Chromium, launched before its first test and closed after its last. */
  readonly browser: E2eBrowser;
  /** Starts the real server with the built SPA (see `startAppServer`); it is closed after the current test. */
  startApp(...args: Parameters<typeof startAppServer>): Promise<AppServer>;
  /** Runs `close` after the current test (fake providers, temp folders); the last registered runs first. */
  afterTest(close: () => unknown): void;
}

/**
 * The browser and app lifecycle every e2e file repeats, registered once: call it at the top of the file
 * (it adds the `beforeAll` / `afterAll` / `afterEach` hooks). Apps and resources are closed newest first.
 */
export function useE2eSession(): E2eSession {
  let browser: E2eBrowser | undefined;
  const cleanups: Array<() => unknown> = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const close of cleanups.splice(0).reverse()) await close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser is launched in beforeAll: use it inside a test');
      return browser;
    },
    async startApp(...args) {
      const app = await startAppServer(...args);
      cleanups.push(() => app.close());
      return app;
    },
    afterTest(close) {
      cleanups.push(close);
    },
  };
}

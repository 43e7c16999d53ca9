import { describe, expect, it } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider, type FakeScript } from '../support/fake-provider/index.js';
import type { AppServer } from './support/app-server.js';
import { useE2eSession } from './support/e2e-session.js';
import { watchConsole } from './support/console-watch.js';
import { KNOWN_CONSOLE_NOISE, snap, startRunsFromForm, waitForTabStatuses } from './support/spa-page.js';

// Every way an answer could try to run code in the page; each would set window.pwned or load a broken image.
const PAYLOAD = [
  '<img src=x onerror="window.pwned=1">',
  '<script>window.pwned=2</script>',
  '<svg onload="window.pwned=3"></svg>',
  '[click me](javascript:window.pwned=4)',
  '<a href="#" onclick="window.pwned=5">x</a>',
].join(' ');

const e2e = useE2eSession();
let app: AppServer;
let fake: FakeProvider;

/** The real server using the OpenAI provider, pointed at the fake model server with the given script. */
async function openWithModel(script: FakeScript) {
  fake = await startFakeProvider({ script });
  e2e.afterTest(() => fake.close());
  app = await e2e.startApp({ OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'test-key' });
  const page = await e2e.browser.newPage();
  const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(app.url);
  return { page, console, dialogs };
}

describe('model output in the browser', () => {
  it('renders a model answer carrying <img onerror>, <script> and javascript: links as inert text', async () => {
    const base = createDefaultScript({ action: 'SELL' });
    const { page, console, dialogs } = await openWithModel((req) => {
      const reply = base(req);
      return reply.kind === 'text' ? { ...reply, text: `${PAYLOAD}\n\n${reply.text}` } : reply;
    });
    await startRunsFromForm(page, 'ACME', { provider: 'openai', analysts: ['market'] });
    await waitForTabStatuses(page, ['ACME'], 'Completed');

    // The market report carries the payload: pin it and look at it in the report viewer.
    await page.locator('[data-node-id="analysts.market"] .chevron').click();
    await page.locator('[data-node-id="analysts.market.report"]').click();
    const body = page.locator('[data-test="report-body"]');
    await expect.poll(() => body.innerText()).toContain('<img src=x onerror=');
    await page.locator('[data-test="decision-panel"] details summary').click();
    await expect.poll(() => page.locator('[data-test="decision-panel"] details').innerText()).toContain('<script>window.pwned=2</script>');

    const live = await page.evaluate(() => ({
      pwned: (window as unknown as { pwned?: unknown }).pwned ?? null,
      badImages: document.querySelectorAll('main img[src="x"]').length,
      scripts: document.querySelectorAll('main script, main svg[onload]').length,
      handlers: [...document.querySelectorAll('main *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      scriptLinks: [...document.querySelectorAll('main a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? ''))
        .length,
    }));
    expect(live).toEqual({ pwned: null, badImages: 0, scripts: 0, handlers: 0, scriptLinks: 0 });
    expect(dialogs).toEqual([]);
    expect(await page.locator('[data-test="provider-label"]').textContent()).not.toMatch(/offline/i);
    expect(console.errors).toEqual([]);
  });

  it('shows the error message of a run whose model fails', async () => {
    const { page, console } = await openWithModel(() => ({ kind: 'client_error', status: 401, message: 'invalid api key (fake)' }));
    await startRunsFromForm(page, 'GLOBEX', { provider: 'openai', analysts: ['market'] });
    await waitForTabStatuses(page, ['GLOBEX'], 'Error');
    const error = page.locator('[data-test="run-error"]');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/This run failed\.[\s\S]*\S/);
    expect(await page.locator('[data-test="run-status"]').textContent()).toContain('Error');
    await snap(page, 'error-1280');
    expect(console.errors).toEqual([]);
  });
});

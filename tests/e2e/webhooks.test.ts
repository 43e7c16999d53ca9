import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { watchConsole } from './support/console-watch.js';
import { useE2eSession } from './support/e2e-session.js';
import { KNOWN_CONSOLE_NOISE, openFromBoard } from './support/spa-page.js';

const e2e = useE2eSession();
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('the run view lists a run’s webhook deliveries', () => {
  it('a run started with a webhook shows its delivered message; a run without one shows no Webhooks card', { timeout: 90_000 }, async () => {
    const receiver = await startWebhookReceiver(SECRET);
    e2e.afterTest(() => receiver.close());
    const app = await e2e.startApp({ WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: '1' });
    const start = async (body: object) => {
      const res = await fetch(`${app.url}/start-multi`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trade_date: '2024-03-28', analysts: ['market'], offline_latency_ms: 0, ...body }),
      });
      expect(res.status).toBe(202);
      const runId = ((await res.json()) as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
      expect((await app.server.manager.whenFinished(runId)).status).toBe('completed');
      return runId;
    };
    const hooked = await start({ company_symbols: 'ACME', webhook: { url: `${receiver.url}?token=kept-out-of-the-page` } });
    const plain = await start({ company_symbols: 'GLOBEX' });
    await receiver.waitFor((got) => got.length === 1);
    expect(receiver.received[0]).toMatchObject({ verified: true, status: 200 });

    const page = await e2e.browser.newPage({ width: 1280, height: 800 });
    const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
    await page.goto(app.url);
    await openFromBoard(page, hooked);
    await page.locator(`[role="tab"][data-run-id="${hooked}"]`).click();
    const card = page.getByRole('region', { name: 'Webhooks' });
    const row = card.locator('[data-test="webhook-delivery"]');
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 4).map((c) => c.trim())).toEqual(['run.completed', receiver.url, 'delivered', '1']);
    expect(cells[4]).toMatch(/^HTTP 200 in \d+ ms · /);
    expect(await card.textContent()).not.toContain('kept-out-of-the-page');

    // The other run has no deliveries: once the server has answered (and Vue has rendered), no Webhooks card.
    const answered = page.waitForResponse((res) => res.url().endsWith(`/runs/${plain}/webhooks`) && res.status() === 200);
    await openFromBoard(page, plain);
    await page.locator(`[role="tab"][data-run-id="${plain}"]`).click();
    expect(await (await answered).json()).toEqual({ run_id: plain, deliveries: [] });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(await page.getByRole('region', { name: 'Webhooks' }).count()).toBe(0);
    expect(console.errors).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeRequest } from '../support/fake-provider/index.js';
import { redisSkipReason, startRedis } from '../support/redis-server.js';
import { requireBuiltCli } from '../support/spawned-server.js';
import { spawnWorker } from '../support/spawned-worker.js';
import { auditBothThemes } from './support/axe-audit.js';
import { watchConsole } from './support/console-watch.js';
import { useE2eSession } from './support/e2e-session.js';
import { KNOWN_CONSOLE_NOISE } from './support/spa-page.js';

// The Metrics view of a queue-mode server (issue 15) in headless Chromium: a real redis-server, the real server
// with REDIS_URL and a real `tradingfloor worker` (`npm run build:node` and `npm run build:web` first).

const e2e = useE2eSession();
const isResearcher = (req: FakeRequest) => /in a structured research debate/.test(req.system);

describe.skipIf(redisSkipReason !== null)(
  `the Metrics view in queue mode${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`,
  () => {
    it('shows the Workers card with the worker alive, its run and the job counts; axe-clean in light and dark theme', async () => {
      requireBuiltCli();
      const [redis, fake] = await Promise.all([startRedis(), startFakeProvider()]);
      e2e.afterTest(() => redis.stop());
      e2e.afterTest(() => fake.close());
      // The run stops at its first debate turn, so it is still executing while the view is looked at.
      const answer = createDefaultScript();
      fake.setScript((req) => (isResearcher(req) ? { kind: 'hang' } : answer(req)));
      const provider = { OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'sk-fake-test' };
      const app = await e2e.startApp({ ...provider, REDIS_URL: redis.url });
      const worker = await spawnWorker(['--concurrency', '2'], {
        ...provider,
        REDIS_URL: redis.url,
        RESULTS_DIR: app.resultsDir,
        QUEUE_HEARTBEAT_MS: '200',
      });
      // Registered last, so it runs first: a graceful stop saves the run, and the server's close does not wait on it.
      e2e.afterTest(() => worker.stop());

      const started = await fetch(`${app.url}/start-multi`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ company_symbols: 'ACME', llm_provider: 'openai' }),
      });
      expect(started.status).toBe(202);
      const runId = ((await started.json()) as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
      await fake.waitUntil((f) => f.requests.some(isResearcher));

      const page = await e2e.browser.newPage({ width: 1280, height: 900 });
      const console = watchConsole(page, KNOWN_CONSOLE_NOISE);
      await page.goto(app.url);
      await page.getByRole('button', { name: 'Metrics', exact: true }).click();
      const section = page.locator('[data-test="workers-section"]');
      const row = section.locator('[data-test="worker-row"]');
      await row.filter({ hasText: runId }).waitFor({ timeout: 20_000 });
      await expect.poll(() => section.getByRole('heading').textContent()).toBe('Workers (1 alive)');
      expect(await row.count()).toBe(1);
      expect(await row.locator('td').nth(2).textContent()).toBe('1 / 2');
      expect(await section.locator('[data-test="queue-active"]').textContent()).toBe('1 Active');
      expect(await section.locator('[data-test="queue-waiting"]').textContent()).toBe('0 Waiting');

      expect(await auditBothThemes(page, 'metrics (queue mode)')).toEqual([]);
      expect(console.errors).toEqual([]);
    }, 120_000);
  },
);

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineDeps } from '../../../src/runs/engine-deps.js';
import { RunManager } from '../../../src/runs/run-manager.js';
import { startFixtureServer, type FixtureServer } from '../../../../../tests/support/vendor-fixtures/fixture-server.js';
import { yahooHandler } from '../../../../../tests/support/vendor-fixtures/yahoo-fixtures.js';
import { parseEngineEnv } from '../../../src/config/engine-env.js';

let work: string;
let yahoo: FixtureServer;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'tf-online-run-'));
  yahoo = await startFixtureServer(yahooHandler());
});
afterEach(async () => {
  await yahoo.close();
  await rm(work, { recursive: true, force: true });
});

describe('runs on online data (DATA_VENDORS, fixture Yahoo)', () => {
  it('logs each fallback WARN in the run log, names the serving vendors, and a second run fetches nothing', async () => {
    const env = {
      // Alpha Vantage first for news, but without a key: every news call falls back to Yahoo.
      DATA_VENDORS: 'prices:yahoo;news:alphavantage,yahoo',
      YAHOO_BASE_URL: yahoo.url,
      YAHOO_MIN_INTERVAL_MS: '0',
      DATA_CACHE_DIR: path.join(work, 'cache'),
    };
    const runOnce = async () => {
      const manager = new RunManager({ deps: createEngineDeps(parseEngineEnv(env)), resultsDir: path.join(work, 'results') });
      const [run] = await manager.start([{ ticker: 'AAPL', options: { trade_date: '2024-01-08', analysts: ['market', 'news'] } }]);
      const done = await manager.whenFinished(run!.run_id);
      return { done, log: manager.logs(run!.run_id)!.entries };
    };

    const first = await runOnce();
    expect(first.done.error).toBeNull();
    expect(first.done.status).toBe('completed');
    const data = first.log.filter((e) => e.source === 'data').map((e) => `${e.severity} ${e.message}`);
    expect(data).toContain('INFO prices for AAPL served by yahoo');
    expect(data).toContain('INFO instrument for AAPL served by yahoo');
    expect(data).toContain('INFO news for AAPL served by yahoo');
    expect(data.filter((line) => line.startsWith('WARN news for AAPL: alphavantage not configured')).length).toBeGreaterThan(0);
    const fetched = yahoo.requests.length;
    expect(fetched).toBeGreaterThan(0);

    const second = await runOnce();
    expect(second.done.status).toBe('completed');
    expect(yahoo.requests.length).toBe(fetched);
  });
});

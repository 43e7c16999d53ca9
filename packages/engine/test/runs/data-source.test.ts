import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunConfigSchema } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineDeps } from '../../src/runs/engine-deps.js';
import { RunManager } from '../../src/runs/run-manager.js';
import type { EngineDeps, RunView } from '../../src/runs/run-manager-api.js';
import { makeDataDir, ohlcvCsv } from '../data/support/temp-data-dir.js';
import { controlledProvider, fakeSteps, tempDir } from './support.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

/** Sessions of the two test folders: the same dates, different prices (A closes at 50, B at 900). */
const DATES = ['2024-03-25', '2024-03-26', '2024-03-27', '2024-03-28'];
const TRADE_DATE = '2024-03-28';

let results: Awaited<ReturnType<typeof tempDir>>;
let folderA: Awaited<ReturnType<typeof makeDataDir>>;
let folderB: Awaited<ReturnType<typeof makeDataDir>>;
beforeEach(async () => {
  results = await tempDir();
  folderA = await makeDataDir({ 'ohlcv/ZETA.csv': ohlcvCsv(DATES.map((d) => [d, 50])) });
  folderB = await makeDataDir({ 'ohlcv/ZETA.csv': ohlcvCsv(DATES.map((d) => [d, 900])) });
});
afterEach(async () => {
  await Promise.all([results.cleanup(), folderA.cleanup(), folderB.cleanup()]);
});

/** The real deps of an environment, with a provider the test drives (the steps are the fakes of support.ts). */
function managerFor(env: Record<string, string>, mode: 'auto' | 'manual') {
  const controlled = controlledProvider(mode);
  const deps: EngineDeps = {
    ...createEngineDeps(parseEngineEnv(env)),
    providerFor: () => controlled.provider,
    now: () => Date.UTC(2024, 3, 2, 12),
  };
  return { m: new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() }), calls: controlled };
}

function until(m: RunManager, runId: string, predicate: (view: RunView) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const view = m.get(runId);
      if (view && predicate(view)) {
        off();
        resolve();
      }
    };
    const off = m.subscribe((e) => e.run_id === runId && check());
    check();
  });
}

describe('where a run’s data comes from', () => {
  it('is recorded in config.json: the vendor serving each kind and the absolute DATA_DIR (none for demo data)', async () => {
    const { m } = managerFor({ DATA_DIR: folderA.dir }, 'auto');
    const [zeta, acme] = await m.start([
      { ticker: 'ZETA', options: { trade_date: TRADE_DATE } },
      { ticker: 'ACME', options: { trade_date: TRADE_DATE } },
    ]);
    await Promise.all([m.whenFinished(zeta!.run_id), m.whenFinished(acme!.run_id)]);
    const configOf = async (dir: string) => RunConfigSchema.parse(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')));
    const all = (name: 'csv' | 'demo') => ({ prices: [name], fundamentals: [name], news: [name], instrument: [name] });
    expect((await configOf(zeta!.results_path)).data_source).toEqual({ vendors: all('csv'), data_dir: folderA.dir });
    expect((await configOf(acme!.results_path)).data_source).toEqual({ vendors: all('demo'), data_dir: null });
    // What the run reports as its sources names the vendor itself, never the routing of both ("csv+demo").
    expect(m.get(zeta!.run_id)!.dataSources).toEqual({ prices: 'csv', fundamentals: 'csv', news: 'csv', instrument: 'csv' });
  });

  it('is what a resume reads, even when DATA_DIR now points elsewhere', async () => {
    // First life: DATA_DIR = A. The first analyst answers, the second is in flight when the process "dies".
    const first = managerFor({ DATA_DIR: folderA.dir }, 'manual');
    const [run] = await first.m.start([{ ticker: 'ZETA', options: { trade_date: TRADE_DATE, analysts: ['market', 'news'] } }]);
    (await first.calls.next()).answer('market read');
    await first.calls.next();
    await until(first.m, run!.run_id, (v) => v.tree[0]!.children.some((a) => a.status === 'completed'));
    await first.m.idle();

    // Second life: DATA_DIR = B, whose ZETA closes at 900.
    const second = managerFor({ DATA_DIR: folderB.dir }, 'auto');
    await second.m.loadHistory();
    // Read back from disk, the run still says where its data came from.
    expect(second.m.get(run!.run_id)!.dataSources).toEqual({ prices: 'csv', fundamentals: 'csv', news: 'csv', instrument: 'csv' });
    await second.m.resume(run!.run_id);
    const done = await second.m.whenFinished(run!.run_id);
    expect(done.status).toBe('completed');
    // The decision's entry is the last close the run's own vendor gave: folder A's, not B's.
    expect(second.m.get(run!.run_id)!.decision!.risk_metrics.entry_price).toBe(50);
    const chart = await second.m.chart(run!.run_id);
    expect(chart.bars.map((b) => b.close)).toEqual([50, 50, 50, 50]);
    // A new run in the second life reads B, as its environment says.
    expect((await second.m.instruments())!.find((i) => i.ticker === 'ZETA')).toEqual({
      ticker: 'ZETA',
      first_date: DATES[0],
      last_date: TRADE_DATE,
      demo: false,
    });
  });

  it('charts a run the data has no prices for as an empty chart that says why', async () => {
    const { m } = managerFor({ DATA_DIR: folderA.dir }, 'auto');
    const [run] = await m.start([{ ticker: 'ZETA', options: { trade_date: TRADE_DATE } }]);
    await m.whenFinished(run!.run_id);
    await folderA.cleanup();
    const fresh = managerFor({ DATA_DIR: folderB.dir }, 'auto');
    await fresh.m.loadHistory();
    const chart = await fresh.m.chart(run!.run_id);
    expect(chart.bars).toEqual([]);
    expect(chart.unavailable).toMatch(/DATA_DIR this run recorded is not usable now/);
  });
});

describe('tickers without data', () => {
  it('are refused by start and by checkTickers, every one named, before anything is created', async () => {
    const { m } = managerFor({ DATA_DIR: folderA.dir }, 'auto');
    const requests = ['ZETA', 'NOPE', 'ACME', 'GONE'].map((ticker) => ({ ticker, options: {} }));
    await expect(m.checkTickers(requests)).rejects.toThrow(/^no market data for NOPE, GONE; the data has ZETA, ACME/);
    await expect(m.start(requests)).rejects.toThrow(/^no market data for NOPE, GONE/);
    expect(m.list()).toEqual([]);
    await expect(m.checkTickers(requests.slice(0, 1))).resolves.toBeUndefined();
  });

  it('lists every instrument it has with its own dates, real data before demo data', async () => {
    const { m } = managerFor({ DATA_DIR: folderA.dir }, 'auto');
    const list = (await m.instruments())!;
    expect(list[0]).toEqual({ ticker: 'ZETA', first_date: DATES[0], last_date: TRADE_DATE, demo: false });
    expect(list.slice(1).map((i) => [i.ticker, i.demo])).toContainEqual(['ACME', true]);
    expect(list.slice(1).every((i) => i.demo)).toBe(true);
  });
});

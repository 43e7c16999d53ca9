import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  applyContentPatches,
  applyStatusPatch,
  DecisionSchema,
  diffContents,
  diffTree,
  RunUsageSchema,
  type ExecutionTree,
} from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineDeps } from '../../src/runs/engine-deps.js';
import { RunManager } from '../../src/runs/run-manager.js';
import { hasRealData, REAL_DATA_DIR } from '../../../../tests/support/real-data.js';
import { expectCompleteResultsDir, tempDir } from './support.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

const hasData = hasRealData('the RunManager run of AAPL on real csv data');
const dataDir = REAL_DATA_DIR;

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

describe('a whole run on the offline model and the demo market', () => {
  it('completes ACME end to end: complete results directory, parsed decision, patches that replay exactly', async () => {
    // No DATA_DIR and no keys: the embedded defaults (demo market, offline model at zero latency).
    const m = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir });
    let tree: ExecutionTree = [];
    let contents: Record<string, string> = {};
    const mismatches: string[] = [];
    let changes = 0;
    /** The tree rebuilt from the changes the events carry (what the server's patch stream sends). */
    let carried: ExecutionTree = [];
    let carriedEvents = 0;
    m.subscribe((event) => {
      if (event.type === 'created') carried = m.get(event.run_id)!.tree;
      if (event.type === 'removed') return;
      const view = m.get(event.run_id)!;
      if (event.type === 'changed' && event.tree_changes) {
        carried = applyStatusPatch(carried, event.tree_changes);
        if (event.tree_changes.length > 0) carriedEvents++;
      }
      // At every event, log lines included (a patch stream may flush there): the view's tree is never ahead of
      // the changes carried so far, or a stream sending them would hold a tree it never sent.
      if (!isDeepStrictEqual(carried, view.tree)) mismatches.push(`carried tree at ${event.type} after change ${changes}`);
      if (event.type !== 'changed' && event.type !== 'finished') return;
      // What the server does on every change: diff, send, and the client applies.
      tree = applyStatusPatch(tree, diffTree(tree, view.tree));
      contents = applyContentPatches(contents, diffContents(contents, view.contents));
      if (!isDeepStrictEqual(tree, view.tree)) mismatches.push(`tree at change ${changes}`);
      if (!isDeepStrictEqual(contents, view.contents)) mismatches.push(`contents at change ${changes}`);
      changes++;
    });

    const [run] = await m.start([{ ticker: 'ACME', options: { max_debate_rounds: 2 } }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'completed', overall_progress: 100 });
    expect(mismatches).toEqual([]);
    expect(changes).toBeGreaterThan(20);
    expect(carriedEvents).toBeGreaterThan(10);

    const dir = done.results_path;
    await expectCompleteResultsDir(dir);
    const decision = DecisionSchema.parse(JSON.parse(await readFile(join(dir, 'decision.json'), 'utf8')));
    expect(decision).toMatchObject({ ticker: 'ACME', trade_date: done.trade_date });
    expect(done.action).toBe(decision.action);
    const usage = RunUsageSchema.parse(JSON.parse(await readFile(join(dir, 'usage.json'), 'utf8')));
    expect(usage.total.calls).toBeGreaterThan(12); // analysts call tools first
    expect(Object.keys(usage.by_agent)).toContain('analysts.market');
    const market = await readFile(join(dir, 'reports', 'market_report.md'), 'utf8');
    expect(market).toMatch(/offline rule-based model \(no LLM\)/);
    expect((await readFile(join(dir, 'message_tool.log'), 'utf8')).split('\n').length).toBeGreaterThan(12);
    const runLog = (await readFile(join(dir, 'run.log'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string });
    expect(runLog.some((e) => e.source === 'tool')).toBe(true);
    expect(runLog.some((e) => e.source === 'state')).toBe(true);
    expect(runLog.some((e) => e.source === 'agent')).toBe(true);
    const bull = m.get(run!.run_id)!.contents['research_debate.bull.report'];
    expect(bull).toMatch(/### Round 1[\s\S]*### Round 2/);
    // Every debater's transcript is a report file too, as the tree shows it.
    expect(await readFile(join(dir, 'reports', 'bull_researcher.md'), 'utf8')).toBe(`${bull}`.endsWith('\n') ? bull : `${bull}\n`);
    const neutral = await readFile(join(dir, 'reports', 'neutral_risk_analyst.md'), 'utf8');
    expect(neutral.trimEnd()).toBe(m.get(run!.run_id)!.contents['risk_debate.neutral.report']!.trimEnd());
    expect(decision.position_size).toBeGreaterThan(0);
  });

  it('refuses a ticker the data does not have before creating anything, naming it', async () => {
    const m = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir });
    await expect(
      m.start([
        { ticker: 'ACME', options: {} },
        { ticker: 'ZZZZ', options: {} },
      ]),
    ).rejects.toThrow(/^no market data for ZZZZ; the data has ACME, GLOBEX/);
    expect(m.list()).toEqual([]);
    expect(await readdir(results.dir)).toEqual([]);
  });

  it('refuses a provider that is not configured before creating anything', async () => {
    const m = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir: results.dir });
    await expect(m.start([{ ticker: 'ACME', options: { llm_provider: 'openai' } }])).rejects.toThrow(
      /ACME: provider not available: .*not configured/,
    );
    expect(await readdir(results.dir)).toEqual([]);
  });

  it.skipIf(!hasData)('runs AAPL on real csv data (DATA_DIR) for 2024-03-28', async () => {
    const m = new RunManager({ deps: createEngineDeps(parseEngineEnv({ DATA_DIR: dataDir })), resultsDir: results.dir });
    const [run] = await m.start([{ ticker: 'AAPL', options: { trade_date: '2024-03-28', analysts: ['market', 'fundamentals'] } }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    const decision = DecisionSchema.parse(JSON.parse(await readFile(join(done.results_path, 'decision.json'), 'utf8')));
    expect(decision).toMatchObject({ ticker: 'AAPL', trade_date: '2024-03-28' });
    // The results say where the data came from: the csv files, from this absolute folder.
    const config = JSON.parse(await readFile(join(done.results_path, 'config.json'), 'utf8'));
    const csv = ['csv'];
    expect(config.data_source).toEqual({
      vendors: { prices: csv, fundamentals: csv, news: csv, instrument: csv },
      data_dir: resolve(dataDir),
    });
    expect(m.get(run!.run_id)!.dataSources).toEqual({ prices: 'csv', fundamentals: 'csv', news: 'csv', instrument: 'csv' });
    // Flat position: the entry price is the real close on the trade date, read from the csv.
    const row = (await readFile(join(dataDir, 'ohlcv', 'AAPL.csv'), 'utf8')).split('\n').find((l) => l.startsWith('2024-03-28,'));
    expect(decision.risk_metrics.entry_price).toBe(Number(row!.split(',')[4]));
  });
});

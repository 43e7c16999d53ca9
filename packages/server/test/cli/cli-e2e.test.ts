import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { JsonReport } from '../../src/cli/summary.js';
import { captureIo } from './support/capture.js';
import { hasRealData, REAL_DATA_DIR as dataDir } from '../../../../tests/support/real-data.js';
import { cleanEnv, runDirs, tempResultsDir } from './support/paths.js';

/** The files every finished run's directory holds (docs/architecture.md, "Results on disk"). */
const RUN_FILES = ['RUN_ID', 'config.json', 'decision.json', 'message_tool.log', 'run.log', 'state.json'];

const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await tempResultsDir();
  cleanup.push(dir);
  return dir;
}

async function expectCompleteRun(runPath: string, runId: string): Promise<void> {
  for (const file of RUN_FILES) expect(existsSync(path.join(runPath, file)), `${runPath}/${file}`).toBe(true);
  expect((await readFile(path.join(runPath, 'RUN_ID'), 'utf8')).trim()).toBe(runId);
  const reports = await readdir(path.join(runPath, 'reports'));
  expect(reports.length).toBeGreaterThanOrEqual(4);
  expect(existsSync(path.join(runPath, 'error.log'))).toBe(false);
}

describe('tradingfloor run, in-process with the real engine (demo market, offline model)', () => {
  it('runs three tickers at once and writes three complete results directories', { timeout: 60_000 }, async () => {
    const results = await tempDir();
    const { io, stdout, stderr } = captureIo({ env: cleanEnv(), cwd: results });
    const code = await main(
      ['run', '--tickers', 'ACME,GLOBEX,INITECH', '--parallel', '3', '--offline-latency', '0', '--results-dir', results, '--json'],
      io,
    );
    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout.text) as JsonReport;
    expect(report.runs.map((r) => [r.ticker, r.status])).toEqual([
      ['ACME', 'completed'],
      ['GLOBEX', 'completed'],
      ['INITECH', 'completed'],
    ]);
    for (const run of report.runs) {
      expect(run.run_id).toMatch(new RegExp(`^${run.ticker}--\\d{4}-\\d{2}-\\d{2}_\\d{2}\\.\\d{2}\\.\\d{2}--[0-9a-f]{6}$`));
      expect(run.error).toBeNull();
      expect(run.decision?.ticker).toBe(run.ticker);
      expect(['BUY', 'SELL', 'HOLD']).toContain(run.decision?.action);
      expect(run.usage).not.toBeNull();
      expect(path.dirname(path.dirname(run.results_path!))).toBe(results);
      await expectCompleteRun(run.results_path!, run.run_id!);
    }
    expect(await runDirs(results)).toHaveLength(3);
  });

  it('runs the tickers concurrently: all three are in progress before the first one finishes', { timeout: 60_000 }, async () => {
    const results = await tempDir();
    const { io, stdout } = captureIo({ env: cleanEnv(), cwd: results });
    const code = await main(
      ['run', '--tickers', 'ACME,GLOBEX,INITECH', '--parallel', '3', '--offline-latency', '5', '--results-dir', results],
      io,
    );
    expect(code).toBe(0);
    const lines = stdout.text.split('\n');
    const firstDone = lines.findIndex((l) => l.includes('completed · '));
    for (const t of ['ACME', 'GLOBEX', 'INITECH']) {
      const started = lines.findIndex((l) => l.includes(` ${t} `) && l.includes('in_progress'));
      expect(started, t).toBeGreaterThan(0);
      expect(started, t).toBeLessThan(firstDone);
    }
    expect(stdout.text).toContain('3/3 runs completed');
    // The summary shows results paths relative to the working directory.
    expect(stdout.text).toMatch(/ACME\/\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}\.\d{2}/);
  });

  it('queues tickers beyond --parallel and still completes them all', { timeout: 60_000 }, async () => {
    const results = await tempDir();
    const { io, stdout } = captureIo({ env: cleanEnv(), cwd: results });
    const code = await main(['run', '--tickers', 'ACME,GLOBEX,INITECH', '--parallel', '1', '--results-dir', results, '--json'], io);
    expect(code).toBe(0);
    const report = JSON.parse(stdout.text) as JsonReport;
    expect(report.runs.every((r) => r.status === 'completed')).toBe(true);
    expect(await runDirs(results)).toHaveLength(3);
  });

  it('exits 2 when the trade date lies outside the data', { timeout: 30_000 }, async () => {
    const results = await tempDir();
    const { io, stderr, stdout } = captureIo({ env: cleanEnv(), cwd: results });
    expect(await main(['run', '--tickers', 'ACME', '--date', '1990-01-02', '--results-dir', results, '--json'], io)).toBe(2);
    expect(stderr.text).toMatch(/^tradingfloor run: .*1990-01-02/);
    expect(stdout.text).toBe('');
  });

  it('exits 2 naming every ticker without data, before any run starts (even beyond --parallel)', { timeout: 60_000 }, async () => {
    const results = await tempDir();
    const { io, stdout, stderr } = captureIo({ env: cleanEnv(), cwd: results });
    const code = await main(['run', '--tickers', 'ACME,GLOBEX,NOSUCH,NOTHING', '--parallel', '1', '--results-dir', results, '--json'], io);
    expect(code).toBe(2);
    expect(stderr.text).toMatch(/^tradingfloor run: no market data for NOSUCH, NOTHING; the data has ACME/);
    expect(stdout.text).toBe('');
    expect(await runDirs(results)).toHaveLength(0);
  });
});

describe.skipIf(!hasRealData('tradingfloor run on real data'))('tradingfloor run on real data (DATA_DIR)', () => {
  it('completes AAPL, MSFT and NVDA on 2024-03-28, three at once', { timeout: 120_000 }, async () => {
    const results = await tempDir();
    const { io, stdout, stderr } = captureIo({ env: cleanEnv({ DATA_DIR: dataDir }), cwd: results });
    const code = await main(
      ['run', '--tickers', 'AAPL,MSFT,NVDA', '--date', '2024-03-28', '--parallel', '3', '--results-dir', results, '--json'],
      io,
    );
    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout.text) as JsonReport;
    expect(report.runs.map((r) => [r.ticker, r.status, r.decision?.trade_date])).toEqual([
      ['AAPL', 'completed', '2024-03-28'],
      ['MSFT', 'completed', '2024-03-28'],
      ['NVDA', 'completed', '2024-03-28'],
    ]);
    for (const run of report.runs) await expectCompleteRun(run.results_path!, run.run_id!);
  });
});

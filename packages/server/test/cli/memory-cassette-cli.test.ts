import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseMemoryCassetteFlags } from '../../src/cli/memory-cassette-flags.js';
import type { JsonReport } from '../../src/cli/summary.js';
import { captureIo } from './support/capture.js';
import { cleanEnv, runDirs, tempResultsDir } from './support/paths.js';

const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await tempResultsDir();
  cleanup.push(dir);
  return dir;
}

describe('--memory, --horizon and the cassette flags', () => {
  it('parses on/off, a horizon and one cassette flag, resolving the directory against the working directory', () => {
    const problems: string[] = [];
    expect(parseMemoryCassetteFlags({ memory: 'ON', horizon: '10', replay: 'tapes/a' }, '/work', problems)).toEqual({
      memory: true,
      memory_horizon: 10,
      cassette: { mode: 'replay', dir: '/work/tapes/a' },
    });
    expect(parseMemoryCassetteFlags({ memory: 'off', replayOrRecord: '/abs' }, '/work', problems)).toEqual({
      memory: false,
      cassette: { mode: 'replay_or_record', dir: '/abs' },
    });
    expect(problems).toEqual([]);
  });

  it('names every bad flag', () => {
    const problems: string[] = [];
    parseMemoryCassetteFlags({ memory: 'maybe', horizon: '0', record: 'a', replay: 'b' }, '/work', problems);
    expect(problems).toEqual([
      '--memory must be on or off, got "maybe"',
      '--horizon must be a whole number of trading days from 1 to 60, got "0"',
      'give one of --record, --replay, not several',
    ]);
  });
});

describe('tradingfloor run with a cassette, in-process with the real engine (demo market, offline model)', () => {
  it('--replay of a missing directory exits 2 and writes nothing', async () => {
    const results = await tempDir();
    const { io, stdout, stderr } = captureIo({ env: cleanEnv(), cwd: results });
    const code = await main(['run', '--tickers', 'ACME', '--replay', 'no-such-dir', '--results-dir', path.join(results, 'out')], io);
    expect(code).toBe(2);
    expect(stderr.text).toMatch(/replay cassette directory .*no-such-dir does not exist/);
    expect(stdout.text).toBe('');
    expect(await readdir(results)).toEqual([]);
  });

  it('--record then --replay: the replayed run writes the same reports and decision', { timeout: 60_000 }, async () => {
    const results = await tempDir();
    const { io, stdout, stderr } = captureIo({ env: cleanEnv(), cwd: results });
    const args = ['run', '--tickers', 'GLOBEX', '--date', '2024-03-15', '--memory', 'off', '--json'];
    expect(await main([...args, '--record', 'tape', '--results-dir', 'a'], io)).toBe(0);
    expect(stderr.text).toBe('');
    const recorded = (JSON.parse(stdout.text) as JsonReport).runs[0]!;
    const replay = captureIo({ env: cleanEnv(), cwd: results });
    expect(await main([...args, '--replay', 'tape', '--results-dir', 'b'], replay.io)).toBe(0);
    const replayed = (JSON.parse(replay.stdout.text) as JsonReport).runs[0]!;
    expect(replayed.decision).toEqual(recorded.decision);
    for (const file of ['decision.json', 'reports/final_trade_decision.md', 'reports/market_report.md']) {
      expect(await readFile(path.join(replayed.results_path!, file), 'utf8')).toBe(
        await readFile(path.join(recorded.results_path!, file), 'utf8'),
      );
    }
    expect(await runDirs(path.join(results, 'b'))).toHaveLength(1);
    expect(existsSync(path.join(results, 'tape'))).toBe(true);
    const config = JSON.parse(await readFile(path.join(replayed.results_path!, 'config.json'), 'utf8'));
    expect(config.cassette).toEqual({ mode: 'replay', dir: path.join(results, 'tape') });
  });
});

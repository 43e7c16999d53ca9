import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backtestCommand } from '../../src/cli/backtest-command.js';
import { parseBacktestFlags } from '../../src/cli/parse-backtest-flags.js';
import { captureIo } from './support/capture.js';
import { tempResultsDir } from './support/paths.js';

describe('parseBacktestFlags', () => {
  const ctx = { env: {}, cwd: '/work' };
  it('maps every flag onto the backtest request', () => {
    const plan = parseBacktestFlags(
      {
        tickers: 'AAPL,GOOGL',
        from: '2024-01-02',
        to: '2024-03-28',
        every: '5',
        mode: 'Portfolio',
        parallel: '8',
        provider: 'offline',
        memory: 'on',
        horizon: '10',
        capital: '5000',
        costPerTrade: '0.5',
        slippageBps: '2',
        allowShort: true,
        riskFreeRate: '0.04',
        replay: 'tapes',
        resultsDir: 'out',
        json: true,
      },
      ctx,
    );
    expect(plan).toEqual({
      kind: 'start',
      resultsDir: '/work/out',
      json: true,
      parallel: 8,
      request: {
        tickers: 'AAPL,GOOGL',
        from: '2024-01-02',
        to: '2024-03-28',
        mode: 'portfolio',
        llm_provider: 'offline',
        memory: true,
        allow_short: true,
        cassette: { mode: 'replay', dir: '/work/tapes' },
        every: 5,
        parallel: 8,
        horizon: 10,
        capital: 5000,
        cost_per_trade: 0.5,
        slippage_bps: 2,
        risk_free_rate: 0.04,
      },
    });
  });

  it('names every problem of the flags at once', () => {
    expect(() => parseBacktestFlags({ memory: 'maybe', record: 'a', replay: 'b', capital: 'lots' }, ctx)).toThrow(
      [
        '--tickers is required (or --resume <backtest_id>)',
        '--from is required (or --resume <backtest_id>)',
        '--to is required (or --resume <backtest_id>)',
        '--memory must be on or off, got "maybe"',
        'give one of --record, --replay and --replay-or-record',
        '--capital must be a number, got "lots"',
      ].join('\n'),
    );
    expect(() => parseBacktestFlags({ resume: 'bt-1', tickers: 'A' }, ctx)).toThrow(/a backtest id looks like[\s\S]*drop --tickers/);
    expect(parseBacktestFlags({ resume: 'bt-20240102-153000-a1b2c3' }, ctx)).toEqual({
      kind: 'resume',
      backtestId: 'bt-20240102-153000-a1b2c3',
      resultsDir: '/work/results',
      json: false,
    });
  });
});

describe('tradingfloor backtest (in-process, demo market, offline model)', { timeout: 60_000 }, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempResultsDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const FLAGS = { tickers: 'ACME,GLOBEX', from: '2024-03-01', to: '2024-03-08', parallel: '4' };

  it('--json: exits 0 with the summary and every series metrics; the files are written', async () => {
    const { io, stdout, stderr } = captureIo({ cwd: dir });
    expect(await backtestCommand({ ...FLAGS, resultsDir: dir, json: true }, io)).toBe(0);
    expect(stderr.text).toBe('');
    const doc = JSON.parse(stdout.text) as {
      backtest: { backtest_id: string; status: string; results_path: string };
      metrics: { series: Record<string, unknown> };
    };
    expect(doc.backtest.status).toBe('completed');
    expect(Object.keys(doc.metrics.series)).toEqual(['strategy', 'buy_and_hold', 'macd', 'kdj_rsi', 'zmr', 'sma_crossover']);
    expect(existsSync(path.join(doc.backtest.results_path, 'report.md'))).toBe(true);
  });

  it.each([
    [{ ...FLAGS, tickers: 'ACME,NOPE' }, /unknown ticker NOPE/],
    [{ ...FLAGS, from: '2024-03-08', to: '2024-03-01' }, /from 2024-03-08 is after to 2024-03-01/],
    [{ ...FLAGS, replay: 'no-such-dir' }, /replay directory .*no-such-dir does not exist/],
    [{ ...FLAGS, every: 'often' }, /--every must be a number/],
    [{ resume: 'bt-20240102-153000-a1b2c3' }, /no backtest with id/],
  ])('bad input exits 2 with the reason and writes nothing (%#)', async (flags, message) => {
    const { io, stdout, stderr } = captureIo({ cwd: dir });
    expect(await backtestCommand({ ...flags, resultsDir: dir }, io)).toBe(2);
    expect(stderr.text).toMatch(message);
    expect(stdout.text).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });

  it('Ctrl-C stops it interrupted (exit 130) and --resume finishes it', async () => {
    const first = captureIo({ cwd: dir });
    const done = backtestCommand({ ...FLAGS, tickers: 'ACME', parallel: '1', offlineLatency: '5', resultsDir: dir }, first.io);
    // Lines mode (not a terminal): one line per change; interrupt once a cell is decided.
    await first.stdout.waitFor(/ACME\s+in_progress\s+1\/6/);
    first.signals.emit('SIGINT');
    expect(await done).toBe(130);
    const id = /resume with: tradingfloor backtest --resume (bt-[\w-]+)/.exec(first.stdout.text)?.[1];
    expect(id).toBeDefined();

    const second = captureIo({ cwd: dir });
    expect(await backtestCommand({ resume: id!, resultsDir: dir, json: true }, second.io)).toBe(0);
    const doc = JSON.parse(second.stdout.text) as { backtest: { status: string; progress: { done: number; total: number } } };
    expect(doc.backtest).toMatchObject({ status: 'completed', progress: { done: 6, total: 6 } });
  });
});

import path from 'node:path';
import { ValidationError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { parseRunFlags, type RawRunFlags } from '../../src/cli/parse-options.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const ctx = { env: {}, cwd: '/home/user/work', now: NOW };

function problem(flags: RawRunFlags, env: Record<string, string> = {}): string {
  try {
    parseRunFlags(flags, { ...ctx, env });
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('parseRunFlags', () => {
  it('turns valid flags into a plan with the shared option names', () => {
    const plan = parseRunFlags(
      {
        tickers: 'aapl, MSFT,nvda,AAPL',
        parallel: '2',
        date: '2024-03-28',
        analysts: 'market,News',
        rounds: '2',
        riskRounds: '3',
        provider: 'OpenAI',
        quickModel: 'gpt-4o-mini',
        deepModel: 'gpt-4o',
        offlineLatency: '150',
        sequentialAnalysts: true,
        resultsDir: 'out',
        json: true,
        onInterrupt: ' Keep ',
        memory: 'on',
        horizon: '7',
        record: 'tape',
      },
      ctx,
    );
    expect(plan).toEqual({
      tickers: ['AAPL', 'MSFT', 'NVDA'],
      parallel: 2,
      resultsDir: path.resolve('/home/user/work', 'out'),
      json: true,
      onInterrupt: 'keep',
      options: {
        trade_date: '2024-03-28',
        analysts: ['market', 'news'],
        max_debate_rounds: 2,
        max_risk_discuss_rounds: 3,
        llm_provider: 'openai',
        quick_think_llm: 'gpt-4o-mini',
        deep_think_llm: 'gpt-4o',
        offline_latency_ms: 150,
        sequential_analysts: true,
        memory: true,
        memory_horizon: 7,
        cassette: { mode: 'record', dir: path.resolve('/home/user/work', 'tape') },
      },
    });
  });

  it('fills the defaults: 3 at a time, offline model, every analyst, RESULTS_DIR or ./results', () => {
    const plan = parseRunFlags({ tickers: 'BRK.B' }, ctx);
    expect(plan.tickers).toEqual(['BRK.B']);
    expect(plan.parallel).toBe(3);
    expect(plan.json).toBe(false);
    expect(plan.onInterrupt).toBe('cancel');
    expect(plan.options).toMatchObject({
      llm_provider: 'offline',
      analysts: ['market', 'social', 'news', 'fundamentals'],
      max_debate_rounds: 1,
    });
    expect(plan.options.trade_date).toBeUndefined();
    expect(plan.resultsDir).toBe(path.resolve('/home/user/work', 'results'));
    expect(parseRunFlags({ tickers: 'X' }, { ...ctx, env: { RESULTS_DIR: '/data/res' } }).resultsDir).toBe('/data/res');
    expect(parseRunFlags({ tickers: 'X' }, { ...ctx, env: { RESULTS_DIR: '' } }).resultsDir).toBe(
      path.resolve('/home/user/work', 'results'),
    );
    expect(parseRunFlags({ tickers: 'X', resultsDir: 'mine' }, { ...ctx, env: { RESULTS_DIR: '/data/res' } }).resultsDir).toBe(
      path.resolve('/home/user/work', 'mine'),
    );
  });

  it('names a bad ticker and the reason checkTicker gives', () => {
    expect(problem({ tickers: 'AAPL,AA$PL' })).toBe(
      'bad ticker "AA$PL": "AA$PL" contains "$": only letters, digits and one "." or "-" class suffix are allowed',
    );
    expect(problem({ tickers: 'BRK.B.C' })).toContain('bad ticker "BRK.B.C": "BRK.B.C" has more than one "." or "-"');
    expect(problem({ tickers: ' , ' })).toBe('--tickers names no ticker, e.g. --tickers AAPL,MSFT,NVDA');
    expect(problem({})).toBe('--tickers is required, e.g. --tickers AAPL,MSFT,NVDA');
  });

  it('refuses unknown analysts and providers, listing the choices', () => {
    expect(problem({ tickers: 'A', analysts: 'market,astrology' })).toBe(
      'unknown analyst "astrology": choose from market, social, news, fundamentals',
    );
    expect(problem({ tickers: 'A', analysts: ',' })).toContain('--analysts names no analyst');
    expect(problem({ tickers: 'A', analysts: 'news,news' })).toBe('--analysts: an analyst is listed twice');
    expect(problem({ tickers: 'A', provider: 'gemini' })).toBe('unknown provider "gemini": choose from offline, openai, anthropic');
  });

  it('refuses an --on-interrupt other than keep or cancel', () => {
    expect(problem({ tickers: 'A', onInterrupt: 'pause' })).toBe('--on-interrupt must be keep or cancel, got "pause"');
  });

  it('refuses --parallel 0, non-numeric and out-of-range numbers', () => {
    expect(problem({ tickers: 'A', parallel: '0' })).toBe('--parallel must be at least 1, got 0');
    expect(problem({ tickers: 'A', parallel: 'three' })).toBe('--parallel must be a whole number, got "three"');
    expect(problem({ tickers: 'A', rounds: 'abc' })).toBe('--rounds must be a whole number, got "abc"');
    expect(problem({ tickers: 'A', rounds: '1.5' })).toBe('--rounds must be a whole number, got "1.5"');
    expect(problem({ tickers: 'A', riskRounds: '11' })).toBe('--risk-rounds must be at most 10, got 11');
    expect(problem({ tickers: 'A', offlineLatency: '-5' })).toBe('--offline-latency must be a whole number, got "-5"');
  });

  it('refuses malformed, impossible and future dates', () => {
    expect(problem({ tickers: 'A', date: '28/03/2024' })).toBe('--date "28/03/2024": dates are written YYYY-MM-DD');
    expect(problem({ tickers: 'A', date: '2024-02-30' })).toBe('--date "2024-02-30": not a real calendar date');
    expect(problem({ tickers: 'A', date: '2025-06-16' })).toBe(
      '--date 2025-06-16 is in the future (today is 2025-06-15): a run analyses a past trading day',
    );
    expect(parseRunFlags({ tickers: 'A', date: '2025-06-15' }, ctx).options.trade_date).toBe('2025-06-15');
  });

  it('reports every problem at once, one line each', () => {
    const lines = problem({ tickers: 'GOOD,B@D', analysts: 'tea', provider: 'x', date: 'soon', parallel: '0' }).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('--parallel must be at least 1, got 0');
    expect(lines[1]).toMatch(/^bad ticker "B@D"/);
  });
});

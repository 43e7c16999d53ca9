import { describe, expect, it } from 'vitest';
import { BacktestRequestSchema, RunOptionsSchema, ServerMessageSchema } from '../src/index.js';

describe('backtest schemas', () => {
  it('a request gets the documented defaults and accepts a comma list of tickers', () => {
    expect(BacktestRequestSchema.parse({ tickers: 'AAPL, GOOGL', from: '2024-01-02', to: '2024-03-28' })).toEqual({
      tickers: ['AAPL', 'GOOGL'],
      from: '2024-01-02',
      to: '2024-03-28',
      every: 1,
      mode: 'signal',
      parallel: 3,
      llm_provider: 'offline',
      offline_latency_ms: 0,
      memory: false,
      horizon: 5,
      capital: 100_000,
      cost_per_trade: 1,
      slippage_bps: 0,
      allow_short: false,
      risk_free_rate: 0,
    });
    expect(BacktestRequestSchema.safeParse({ tickers: [], from: '2024-01-02', to: '2024-03-28' }).success).toBe(false);
    expect(BacktestRequestSchema.safeParse({ tickers: ['A'], from: '2024-02-30', to: '2024-03-28' }).success).toBe(false);
  });

  it('run options carry backtest_id, memory and cassette; a malformed id or cassette mode is refused', () => {
    const ok = RunOptionsSchema.parse({
      backtest_id: 'bt-20240102-153000-a1b2c3',
      memory: false,
      cassette: { mode: 'replay', dir: '/tapes' },
    });
    expect(ok).toMatchObject({ backtest_id: 'bt-20240102-153000-a1b2c3', memory: false, cassette: { mode: 'replay', dir: '/tapes' } });
    expect(RunOptionsSchema.safeParse({ backtest_id: '../etc' }).success).toBe(false);
    expect(RunOptionsSchema.safeParse({ cassette: { mode: 'tape', dir: 'x' } }).success).toBe(false);
  });

  it('backtest_update is a server message', () => {
    const backtest = {
      backtest_id: 'bt-20240102-153000-a1b2c3',
      status: 'running',
      mode: 'signal',
      tickers: ['AAPL'],
      from: '2024-01-02',
      to: '2024-03-28',
      every: 1,
      provider: 'offline',
      created_at: 1,
      updated_at: 2,
      progress: { total: 61, done: 3, failed: 0, running: 2, percent: 4.9 },
      error: null,
      results_path: '/r/backtests/bt-20240102-153000-a1b2c3',
    };
    expect(ServerMessageSchema.parse({ type: 'backtest_update', backtest })).toEqual({ type: 'backtest_update', backtest });
  });
});

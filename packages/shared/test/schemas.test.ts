import { describe, expect, it } from 'vitest';
import { PositionSchema, RunConfigSchema, RunOptionsSchema, StartRunsBodySchema, LogsQuerySchema, ServerMessageSchema } from '../src/index.js';

describe('PositionSchema', () => {
  it('defaults to flat', () => {
    expect(PositionSchema.parse({})).toEqual({ side: 'none' });
  });
  it('accepts a consistent long', () => {
    expect(PositionSchema.parse({ side: 'long', entry_price: 100, stop_loss: 90, take_profit: 130 }).side).toBe('long');
  });
  it.each([
    [{ side: 'long' }, 'needs an entry_price'],
    [{ side: 'long', entry_price: 100, stop_loss: 110 }, 'stop_loss must be below'],
    [{ side: 'short', entry_price: 100, stop_loss: 90 }, 'stop_loss must be above'],
    [{ side: 'none', entry_price: 5 }, 'without a position'],
  ])('refuses %j', (input, why) => {
    const r = PositionSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(why);
  });
});

describe('RunOptionsSchema / RunConfigSchema', () => {
  it('fills defaults: every analyst, one round each, offline model', () => {
    expect(RunOptionsSchema.parse({})).toMatchObject({
      analysts: ['market', 'social', 'news', 'fundamentals'],
      max_debate_rounds: 1,
      max_risk_discuss_rounds: 1,
      llm_provider: 'offline',
      offline_latency_ms: 0,
      sequential_analysts: false,
    });
  });
  it('refuses unknown fields, repeated analysts and impossible dates', () => {
    expect(RunOptionsSchema.safeParse({ colour: 'red' }).success).toBe(false);
    expect(RunOptionsSchema.safeParse({ analysts: ['news', 'news'] }).success).toBe(false);
    expect(RunOptionsSchema.safeParse({ trade_date: '2024-02-30' }).success).toBe(false);
  });
  it('normalises the ticker of a run config', () => {
    const cfg = RunConfigSchema.parse({ ticker: 'brk.b', trade_date: '2024-03-28', quick_think_llm: 'q', deep_think_llm: 'd' });
    expect(cfg.ticker).toBe('BRK.B');
  });
});

describe('StartRunsBodySchema', () => {
  it('reads a form post: strings for numbers, CSV analysts, JSON positions, analysis_date alias', () => {
    const body = StartRunsBodySchema.parse({
      company_symbols: 'AAPL, MSFT',
      analysis_date: '2024-03-28',
      analysts: 'market,news',
      max_debate_rounds: '2',
      llm_provider: 'offline',
      sequential_analysts: 'on',
      instrument_positions: '{"AAPL":{"side":"long","entry_price":150}}',
      deep_think_llm: '',
    });
    expect(body).toMatchObject({
      analysis_date: '2024-03-28',
      analysts: ['market', 'news'],
      max_debate_rounds: 2,
      sequential_analysts: true,
      instrument_positions: { AAPL: { side: 'long', entry_price: 150 } },
    });
    expect(body.deep_think_llm).toBeUndefined();
  });
  it('accepts a per-run data vendor chain and refuses a malformed one', () => {
    expect(StartRunsBodySchema.parse({ company_symbols: 'A', data_vendors: 'prices:yahoo,csv;news:yahoo' }).data_vendors).toBe('prices:yahoo,csv;news:yahoo');
    expect(StartRunsBodySchema.safeParse({ company_symbols: 'A', data_vendors: 'prices:nasdaq' }).success).toBe(false);
  });

  it('refuses unknown fields and malformed positions', () => {
    expect(StartRunsBodySchema.safeParse({ company_symbols: 'A', foo: 1 }).success).toBe(false);
    expect(StartRunsBodySchema.safeParse({ company_symbols: 'A', instrument_positions: '{not json' }).success).toBe(false);
  });
});

describe('LogsQuerySchema', () => {
  it('reads one level as a threshold and a list as an exact set', () => {
    expect(LogsQuerySchema.parse({}).severity).toEqual({ threshold: 'INFO' });
    expect(LogsQuerySchema.parse({ severity: 'warn,error' }).severity).toEqual({ exact: ['WARN', 'ERROR'] });
    expect(LogsQuerySchema.safeParse({ severity: 'LOUD' }).success).toBe(false);
    expect(LogsQuerySchema.safeParse({ limit: '501' }).success).toBe(false);
  });
});

describe('ServerMessageSchema, focused stream patches', () => {
  it('keeps group, subtree and node entries and append_parts copies whole (the SPA checks every message with it)', () => {
    const status = {
      type: 'status_patch_run',
      run_id: 'r',
      seq: 1,
      changed: [
        { ids: ['a', 'a.report'], status: 'completed', ended_at: 5, duration_ms: 2 },
        { subtree: 'b', status: 'in_progress', started_at: 5 },
        { id: 'c', status: 'completed' },
      ],
      overall_progress: 10,
      status: 'in_progress',
    };
    const content = { type: 'content_patch_run', run_id: 'r', seq: 1, patches: [{ id: 'a.messages', mode: 'append_parts', parts: ['> ', ['a.report', 0, 48]] }] };
    expect(ServerMessageSchema.parse(status)).toEqual(status);
    expect(ServerMessageSchema.parse(content)).toEqual(content);
    expect(ServerMessageSchema.safeParse({ ...content, patches: [{ id: 'm', mode: 'append_parts', parts: [['a.report', -1, 3]] }] }).success).toBe(false);
    expect(ServerMessageSchema.safeParse({ ...status, changed: [{ ids: [], status: 'completed' }] }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryQuerySchema, RunOptionsSchema, StartRunsBodySchema } from '../src/index.js';

describe('memory and cassette run options', () => {
  it('memory is off by default; horizon and cassette are absent unless given', () => {
    const options = RunOptionsSchema.parse({});
    expect(options.memory).toBe(false);
    expect(options.memory_horizon).toBeUndefined();
    expect(options.cassette).toBeUndefined();
  });

  it('accepts the three cassette modes and refuses anything else', () => {
    for (const mode of ['record', 'replay', 'replay_or_record'] as const) {
      expect(RunOptionsSchema.parse({ cassette: { mode, dir: 'tapes' } }).cassette).toEqual({ mode, dir: 'tapes' });
    }
    expect(RunOptionsSchema.safeParse({ cassette: { mode: 'rewind', dir: 'x' } }).success).toBe(false);
    expect(RunOptionsSchema.safeParse({ cassette: { mode: 'record', dir: '  ' } }).success).toBe(false);
    expect(RunOptionsSchema.safeParse({ cassette: { mode: 'record', dir: 'x', extra: 1 } }).success).toBe(false);
    expect(RunOptionsSchema.safeParse({ memory_horizon: 0 }).success).toBe(false);
    expect(RunOptionsSchema.safeParse({ memory_horizon: 61 }).success).toBe(false);
  });

  it('the start body takes memory as a form value and the cassette as a JSON string', () => {
    const body = StartRunsBodySchema.parse({
      company_symbols: 'ACME',
      memory: 'on',
      memory_horizon: '10',
      cassette: '{"mode":"replay","dir":"/t"}',
    });
    expect(body).toMatchObject({ memory: true, memory_horizon: 10, cassette: { mode: 'replay', dir: '/t' } });
    expect(StartRunsBodySchema.parse({ company_symbols: 'ACME', memory: 'off' }).memory).toBe(false);
  });
});

describe('MemoryQuerySchema', () => {
  it('normalises the ticker and explains a missing or bad one', () => {
    expect(MemoryQuerySchema.parse({ ticker: ' aapl ' })).toEqual({ ticker: 'AAPL' });
    expect(MemoryQuerySchema.safeParse({}).error?.issues[0]?.message).toMatch(/ticker is required/);
    expect(MemoryQuerySchema.safeParse({ ticker: '$$' }).success).toBe(false);
    expect(MemoryQuerySchema.safeParse({ ticker: 'AAPL', more: 1 }).success).toBe(false);
  });
});

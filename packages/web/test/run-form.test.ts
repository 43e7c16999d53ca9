import { describe, expect, it } from 'vitest';
import { checkRunForm, DEFAULT_RUN_FORM } from '../src/lib/run-form.js';

const draft = (patch: Partial<typeof DEFAULT_RUN_FORM>) => ({ ...DEFAULT_RUN_FORM, ...patch });

describe('checkRunForm', () => {
  it('builds the start body from a valid draft, merging duplicate tickers', () => {
    const check = checkRunForm(draft({ tickers: 'acme, GLOBEX ACME', trade_date: '2025-01-31', offline_latency_ms: 30 }));
    expect(check.tickerErrors).toEqual([]);
    expect(check.request).toEqual({
      company_symbols: 'ACME,GLOBEX',
      trade_date: '2025-01-31',
      analysts: ['market', 'social', 'news', 'fundamentals'],
      max_debate_rounds: 1,
      max_risk_discuss_rounds: 1,
      llm_provider: 'offline',
      offline_latency_ms: 30,
    });
  });

  it('names every bad ticker with its reason and refuses to build a body', () => {
    const check = checkRunForm(draft({ tickers: 'ACME, A$B, 1234, BRK.B.C' }));
    expect(check.tickers).toEqual(['ACME']);
    expect(check.tickerErrors.map((e) => e.input)).toEqual(['A$B', '1234', 'BRK.B.C']);
    expect(check.tickerErrors[0]?.reason).toMatch(/contains "\$"/);
    expect(check.request).toBeNull();
  });

  it('reports field errors from the shared run-option schema and the data range', () => {
    const check = checkRunForm(draft({ tickers: 'ACME', max_debate_rounds: 0, analysts: [], trade_date: '2031-01-01' }), {
      first_date: '2020-01-01',
      last_date: '2025-01-31',
    });
    expect(check.fieldErrors).toEqual({
      max_debate_rounds: 'at least 1 round',
      analysts: 'select at least one analyst',
      trade_date: 'the data ends on 2025-01-31',
    });
    expect(check.request).toBeNull();
  });

  it('adds multitask to the body only when it is not the default "allow"', () => {
    expect(checkRunForm(draft({ tickers: 'ACME' })).request).not.toHaveProperty('multitask');
    expect(checkRunForm(draft({ tickers: 'ACME', multitask: 'enqueue' })).request).toMatchObject({ company_symbols: 'ACME', multitask: 'enqueue' });
    expect(checkRunForm(draft({ tickers: 'ACME', multitask: 'reject' })).request?.multitask).toBe('reject');
  });

  it('asks for at least one ticker', () => {
    expect(checkRunForm(draft({ tickers: ' , ' })).tickersError).toMatch(/at least one ticker/);
  });
});

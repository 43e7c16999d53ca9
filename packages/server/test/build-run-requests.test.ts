import { StartRunsBodySchema, ValidationError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { buildRunRequests } from '../src/runs/build-run-requests.js';

const limits = { maxTickers: 3, multiRun: true };
const body = (input: Record<string, unknown>) => StartRunsBodySchema.parse(input);

describe('buildRunRequests', () => {
  it('merges duplicates, upper-cases, and shares the options', () => {
    const requests = buildRunRequests(
      body({ company_symbols: 'acme, GLOBEX acme', analysis_date: '2024-01-05', max_debate_rounds: '2' }),
      limits,
    );
    expect(requests).toEqual([
      { ticker: 'ACME', options: { trade_date: '2024-01-05', max_debate_rounds: 2 } },
      { ticker: 'GLOBEX', options: { trade_date: '2024-01-05', max_debate_rounds: 2 } },
    ]);
  });

  it('passes a per-run data vendor chain through to the run options', () => {
    expect(buildRunRequests(body({ company_symbols: 'ACME', data_vendors: 'prices:yahoo,csv' }), limits)).toEqual([
      { ticker: 'ACME', options: { data_vendors: 'prices:yahoo,csv' } },
    ]);
  });

  it('gives every run the request\'s multitask rule, and refuses an unknown one', () => {
    expect(buildRunRequests(body({ company_symbols: 'ACME,GLOBEX', multitask: 'enqueue' }), limits).map((r) => r.multitask)).toEqual([
      'enqueue',
      'enqueue',
    ]);
    expect(buildRunRequests(body({ company_symbols: 'ACME' }), limits)[0]).not.toHaveProperty('multitask');
    expect(StartRunsBodySchema.safeParse({ company_symbols: 'ACME', multitask: 'queue' }).error?.issues[0]?.path).toEqual(['multitask']);
  });

  it('names every bad ticker at once', () => {
    const attempt = () => buildRunRequests(body({ company_symbols: 'ACME,../etc,A$B' }), limits);
    expect(attempt).toThrowError(ValidationError);
    expect(attempt).toThrowError(/"\.\.\/etc".*"A\$B"/);
  });

  it('refuses more tickers than the limit, counting after merging', () => {
    expect(buildRunRequests(body({ company_symbols: 'A,B,C,A' }), limits)).toHaveLength(3);
    expect(() => buildRunRequests(body({ company_symbols: 'A,B,C,D' }), limits)).toThrowError(/too many tickers: 4 given, at most 3/);
  });

  it('refuses an empty request and several tickers in single-run mode', () => {
    expect(() => buildRunRequests(body({ company_symbols: ' , ' }), limits)).toThrowError(/no ticker given/);
    expect(() => buildRunRequests(body({ company_symbols: 'A,B' }), { maxTickers: 10, multiRun: false })).toThrowError(
      /ENABLE_MULTI_RUN=0/,
    );
  });

  it('attaches positions by symbol and refuses positions for symbols not requested', () => {
    const positions = JSON.stringify({ acme: { side: 'long', entry_price: 10 } });
    const [acme, globex] = buildRunRequests(body({ company_symbols: 'ACME,GLOBEX', instrument_positions: positions }), limits);
    expect(acme?.position).toEqual({ side: 'long', entry_price: 10 });
    expect(globex?.position).toBeUndefined();
    expect(() =>
      buildRunRequests(body({ company_symbols: 'ACME', instrument_positions: positions.replace('acme', 'WAYNE') }), limits),
    ).toThrowError(/instrument_positions names WAYNE, which is not among the requested tickers/);
  });

  it('accepts the legacy single-symbol fields and refuses disagreeing dates', () => {
    expect(buildRunRequests(body({ company_symbol: 'acme' }), limits)[0]?.ticker).toBe('ACME');
    expect(() => buildRunRequests(body({ ticker: 'ACME', analysis_date: '2024-01-05', trade_date: '2024-01-04' }), limits)).toThrowError(
      /disagree/,
    );
  });
});

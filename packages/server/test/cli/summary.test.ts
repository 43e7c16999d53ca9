import { describe, expect, it } from 'vitest';
import { displayPath, formatCost, formatTokens, renderSummary, summaryLine, toJsonReport, type RunOutcome } from '../../src/cli/summary.js';
import { decisionFixture, usageFixture } from './support/fixtures.js';

const outcomes: RunOutcome[] = [
  {
    run_id: 'ACME--2024-03-28_10.00.00--a1b2c3',
    ticker: 'ACME',
    trade_date: '2024-03-28',
    status: 'completed',
    decision: decisionFixture('ACME'),
    error: null,
    results_path: '/work/results/ACME/2024-03-28_10.00.00',
    usage: usageFixture(12_000, 3_456, 0.0123),
  },
  {
    run_id: 'GLOBEX--2024-03-28_10.00.00--d4e5f6',
    ticker: 'GLOBEX',
    trade_date: '2024-03-28',
    status: 'error',
    decision: null,
    error: 'no data for GLOBEX on 2024-03-28',
    results_path: '/elsewhere/GLOBEX/2024-03-28_10.00.00',
    usage: usageFixture(0, 0, 0),
  },
  {
    run_id: null,
    ticker: 'INITECH',
    trade_date: null,
    status: 'canceled',
    decision: null,
    error: 'not started: the batch was interrupted',
    results_path: null,
    usage: null,
  },
];

describe('renderSummary', () => {
  it('tabulates each decision, tokens and cost when known, and the results path; then failures and totals', () => {
    expect(renderSummary(outcomes, { cwd: '/work' })).toMatchInlineSnapshot(`
      "┌─────────┬────────────┬───────────┬────────┬────────────┬────────────┬────────┬───────┬───────────────────────────────────────┐
      │ Ticker  │ Date       │ Status    │ Action │ Rating     │ Confidence │ Tokens │  Cost │ Results                               │
      ├─────────┼────────────┼───────────┼────────┼────────────┼────────────┼────────┼───────┼───────────────────────────────────────┤
      │ ACME    │ 2024-03-28 │ completed │ BUY    │ Overweight │        72% │  15.5k │ $0.01 │ results/ACME/2024-03-28_10.00.00      │
      │ GLOBEX  │ 2024-03-28 │ error     │ —      │ —          │          — │      — │     — │ /elsewhere/GLOBEX/2024-03-28_10.00.00 │
      │ INITECH │ —          │ canceled  │ —      │ —          │          — │      — │     — │ —                                     │
      └─────────┴────────────┴───────────┴────────┴────────────┴────────────┴────────┴───────┴───────────────────────────────────────┘
      GLOBEX: no data for GLOBEX on 2024-03-28
      INITECH: not started: the batch was interrupted
      1/3 runs completed · 1 error · 1 canceled"
    `);
  });

  it('says when every run completed', () => {
    expect(summaryLine(outcomes.slice(0, 1))).toBe('1/1 runs completed');
    expect(summaryLine(outcomes)).toBe('1/3 runs completed · 1 error · 1 canceled');
  });
});

describe('formatting helpers', () => {
  it('shows tokens and cost only when the run reported usage', () => {
    expect(formatTokens(usageFixture(400, 100, null))).toBe('500');
    expect(formatTokens(usageFixture(9_000, 3_000, null))).toBe('12.0k');
    expect(formatTokens(usageFixture(0, 0, 0))).toBe('—');
    expect(formatTokens(null)).toBe('—');
    expect(formatCost(usageFixture(400, 100, null))).toBe('—');
    expect(formatCost(usageFixture(400, 100, 1.234))).toBe('$1.23');
    expect(formatCost(usageFixture(400, 100, 0.00042))).toBe('$0.0004');
    expect(formatCost(usageFixture(0, 0, 0))).toBe('—');
  });

  it('shows results paths relative to the working directory only when inside it', () => {
    expect(displayPath('/work/results/ACME/x', '/work')).toBe('results/ACME/x');
    expect(displayPath('/other/ACME/x', '/work')).toBe('/other/ACME/x');
    expect(displayPath(null, '/work')).toBe('—');
  });
});

describe('toJsonReport', () => {
  it('lists every run with id, ticker, status, decision, error, results path and usage', () => {
    const report = toJsonReport(outcomes);
    expect(Object.keys(report)).toEqual(['runs']);
    expect(report.runs.map((r) => Object.keys(r).sort())).toEqual(
      Array(3).fill(['decision', 'error', 'results_path', 'run_id', 'status', 'ticker', 'usage']),
    );
    expect(JSON.parse(JSON.stringify(report)).runs[0].decision.action).toBe('BUY');
  });
});

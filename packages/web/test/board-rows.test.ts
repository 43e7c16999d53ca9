import type { RunSummary } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { boardLines, EMPTY_FILTER, filterRuns, runsToCsv, sortRuns } from '../src/lib/board-rows.js';
import { describeChange } from '../src/lib/decision-change.js';

const run = (i: number, fields: Partial<RunSummary> = {}): RunSummary => ({
  run_id: `T${i}--2025-01-31_10.00.0${i}--abcdef`,
  ticker: ['ACME', 'GLOBEX', 'INITECH'][i % 3]!,
  trade_date: `2025-01-1${i % 10}`,
  status: 'completed',
  overall_progress: 100,
  created_at: 1000 + i,
  updated_at: 2000 + i * 10,
  current_phase: null,
  provider: 'offline',
  error: null,
  action: (['BUY', 'SELL', 'HOLD'] as const)[i % 3]!,
  results_path: '',
  batch_id: i < 3 ? 'b1' : 'b2',
  confidence: i === 4 ? null : i / 10,
  ...fields,
});

describe('board rows', () => {
  const runs = Array.from({ length: 6 }, (_, i) => run(i));

  it('filters by status, action, ticker search, date range and batch', () => {
    expect(filterRuns(runs, { ...EMPTY_FILTER, action: ['SELL'] }).map((r) => r.ticker)).toEqual(['GLOBEX', 'GLOBEX']);
    expect(filterRuns(runs, { ...EMPTY_FILTER, q: 'ini' }).map((r) => r.run_id)).toEqual([runs[2]!.run_id, runs[5]!.run_id]);
    expect(filterRuns(runs, { ...EMPTY_FILTER, from: '2025-01-12', to: '2025-01-13' })).toHaveLength(2);
    expect(filterRuns(runs, { ...EMPTY_FILTER, batch: 'b1', status: ['completed'] })).toHaveLength(3);
    expect(filterRuns(runs, { ...EMPTY_FILTER, status: ['in_progress'] })).toEqual([]);
  });

  it('sorts like the server: descending confidence with the run without one last', () => {
    const sorted = sortRuns([...runs], { key: 'confidence', desc: true });
    expect(sorted.map((r) => r.confidence)).toEqual([0.5, 0.3, 0.2, 0.1, 0, null]);
    expect(sortRuns([...runs], { key: 'ticker', desc: false }).map((r) => r.ticker)).toEqual([
      'ACME',
      'ACME',
      'GLOBEX',
      'GLOBEX',
      'INITECH',
      'INITECH',
    ]);
  });

  it('groups by batch, newest batch first, with counts', () => {
    const lines = boardLines(runs, true);
    expect(lines.filter((l) => l.kind === 'batch')).toEqual([
      { kind: 'batch', batch: 'b2', count: 3, active: 0 },
      { kind: 'batch', batch: 'b1', count: 3, active: 0 },
    ]);
    expect(lines).toHaveLength(8);
    expect(boardLines(runs, false)).toHaveLength(6);
  });

  it('writes CSV with a header, quoting and spreadsheet formulas defused', () => {
    const csv = runsToCsv([run(1, { error: 'bad, "very" bad', ticker: 'ACME' }), run(2, { error: '=HYPERLINK("x")' })]);
    const lines = csv.split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['run_id', 'ticker', 'trade_date', 'status']);
    expect(lines[1]).toContain('"bad, ""very"" bad"');
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines).toHaveLength(4); // two rows and the final line end
  });

  it('says what changed since the previous decision', () => {
    const base = {
      version: 1 as const,
      ticker: 'ACME',
      trade_date: '2025-01-10',
      position_action: 'none' as const,
      summary: '',
      confidence_basis: '',
      notes: [],
      raw_text: '',
      risk_metrics: { entry_price: null, stop_loss: null, take_profit: null, reward_risk: null },
    };
    const before = { ...base, rating: 'Hold' as const, action: 'HOLD' as const, confidence: 0.62, rationale: [] };
    const after = { ...base, rating: 'Buy' as const, action: 'BUY' as const, confidence: 0.71, rationale: ['momentum turned'] };
    expect(describeChange(before, after)).toEqual({
      headline: 'was Hold (HOLD) at 62%, now Buy (BUY) at 71%',
      because: 'momentum turned',
      changed: true,
    });
    expect(describeChange(after, { ...after, confidence: 0.6 }).headline).toBe('still Buy (BUY), confidence 71% → 60%');
  });
});

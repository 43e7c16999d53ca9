import { describe, expect, it } from 'vitest';
import { reduceAggregate, type RunSummary } from '../src/index.js';

const pending = (ticker: string, position: number): RunSummary => ({
  run_id: `${ticker}--2025-01-31_10.00.00--abcdef`,
  ticker,
  trade_date: '2025-01-31',
  status: 'pending',
  overall_progress: 0,
  created_at: 1,
  updated_at: 1,
  current_phase: null,
  provider: 'offline',
  error: null,
  action: null,
  results_path: '/r',
  queue_position: position,
});

describe('reduceAggregate and queue positions (queue mode)', () => {
  it('moves a waiting run up, and drops its position once an update no longer carries one', () => {
    const a = pending('A', 1);
    const b = pending('B', 2);
    let runs = reduceAggregate({}, { type: 'init_all', runs: [a, b] }, 5).runs;
    expect([runs[a.run_id]?.queue_position, runs[b.run_id]?.queue_position]).toEqual([1, 2]);
    runs = reduceAggregate(
      runs,
      {
        type: 'status_update_aggregate',
        runs: {
          [a.run_id]: { ticker: 'A', status: 'in_progress', overall_progress: 0, current_phase: null },
          [b.run_id]: { ticker: 'B', status: 'pending', overall_progress: 0, current_phase: null, queue_position: 1 },
        },
      },
      6,
    ).runs;
    expect(runs[a.run_id]).not.toHaveProperty('queue_position');
    expect(runs[a.run_id]).toMatchObject({ status: 'in_progress', results_path: '/r', updated_at: 6 });
    expect(runs[b.run_id]).toMatchObject({ status: 'pending', queue_position: 1 });
  });
});

import type { RunSummary } from '@tradingfloor/shared';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import BoardRow from '../src/components/board/BoardRow.vue';

const run = (fields: Partial<RunSummary>): RunSummary => ({
  run_id: 'ACME--2025-01-31_10.00.00--abcdef',
  ticker: 'ACME',
  trade_date: '2025-01-31',
  status: 'pending',
  overall_progress: 0,
  created_at: 1,
  updated_at: 1,
  current_phase: null,
  provider: 'offline',
  error: null,
  action: null,
  results_path: '',
  ...fields,
});

const statusLine = (summary: RunSummary) =>
  mount(BoardRow, { props: { run: summary, selected: false, rowIndex: 0, focusable: false, offset: 0 } }).find('.status-line').text();

describe('BoardRow and the queue (queue mode)', () => {
  it('shows the queue position of a run waiting for a worker where it shows the status', () => {
    expect(statusLine(run({ queue_position: 3 }))).toMatch(/^Pending · #3 in queue/);
  });

  it('shows no position for a pending run that is not on a queue, nor once a run is taken', () => {
    expect(statusLine(run({}))).not.toMatch(/in queue/);
    expect(statusLine(run({ status: 'in_progress', current_phase: 'analysts.market' }))).not.toMatch(/in queue/);
  });
});

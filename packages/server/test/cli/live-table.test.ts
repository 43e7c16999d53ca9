import { describe, expect, it } from 'vitest';
import { queuedRow, type BatchRow } from '../../src/cli/batch-row.js';
import { batchCounts, formatElapsed, progressBar, renderTable } from '../../src/cli/live-table.js';

const T0 = 1_700_000_000_000;

const rows: BatchRow[] = [
  {
    ...queuedRow('ACME'),
    run_id: 'ACME--x',
    status: 'completed',
    phase: null,
    progress: 100,
    started_at: T0,
    ended_at: T0 + 75_000,
    action: 'BUY',
  },
  { ...queuedRow('GLOBEX'), run_id: 'GLOBEX--x', status: 'in_progress', phase: 'Research Debate', progress: 42.4, started_at: T0 + 1_000 },
  { ...queuedRow('INITECH'), run_id: 'INITECH--x', status: 'pending', started_at: T0 + 89_000 },
  queuedRow('UMBRELLA'),
  { ...queuedRow('STARK'), run_id: 'STARK--x', status: 'error', progress: 10, started_at: T0, ended_at: T0 + 3_000, error: 'no data' },
];

describe('progressBar', () => {
  it('fills whole cells in proportion and clamps to 0..100', () => {
    expect(progressBar(0, 10)).toBe('░░░░░░░░░░   0%');
    expect(progressBar(42.4, 10)).toBe('████░░░░░░  42%');
    expect(progressBar(100, 10)).toBe('██████████ 100%');
    expect(progressBar(250, 4)).toBe('████ 100%');
    expect(progressBar(Number.NaN, 4)).toBe('░░░░   0%');
  });
});

describe('formatElapsed', () => {
  it('writes m:ss, then h:mm:ss from an hour on', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(61_999)).toBe('1:01');
    expect(formatElapsed(3_600_000 + 5_000)).toBe('1:00:05');
    expect(formatElapsed(-500)).toBe('0:00');
  });
});

describe('renderTable', () => {
  it('shows ticker, phase, progress bar, elapsed and status for every row, then the counts', () => {
    expect(renderTable(rows, T0 + 90_000)).toMatchInlineSnapshot(`
      "┌──────────┬────────────────────────┬───────────────────────────┬─────────┬──────────────────┐
      │ Ticker   │ Phase                  │ Progress                  │ Elapsed │ Status           │
      ├──────────┼────────────────────────┼───────────────────────────┼─────────┼──────────────────┤
      │ ACME     │ —                      │ ████████████████████ 100% │    1:15 │ completed · BUY  │
      │ GLOBEX   │ Research Debate        │ ████████░░░░░░░░░░░░  42% │    1:29 │ in_progress      │
      │ INITECH  │ starting               │ ░░░░░░░░░░░░░░░░░░░░   0% │    0:01 │ pending          │
      │ UMBRELLA │ —                      │ ░░░░░░░░░░░░░░░░░░░░   0% │       — │ queued           │
      │ STARK    │ —                      │ ██░░░░░░░░░░░░░░░░░░  10% │    0:03 │ error            │
      └──────────┴────────────────────────┴───────────────────────────┴─────────┴──────────────────┘
      5 tickers · 2 running · 1 queued · 2 finished"
    `);
  });

  it('is pure: only `now` moves the elapsed column of unfinished rows', () => {
    const a = renderTable(rows, T0 + 90_000);
    expect(renderTable(rows, T0 + 90_000)).toBe(a);
    const later = renderTable(rows, T0 + 150_000);
    expect(later).toContain('2:29'); // GLOBEX still running
    expect(later).toContain('1:15'); // ACME ended: its elapsed is frozen
  });

  it('colours only when asked to', () => {
    expect(renderTable(rows, T0)).not.toContain('\u001b[');
    const colored = renderTable(rows, T0, { color: true });
    expect(colored).toContain('\u001b[32mcompleted · BUY');
    expect(colored).toContain('\u001b[31merror');
  });
});

describe('batchCounts', () => {
  it('counts running, queued and finished rows', () => {
    expect(batchCounts(rows)).toEqual({ running: 2, queued: 1, done: 2 });
  });
});

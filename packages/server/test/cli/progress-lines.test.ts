import { describe, expect, it } from 'vitest';
import { queuedRow, type BatchRow } from '../../src/cli/batch-row.js';
import { ProgressLinePrinter, formatProgressLine } from '../../src/cli/progress-lines.js';

describe('formatProgressLine', () => {
  it('writes elapsed batch time, ticker, status and what matters for that status', () => {
    const row: BatchRow = { ...queuedRow('ACME'), run_id: 'ACME--2024-03-28_10.00.00--a1b2c3', status: 'pending', started_at: 0 };
    expect(formatProgressLine(row, 1_200)).toBe('[0:01]  ACME      pending  ACME--2024-03-28_10.00.00--a1b2c3');
    expect(formatProgressLine({ ...row, status: 'in_progress', phase: 'Trader', progress: 61.6 }, 65_000)).toBe(
      '[1:05]  ACME      in_progress  Trader  62%',
    );
    expect(formatProgressLine({ ...row, status: 'completed', action: 'SELL', progress: 100 }, 0)).toBe(
      '[0:00]  ACME      completed · SELL',
    );
    expect(formatProgressLine({ ...row, status: 'error', error: 'boom' }, 0)).toBe('[0:00]  ACME      error  — boom');
  });
});

describe('ProgressLinePrinter', () => {
  it('prints one line per status or phase change and none for progress ticks', () => {
    const printer = new ProgressLinePrinter(['ACME', 'GLOBEX']);
    const acme: BatchRow = queuedRow('ACME');
    const globex: BatchRow = queuedRow('GLOBEX');
    const rows = [acme, globex];
    expect(printer.linesFor(rows, 0)).toHaveLength(2); // both queued
    expect(printer.linesFor(rows, 0)).toEqual([]);
    Object.assign(acme, { status: 'in_progress', phase: 'Analyst Team', progress: 5, run_id: 'a' });
    expect(printer.linesFor(rows, 1_000)).toEqual(['[0:01]  ACME    in_progress  Analyst Team  5%']);
    acme.progress = 20;
    expect(printer.linesFor(rows, 2_000)).toEqual([]);
    acme.phase = 'Research Debate';
    expect(printer.linesFor(rows, 3_000)).toEqual(['[0:03]  ACME    in_progress  Research Debate  20%']);
  });
});

import Table from 'cli-table3';
import pc from 'picocolors';
import type { BatchRow, RowStatus } from './batch-row.js';

/** Width of the phase column, padding included; longer names are cut with an ellipsis. */
const PHASE_WIDTH = 24;
/** Cells of the progress bar. */
const BAR_WIDTH = 20;

/** `[████████░░░░░░░░░░░░]  40%`: the bar is drawn in whole cells, the percentage rounded. */
export function progressBar(progress: number, width = BAR_WIDTH): string {
  const p = Math.min(100, Math.max(0, Number.isFinite(progress) ? progress : 0));
  const filled = Math.round((p / 100) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(Math.round(p)).padStart(3)}%`;
}

/** Elapsed time as `m:ss`, or `h:mm:ss` from an hour on; negative spans (clock skew) read as 0. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** How long a row has been running at `now`, or `—` while queued. */
function rowElapsed(row: BatchRow, now: number): string {
  if (row.started_at === null) return '—';
  return formatElapsed((row.ended_at ?? now) - row.started_at);
}

/** The status word, with the decided action once completed: `completed · BUY`. */
export function statusText(row: BatchRow): string {
  return row.status === 'completed' && row.action ? `completed · ${row.action}` : row.status;
}

type Paint = (text: string) => string;

function statusPaint(status: RowStatus, colors: ReturnType<typeof pc.createColors>): Paint {
  switch (status) {
    case 'completed':
      return colors.green;
    case 'error':
      return colors.red;
    case 'canceled':
    case 'interrupted':
      return colors.yellow;
    case 'in_progress':
      return colors.cyan;
    default:
      return colors.dim;
  }
}

/** Counts rows by what they are doing, for the footer line. */
export function batchCounts(rows: readonly BatchRow[]): { running: number; queued: number; done: number } {
  let running = 0;
  let queued = 0;
  for (const r of rows) {
    if (r.status === 'queued') queued += 1;
    else if (r.status === 'pending' || r.status === 'in_progress') running += 1;
  }
  return { running, queued, done: rows.length - running - queued };
}

/**
 * Renders the live table of a batch (ticker, phase, progress bar, elapsed, status) and a footer line with
 * the counts. Pure: the same rows and `now` always give the same text. Colour only when asked for.
 */
export function renderTable(rows: readonly BatchRow[], now: number, options: { color?: boolean } = {}): string {
  const colors = pc.createColors(options.color ?? false);
  // cli-table3's own colouring is switched off (style: []) so the output depends only on `color`.
  const table = new Table({
    head: ['Ticker', 'Phase', 'Progress', 'Elapsed', 'Status'].map((h) => colors.bold(h)),
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'left', 'right', 'left'],
    // Fixed widths for the columns whose text changes, so the table does not jump between frames.
    colWidths: [null, PHASE_WIDTH, null, 9, 18],
    truncate: '…',
  });
  for (const row of rows) {
    const paint = statusPaint(row.status, colors);
    const phase = row.phase ?? (row.status === 'pending' ? 'starting' : '—');
    table.push([colors.bold(row.ticker), phase, paint(progressBar(row.progress)), rowElapsed(row, now), paint(statusText(row))]);
  }
  const { running, queued, done } = batchCounts(rows);
  const tickers = `${rows.length} ticker${rows.length === 1 ? '' : 's'}`;
  const footer = colors.dim(`${tickers} · ${running} running · ${queued} queued · ${done} finished`);
  return `${table.toString()}\n${footer}`;
}

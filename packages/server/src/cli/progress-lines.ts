import type { BatchRow } from './batch-row.js';
import { formatElapsed, statusText } from './live-table.js';

/** What makes a row's state worth a new line when stdout is not a terminal: its status and phase. */
function rowStateKey(row: BatchRow): string {
  return `${row.status}|${row.phase ?? ''}`;
}

/**
 * One plain line for a row's new state, for logs and pipes:
 * `[0:04] GLOBEX   in_progress  Research Debate  45%`. `sinceStart` is the time since the batch began.
 */
export function formatProgressLine(row: BatchRow, sinceStart: number, tickerWidth = 8): string {
  const parts = [`[${formatElapsed(sinceStart)}]`, row.ticker.padEnd(tickerWidth), statusText(row)];
  if (row.status === 'pending' && row.run_id) parts.push(row.run_id);
  if (row.status === 'in_progress') parts.push(row.phase ?? 'starting', `${Math.round(row.progress)}%`);
  if (row.error) parts.push(`— ${row.error}`);
  return parts.join('  ');
}

/**
 * Remembers the last state printed per ticker and answers the lines to print for the rows that changed,
 * so a run produces one line per status or phase change and none for progress ticks.
 */
export class ProgressLinePrinter {
  readonly #last = new Map<string, string>();
  readonly #tickerWidth: number;

  constructor(tickers: readonly string[]) {
    this.#tickerWidth = Math.max(6, ...tickers.map((t) => t.length));
  }

  /** Lines for the rows whose state changed since the last call (none for unchanged rows). */
  linesFor(rows: readonly BatchRow[], sinceStart: number): string[] {
    const lines: string[] = [];
    for (const row of rows) {
      const key = rowStateKey(row);
      if (this.#last.get(row.ticker) === key) continue;
      this.#last.set(row.ticker, key);
      lines.push(formatProgressLine(row, sinceStart, this.#tickerWidth));
    }
    return lines;
  }
}

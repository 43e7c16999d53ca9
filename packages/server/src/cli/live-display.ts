import { createLogUpdate } from 'log-update';
import type { BatchRow } from './batch-row.js';
import { writeLine, type CliOutput } from './cli-io.js';
import { renderTable } from './live-table.js';
import { ProgressLinePrinter } from './progress-lines.js';

/** How a batch shows progress: a table redrawn in place, one line per change, or nothing (`--json`). */
export type DisplayMode = 'table' | 'lines' | 'silent';

/** Receives "rows changed" notices while a batch runs; `stop()` leaves the last frame on screen. */
export interface BatchDisplay {
  changed(): void;
  /** A message for the user (e.g. "canceling…"), written so that it does not break the live table. */
  note(text: string): void;
  stop(): void;
}

/** Redraws at most this often on bursts of events, and at least this often for the elapsed column. */
const MIN_FRAME_MS = 100;
const TICK_MS = 1000;

/**
 * The mode for an output: nothing but JSON with `--json`; the live table only on a terminal that reports a
 * usable size (a pseudo-terminal of 0 rows, as some CI runners give, would show nothing at all).
 */
export function displayModeFor(out: CliOutput, json: boolean): DisplayMode {
  if (json) return 'silent';
  return out.isTTY && out.rows !== 0 && out.columns !== 0 ? 'table' : 'lines';
}

/** Shows a batch's rows on `out` in the given mode. */
export function createBatchDisplay(
  rows: readonly BatchRow[],
  out: CliOutput,
  mode: DisplayMode,
  clock: { now: () => number; startedAt: number; color: boolean; notes: CliOutput },
): BatchDisplay {
  if (mode === 'silent') return { changed() {}, note() {}, stop() {} };
  if (mode === 'lines') {
    const printer = new ProgressLinePrinter(rows.map((r) => r.ticker));
    const flush = () => {
      for (const line of printer.linesFor(rows, clock.now() - clock.startedAt)) writeLine(out, line);
    };
    flush();
    return { changed: flush, note: (text) => writeLine(clock.notes, text), stop: flush };
  }
  const log = createLogUpdate(out as NodeJS.WritableStream);
  let lastFrame = 0;
  let pending: NodeJS.Timeout | undefined;
  const draw = () => {
    pending = undefined;
    lastFrame = clock.now();
    log(renderTable(rows, lastFrame, { color: clock.color }));
  };
  const tick = setInterval(draw, TICK_MS);
  tick.unref();
  draw();
  return {
    changed() {
      if (pending) return;
      const wait = MIN_FRAME_MS - (clock.now() - lastFrame);
      if (wait <= 0) draw();
      else {
        pending = setTimeout(draw, wait);
        pending.unref();
      }
    },
    note(text) {
      // Printed above the table, which is then redrawn below it.
      log.persist(text);
    },
    stop() {
      clearInterval(tick);
      if (pending) clearTimeout(pending);
      draw();
      log.done();
    },
  };
}

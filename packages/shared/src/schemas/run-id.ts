import { z } from 'zod';
import { checkTicker } from './ticker.js';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})\.(\d{2})\.(\d{2})$/;

/** Formats a date as `YYYY-MM-DD_HH.MM.SS` in UTC: the results directory name and the middle of a run_id. */
export function formatRunTimestamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())}` +
    `_${p(date.getUTCHours())}.${p(date.getUTCMinutes())}.${p(date.getUTCSeconds())}`
  );
}

/** The parts of a run_id `<TICKER>--<YYYY-MM-DD_HH.MM.SS>--<6 hex>`. */
export interface RunIdParts {
  ticker: string;
  timestamp: string;
  short: string;
  /** The timestamp as a UTC date. */
  started: Date;
}

/** Builds a run_id from its parts; `short` must be six lower-case hex digits. */
export function formatRunId(ticker: string, started: Date, short: string): string {
  if (!/^[0-9a-f]{6}$/.test(short)) throw new Error(`run_id short part must be 6 hex digits, got "${short}"`);
  return `${ticker}--${formatRunTimestamp(started)}--${short}`;
}

/** Parses a run_id, or returns the reason it is not one. Never touches the file system. */
export function parseRunId(id: string): { ok: true; value: RunIdParts } | { ok: false; reason: string } {
  const parts = id.split('--');
  if (parts.length !== 3) return { ok: false, reason: 'a run_id has three parts joined by "--"' };
  const [ticker = '', timestamp = '', short = ''] = parts;
  const t = checkTicker(ticker);
  if (!t.ok || t.ticker !== ticker) return { ok: false, reason: `bad ticker part: ${t.ok ? 'must be upper-case' : t.reason}` };
  const m = TIMESTAMP.exec(timestamp);
  if (!m) return { ok: false, reason: 'the timestamp part must be YYYY-MM-DD_HH.MM.SS' };
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const started = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (formatRunTimestamp(started) !== timestamp) return { ok: false, reason: 'the timestamp part is not a real date and time' };
  if (!/^[0-9a-f]{6}$/.test(short)) return { ok: false, reason: 'the last part must be 6 lower-case hex digits' };
  return { ok: true, value: { ticker, timestamp, short, started } };
}

/** A syntactically valid run_id; safe to use in a results path. */
export const RunIdSchema = z.string().superRefine((id, ctx) => {
  const parsed = parseRunId(id);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `invalid run_id: ${parsed.reason}` });
});
export type RunId = z.infer<typeof RunIdSchema>;

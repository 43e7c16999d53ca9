/** `1.2 s`, `42 s`, `3 m 05 s`, `1 h 02 m`: short enough for a badge. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

/** Elapsed time of a node: its recorded duration, or the time since it started while it runs. */
export function nodeElapsed(
  node: { started_at: number | null; ended_at: number | null; duration_ms: number | null },
  now: number,
): number | null {
  if (node.duration_ms !== null) return node.duration_ms;
  if (node.started_at === null) return null;
  return Math.max(0, (node.ended_at ?? now) - node.started_at);
}

/** Local date and time of an epoch-ms timestamp, e.g. `2025-01-31 14:05:09`. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `12.34`, or `–` for a missing figure. */
export function formatPrice(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** 0..1 as a whole percentage. */
export function formatPercent(v: number): string {
  return `${Math.round(v * 100)}%`;
}

import { compareEntries, sortValue, type Action, type RunSortKey, type RunStatus, type RunSummary } from '@tradingfloor/shared';

/** What the board filters by; empty lists and strings mean "any". */
export interface BoardFilter {
  status: RunStatus[];
  action: Action[];
  /** Case-insensitive ticker search. */
  q: string;
  /** Trade date range, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
  batch: string;
}

export const EMPTY_FILTER: BoardFilter = { status: [], action: [], q: '', from: '', to: '', batch: '' };

export interface BoardSort {
  key: RunSortKey;
  desc: boolean;
}

/** One line of the board: a run, or the header of a batch when grouping. */
export type BoardLine = { kind: 'run'; run: RunSummary } | { kind: 'batch'; batch: string; count: number; active: number };

/** Runs matching a filter, the way `GET /runs` filters them. */
export function filterRuns(runs: Iterable<RunSummary>, f: BoardFilter): RunSummary[] {
  const q = f.q.trim().toUpperCase();
  const out: RunSummary[] = [];
  for (const r of runs) {
    if (f.status.length > 0 && !f.status.includes(r.status)) continue;
    if (f.action.length > 0 && (r.action === null || !f.action.includes(r.action))) continue;
    if (q !== '' && !r.ticker.includes(q)) continue;
    if (f.from !== '' && r.trade_date < f.from) continue;
    if (f.to !== '' && r.trade_date > f.to) continue;
    if (f.batch !== '' && (r.batch_id ?? '') !== f.batch) continue;
    out.push(r);
  }
  return out;
}

/** Sorts runs in place the way `GET /runs?sort=` does (shared comparator: nulls last, run id breaks ties). */
export function sortRuns(runs: RunSummary[], sort: BoardSort): RunSummary[] {
  // Values are worked out once per run, not once per comparison.
  const keyed = runs.map((run) => ({ v: sortValue(run, sort.key), id: run.run_id, run }));
  keyed.sort((a, b) => compareEntries(a, b, sort.desc));
  return keyed.map((k) => k.run);
}

/** The lines of the board: the sorted runs, or with `group` one header per batch (newest batch first). */
export function boardLines(runs: RunSummary[], group: boolean): BoardLine[] {
  if (!group) return runs.map((run) => ({ kind: 'run', run }));
  const batches = new Map<string, RunSummary[]>();
  for (const run of runs) {
    const key = run.batch_id ?? '';
    let list = batches.get(key);
    if (!list) batches.set(key, (list = []));
    list.push(run);
  }
  const firstCreated = (list: RunSummary[]) => Math.min(...list.map((r) => r.created_at));
  const ordered = [...batches.entries()].sort((a, b) => firstCreated(b[1]) - firstCreated(a[1]));
  const lines: BoardLine[] = [];
  for (const [batch, list] of ordered) {
    const active = list.filter((r) => r.status === 'pending' || r.status === 'in_progress').length;
    lines.push({ kind: 'batch', batch, count: list.length, active });
    for (const run of list) lines.push({ kind: 'run', run });
  }
  return lines;
}

/** A run's duration so far: until its last update (a finished run's end). */
export const runDuration = (r: RunSummary): number => Math.max(0, r.updated_at - r.created_at);

const CSV_COLUMNS: Array<[string, (r: RunSummary) => string | number | null | undefined]> = [
  ['run_id', (r) => r.run_id],
  ['ticker', (r) => r.ticker],
  ['trade_date', (r) => r.trade_date],
  ['status', (r) => r.status],
  ['progress', (r) => Math.round(r.overall_progress)],
  ['phase', (r) => r.current_phase],
  ['action', (r) => r.action],
  ['rating', (r) => r.rating],
  ['confidence', (r) => r.confidence],
  ['entry_price', (r) => r.entry_price],
  ['stop_loss', (r) => r.stop_loss],
  ['take_profit', (r) => r.take_profit],
  ['reward_risk', (r) => r.reward_risk],
  ['position_action', (r) => r.position_action],
  ['tokens', (r) => r.tokens],
  ['cost_usd', (r) => r.cost_usd],
  ['duration_ms', (r) => runDuration(r)],
  ['provider', (r) => r.provider],
  ['quick_model', (r) => r.quick_model],
  ['deep_model', (r) => r.deep_model],
  ['data_source', (r) => r.data_source],
  ['batch_id', (r) => r.batch_id],
  ['backtest_id', (r) => r.backtest_id],
  ['error', (r) => r.error],
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The runs as CSV (header line first, CRLF line ends), in the order given. */
export function runsToCsv(runs: readonly RunSummary[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const r of runs) lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

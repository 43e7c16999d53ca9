import { RATINGS } from '../schemas/decision.js';
import type { RunStatus } from '../schemas/run-status.js';
import type { RunSummary } from '../schemas/run-summary.js';
import type { RunSortKey } from './run-query.js';

/** A sortable value of a run; null sorts last in both directions. */
export type SortValue = number | string | null;

// Pipeline order: what needs attention first when sorting ascending.
const STATUS_RANK: Record<RunStatus, number> = { in_progress: 0, pending: 1, interrupted: 2, error: 3, canceled: 4, completed: 5 };
const ACTION_RANK = { BUY: 0, HOLD: 1, SELL: 2 } as const;
const RATING_RANK = Object.fromEntries(RATINGS.map((r, i) => [r, i])) as Record<(typeof RATINGS)[number], number>;

/** The value `GET /runs?sort=<key>` orders a run by. */
export function sortValue(run: RunSummary, key: RunSortKey): SortValue {
  switch (key) {
    case 'created_at':
      return run.created_at;
    case 'updated_at':
      return run.updated_at;
    case 'ticker':
      return run.ticker;
    case 'trade_date':
      return run.trade_date;
    case 'status':
      return STATUS_RANK[run.status];
    case 'progress':
      return run.overall_progress;
    case 'action':
      return run.action === null ? null : ACTION_RANK[run.action];
    case 'rating':
      return run.rating ? RATING_RANK[run.rating] : null;
    case 'confidence':
      return run.confidence ?? null;
    case 'reward_risk':
      return run.reward_risk ?? null;
    case 'cost':
      return run.cost_usd ?? null;
    case 'tokens':
      return run.tokens ?? null;
    case 'duration':
      return run.updated_at - run.created_at;
  }
}

/** One run's place in a sorted list: its value and id (the tie-breaker, so the order is total). */
export interface SortEntry {
  v: SortValue;
  id: string;
}

/** Orders entries by value (nulls last either way, `desc` reverses only the values), then by run id. */
export function compareEntries(a: SortEntry, b: SortEntry, desc: boolean): number {
  if (a.v !== b.v) {
    if (a.v === null) return 1;
    if (b.v === null) return -1;
    const c = a.v < b.v ? -1 : 1;
    return desc ? -c : c;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

import { isActiveStatus, type RunStatus } from '../schemas/run-status.js';
import { parseRunId } from '../schemas/run-id.js';
import type { RunSummary } from '../schemas/run-summary.js';
import type { ServerMessage } from './ws.js';

/** Run summaries by run id, as an aggregate client (`/ws`) knows them. */
export type AggregateState = Readonly<Record<string, RunSummary>>;

/** The outcome of one aggregate message. */
export interface AggregateStep {
  runs: AggregateState;
  /** True for `init_all` and `status_update_aggregate`; other messages change nothing. */
  applied: boolean;
  /**
   * A run appeared that the client knows only by id, or a run just finished (its action or error are only in
   * `GET /runs`): the client should reload the list.
   */
  needsRefresh: boolean;
  /** Ids of the runs this message named, in message order. */
  touched: string[];
}

/** A placeholder summary for a run known only by id (from an aggregate update), until `GET /runs` fills it in. */
export function placeholderSummary(runId: string, fields: { ticker: string; status: RunStatus; overall_progress: number }, now: number): RunSummary {
  const parsed = parseRunId(runId);
  return {
    run_id: runId,
    trade_date: '',
    created_at: parsed.ok ? parsed.value.started.getTime() : now,
    updated_at: now,
    current_phase: null,
    provider: '',
    error: null,
    action: null,
    results_path: '',
    ...fields,
  };
}

/**
 * Moves an aggregate client on by one message: `init_all` replaces the list, `status_update_aggregate`
 * merges the runs that changed (unknown ones as placeholders). `now` stamps `updated_at` of merged runs.
 */
export function reduceAggregate(runs: AggregateState, msg: ServerMessage, now: number): AggregateStep {
  if (msg.type === 'init_all') {
    const next: Record<string, RunSummary> = {};
    for (const r of msg.runs) next[r.run_id] = r;
    return { runs: next, applied: true, needsRefresh: false, touched: msg.runs.map((r) => r.run_id) };
  }
  if (msg.type !== 'status_update_aggregate') return { runs, applied: false, needsRefresh: false, touched: [] };
  const next: Record<string, RunSummary> = { ...runs };
  let needsRefresh = false;
  for (const [runId, fields] of Object.entries(msg.runs)) {
    const known = runs[runId];
    if (!known) needsRefresh = true;
    else if (known.status !== fields.status && !isActiveStatus(fields.status)) needsRefresh = true;
    // Each entry carries the run's whole aggregate fields: a queue position it no longer has is absent.
    next[runId] = known ? { ...withoutQueuePosition(known), ...fields, updated_at: now } : placeholderSummary(runId, fields, now);
  }
  return { runs: next, applied: true, needsRefresh, touched: Object.keys(msg.runs) };
}

function withoutQueuePosition(summary: RunSummary): RunSummary {
  if (summary.queue_position === undefined) return summary;
  const { queue_position: _, ...rest } = summary;
  return rest;
}

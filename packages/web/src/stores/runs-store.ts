import { errorMessage, isActiveStatus, placeholderSummary, reduceAggregate, type RunSummary, type ServerMessage } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import { ApiError } from '../api/api-error.js';
import type { StartRunsRequest } from '../api/http-client.js';
import { AggregateBatch, type AggregateMessage } from '../lib/aggregate-batch.js';
import { createThrottledRefresh } from '../lib/throttled-refresh.js';
import { useTransport } from './transport-context.js';
import { useUiPrefsStore } from './ui-prefs-store.js';

/** A started batch of at most this many runs opens a tab per run; a bigger one goes to the board. */
const AUTO_TAB_MAX = 3;

/** The id of the tab that lists finished runs from history, kept in `activeRunId` like a run id. */
export const HISTORY_TAB = '#history';

/**
 * Reloads of `GET /runs` asked for by the aggregate stream (a run appeared or finished) start at most this
 * often; every run's tokens and cost are refreshed by each reload.
 */
const STREAM_REFRESH_MIN_MS = 1_000;

/** True when two summaries hold the same values (their fields are all primitives). */
function sameFields(a: RunSummary, b: RunSummary): boolean {
  const keys = Object.keys(a) as Array<keyof RunSummary>;
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Every run the server knows (live from the aggregate stream, filled in from `GET /runs`), and the REST actions
 * on them: start a batch, cancel one. Also decides which runs get a tab.
 */
export const useRunsStore = defineStore('runs', () => {
  const prefs = useUiPrefsStore();
  /**
   * Shallow on purpose (issue 17): with hundreds of live runs, deep proxies made every sort, filter and merge
   * read each field through a proxy and track it. Every write replaces the map (and a changed run's object),
   * which is all the board, tabs and history react to.
   */
  const runs = shallowRef<Readonly<Record<string, RunSummary>>>({});
  const loaded = ref(false);
  const loadError = ref<string | null>(null);
  const starting = ref(false);
  const startError = ref<string | null>(null);
  const canceling = ref<Record<string, boolean>>({});
  const cancelErrors = ref<Record<string, string>>({});
  const resuming = ref<Record<string, boolean>>({});
  const resumeErrors = ref<Record<string, string>>({});
  /** The `GET /runs` in flight, and the one queued to follow it (see `refresh`). */
  let refreshing: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  /** The stream's asks for a reload: with hundreds of runs finishing, one reload per second, not one per run. */
  const streamRefresh = createThrottledRefresh(() => void refresh(), { minIntervalMs: STREAM_REFRESH_MIN_MS });
  onScopeDispose(streamRefresh.dispose);
  /** Aggregate messages wait for the next frame and are applied merged, once per frame. */
  const aggregate = new AggregateBatch(applyNow);
  onScopeDispose(() => aggregate.dispose());

  /** Runs with a tab: only those a user opened (or started a few of), oldest first; the board shows the rest. */
  const tabRuns = computed(() =>
    Object.values(runs.value)
      .filter((r) => prefs.openRunIds.includes(r.run_id))
      .sort((a, b) => a.created_at - b.created_at || a.run_id.localeCompare(b.run_id)),
  );
  /** Every run, newest first, for the history tab. */
  const historyRuns = computed(() => Object.values(runs.value).sort((a, b) => b.created_at - a.created_at));

  function upsert(summary: RunSummary): void {
    aggregate.flush();
    runs.value = { ...runs.value, [summary.run_id]: summary };
  }

  /**
   * A list entry as it should be kept: one that would move a run known to be finished back to an active status
   * is stale (requested before the run finished) unless it is newer than what we know.
   */
  function fromList(r: RunSummary): RunSummary {
    const known = runs.value[r.run_id];
    if (known && !isActiveStatus(known.status) && isActiveStatus(r.status) && r.updated_at <= known.updated_at) return known;
    // An unchanged run keeps its object, so its board row and tab do not re-render on every reload.
    return known && sameFields(known, r) ? known : r;
  }

  async function load(): Promise<void> {
    // This request will see whatever the stream asked to refresh for so far.
    streamRefresh.started();
    try {
      const listed = await useTransport().http.listRuns();
      // Stream messages that came before the answer go first, as they would have without batching.
      aggregate.flush();
      const list = listed.map(fromList);
      const next: Record<string, RunSummary> = {};
      // A run just started here may be missing from a list requested a moment before it existed; the server
      // never prunes an active run, so keeping active ones it did not list is safe.
      for (const r of Object.values(runs.value)) if (isActiveStatus(r.status)) next[r.run_id] = r;
      for (const r of list) next[r.run_id] = r;
      runs.value = next;
      // Tabs of runs the server no longer has (pruned) are forgotten, so the stored list stays small.
      prefs.openRunIds = prefs.openRunIds.filter((id) => id in next);
      loadError.value = null;
    } catch (err) {
      loadError.value = errorMessage(err);
    } finally {
      loaded.value = true;
    }
  }

  /**
   * Reloads `GET /runs`. A call while a request is in flight cannot use that one (its answer may predate what
   * made the caller ask), so exactly one more request follows it, shared by every call made meanwhile.
   */
  function refresh(): Promise<void> {
    if (!refreshing) {
      refreshing = load().finally(() => {
        refreshing = null;
      });
      return refreshing;
    }
    queued ??= refreshing.then(() => {
      queued = null;
      return refresh();
    });
    return queued;
  }

  /**
   * Takes an aggregate-stream message (`init_all`, `status_update_aggregate`, see the shared `reduceAggregate`);
   * other types are ignored. It is applied at the next frame, merged with whatever else came meanwhile.
   */
  function applyAggregate(msg: ServerMessage): void {
    if (msg.type === 'init_all' || msg.type === 'status_update_aggregate') aggregate.push(msg);
  }

  function applyNow(msg: AggregateMessage): void {
    const step = reduceAggregate(runs.value, msg, Date.now());
    if (!step.applied) return;
    runs.value = step.runs;
    if (msg.type === 'init_all') loaded.value = true;
    if (step.needsRefresh) streamRefresh.request();
  }

  /** Updates a run from its focused stream, which may be ahead of the aggregate one. */
  function patchRun(runId: string, fields: Partial<Pick<RunSummary, 'status' | 'overall_progress' | 'error' | 'action'>>): void {
    aggregate.flush();
    const known = runs.value[runId];
    if (known) upsert({ ...known, ...fields });
  }

  /** Starts a batch; on success the new runs get tabs, the first becomes active and the form folds away. */
  async function start(request: StartRunsRequest): Promise<boolean> {
    starting.value = true;
    startError.value = null;
    try {
      const res = await useTransport().http.startRuns(request);
      // A few runs get tabs at once; a bigger batch is watched on the board, where a user opens what matters.
      const openTabs = res.runs.length <= AUTO_TAB_MAX;
      for (const { run_id, ticker } of res.runs) {
        if (!runs.value[run_id]) upsert(placeholderSummary(run_id, { ticker, status: 'pending', overall_progress: 0 }, Date.now()));
        if (openTabs) prefs.openRun(run_id);
      }
      const first = res.runs[0];
      if (first && openTabs) prefs.activeRunId = first.run_id;
      if (!openTabs) prefs.view = 'board';
      prefs.formCollapsed = true;
      void refresh();
      return true;
    } catch (err) {
      startError.value = err instanceof ApiError && err.status === 429 ? `Too many runs at once: ${err.message}` : errorMessage(err);
      return false;
    } finally {
      starting.value = false;
    }
  }

  async function cancel(runId: string): Promise<void> {
    canceling.value = { ...canceling.value, [runId]: true };
    const { [runId]: _old, ...rest } = cancelErrors.value;
    cancelErrors.value = rest;
    try {
      await useTransport().http.cancelRun(runId);
    } catch (err) {
      const message = err instanceof ApiError && err.status === 409 ? 'The run had already finished.' : errorMessage(err);
      cancelErrors.value = { ...cancelErrors.value, [runId]: message };
    } finally {
      canceling.value = { ...canceling.value, [runId]: false };
    }
  }

  /**
   * `POST /runs/:id/resume` for an interrupted run: on success it continues under the same id (the focused
   * stream follows it) and gets the active tab; a refusal is kept in `resumeErrors` in plain words.
   */
  async function resume(runId: string): Promise<boolean> {
    resuming.value = { ...resuming.value, [runId]: true };
    const { [runId]: _old, ...rest } = resumeErrors.value;
    resumeErrors.value = rest;
    try {
      const res = await useTransport().http.resumeRun(runId);
      patchRun(runId, { status: res.status, error: null });
      prefs.openRun(runId);
      prefs.activeRunId = runId;
      void refresh();
      return true;
    } catch (err) {
      const message =
        err instanceof ApiError && err.status === 429
          ? `No free run slot: ${err.message}`
          : err instanceof ApiError && err.status === 409
            ? `Cannot resume: ${err.message}`
            : errorMessage(err);
      resumeErrors.value = { ...resumeErrors.value, [runId]: message };
      return false;
    } finally {
      resuming.value = { ...resuming.value, [runId]: false };
    }
  }

  return {
    runs,
    loaded,
    loadError,
    starting,
    startError,
    canceling,
    cancelErrors,
    resuming,
    resumeErrors,
    tabRuns,
    historyRuns,
    refresh,
    applyAggregate,
    patchRun,
    start,
    cancel,
    resume,
  };
});

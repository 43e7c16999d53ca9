import { isActiveStatus, parseRunId, errorMessage, type RunStatus, type RunSummary, type ServerMessage } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError } from '../api/api-error.js';
import type { StartRunsRequest } from '../api/http-client.js';
import { useTransport } from './transport-context.js';
import { useUiPrefsStore } from './ui-prefs-store.js';

/** The id of the tab that lists finished runs from history, kept in `activeRunId` like a run id. */
export const HISTORY_TAB = '#history';

/** A placeholder summary for a run known only by id (from an aggregate update), until `/runs` fills it in. */
function placeholderSummary(runId: string, fields: { ticker: string; status: RunStatus; overall_progress: number }): RunSummary {
  const parsed = parseRunId(runId);
  const created = parsed.ok ? parsed.value.started.getTime() : Date.now();
  return {
    run_id: runId,
    trade_date: '',
    created_at: created,
    updated_at: Date.now(),
    current_phase: null,
    provider: '',
    error: null,
    action: null,
    results_path: '',
    ...fields,
  };
}

/**
 * Every run the server knows (live from the aggregate stream, filled in from `GET /runs`), and the REST actions
 * on them: start a batch, cancel one. Also decides which runs get a tab.
 */
export const useRunsStore = defineStore('runs', () => {
  const prefs = useUiPrefsStore();
  const runs = ref<Record<string, RunSummary>>({});
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

  /** Runs with a tab: those opened here, seen running, or interrupted (waiting for a resume), oldest first. */
  const tabRuns = computed(() =>
    Object.values(runs.value)
      .filter((r) => prefs.openRunIds.includes(r.run_id) || isActiveStatus(r.status) || r.status === 'interrupted')
      .sort((a, b) => a.created_at - b.created_at || a.run_id.localeCompare(b.run_id)),
  );
  /** Every run, newest first, for the history tab. */
  const historyRuns = computed(() => Object.values(runs.value).sort((a, b) => b.created_at - a.created_at));

  function upsert(summary: RunSummary): void {
    runs.value = { ...runs.value, [summary.run_id]: summary };
    // A run seen running keeps its tab after it finishes.
    if (isActiveStatus(summary.status)) prefs.openRun(summary.run_id);
  }

  /**
   * A list entry as it should be kept: one that would move a run known to be finished back to an active status
   * is stale (requested before the run finished) unless it is newer than what we know.
   */
  function fromList(r: RunSummary): RunSummary {
    const known = runs.value[r.run_id];
    if (known && !isActiveStatus(known.status) && isActiveStatus(r.status) && r.updated_at <= known.updated_at) return known;
    return r;
  }

  async function load(): Promise<void> {
    try {
      const list = (await useTransport().http.listRuns()).map(fromList);
      const next: Record<string, RunSummary> = {};
      // A run just started here may be missing from a list requested a moment before it existed; the server
      // never prunes an active run, so keeping active ones it did not list is safe.
      for (const r of Object.values(runs.value)) if (isActiveStatus(r.status)) next[r.run_id] = r;
      for (const r of list) next[r.run_id] = r;
      runs.value = next;
      for (const r of list) if (isActiveStatus(r.status)) prefs.openRun(r.run_id);
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

  /** Applies an aggregate-stream message (`init_all`, `status_update_aggregate`); other types are ignored. */
  function applyAggregate(msg: ServerMessage): void {
    if (msg.type === 'init_all') {
      const next: Record<string, RunSummary> = {};
      for (const r of msg.runs) next[r.run_id] = r;
      runs.value = next;
      for (const r of msg.runs) if (isActiveStatus(r.status)) prefs.openRun(r.run_id);
      loaded.value = true;
      return;
    }
    if (msg.type !== 'status_update_aggregate') return;
    let needsRefresh = false;
    for (const [runId, fields] of Object.entries(msg.runs)) {
      const known = runs.value[runId];
      if (!known) needsRefresh = true;
      // A run that just finished gains an action or an error message only `/runs` has.
      else if (known.status !== fields.status && !isActiveStatus(fields.status)) needsRefresh = true;
      upsert(known ? { ...known, ...fields, updated_at: Date.now() } : placeholderSummary(runId, fields));
    }
    if (needsRefresh) void refresh();
  }

  /** Updates a run from its focused stream, which may be ahead of the aggregate one. */
  function patchRun(runId: string, fields: Partial<Pick<RunSummary, 'status' | 'overall_progress' | 'error' | 'action'>>): void {
    const known = runs.value[runId];
    if (known) upsert({ ...known, ...fields });
  }

  /** Starts a batch; on success the new runs get tabs, the first becomes active and the form folds away. */
  async function start(request: StartRunsRequest): Promise<boolean> {
    starting.value = true;
    startError.value = null;
    try {
      const res = await useTransport().http.startRuns(request);
      for (const { run_id, ticker } of res.runs) {
        if (!runs.value[run_id]) upsert(placeholderSummary(run_id, { ticker, status: 'pending', overall_progress: 0 }));
        prefs.openRun(run_id);
      }
      const first = res.runs[0];
      if (first) prefs.activeRunId = first.run_id;
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

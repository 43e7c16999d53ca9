import {
  ACTIONS,
  isActiveStatus,
  RUN_SORT_KEYS,
  RUN_STATUSES,
  type Decision,
  type RunSortKey,
  type RunSummary,
} from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { boardLines, EMPTY_FILTER, filterRuns, runsToCsv, sortRuns, type BoardFilter, type BoardSort } from '../lib/board-rows.js';
import { useRunsStore } from './runs-store.js';
import { useTransport } from './transport-context.js';
import { useUiPrefsStore } from './ui-prefs-store.js';

/** localStorage key of the board's sort, filters and grouping. */
export const BOARD_PREFS_KEY = 'tradingfloor.board.v1';
/** With more runs than this the board is the default view. */
export const BOARD_DEFAULT_ABOVE = 3;

interface StoredBoard {
  sort: BoardSort;
  filter: BoardFilter;
  group: boolean;
}

const DEFAULT_SORT: BoardSort = { key: 'created_at', desc: true };

function loadStored(): StoredBoard {
  let raw: Partial<StoredBoard> | null;
  try {
    raw = JSON.parse(localStorage.getItem(BOARD_PREFS_KEY) ?? 'null') as Partial<StoredBoard> | null;
  } catch {
    raw = null; // corrupt or no storage: defaults
  }
  const sort =
    raw?.sort && (RUN_SORT_KEYS as readonly string[]).includes(raw.sort.key)
      ? { key: raw.sort.key, desc: raw.sort.desc === true }
      : DEFAULT_SORT;
  const f: Partial<BoardFilter> = raw?.filter ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    sort,
    filter: {
      status: Array.isArray(f.status) ? f.status.filter((s) => (RUN_STATUSES as readonly string[]).includes(s)) : [],
      action: Array.isArray(f.action) ? f.action.filter((a) => (ACTIONS as readonly string[]).includes(a)) : [],
      q: str(f.q),
      from: str(f.from),
      to: str(f.to),
      batch: str(f.batch),
    },
    group: raw?.group === true,
  };
}

/**
 * The board (issue 17): every run the runs store knows, filtered, sorted and optionally grouped by batch, the
 * selection and what can be done with it (open in tabs, compare, cancel, resume, export), and the decisions
 * the compare view and the "since the previous run" note read.
 */
export const useBoardStore = defineStore('board', () => {
  const runs = useRunsStore();
  const prefs = useUiPrefsStore();
  const stored = loadStored();
  const sort = ref<BoardSort>(stored.sort);
  const filter = ref<BoardFilter>(stored.filter);
  const group = ref(stored.group);
  const selected = ref<Set<string>>(new Set());
  const comparing = ref<string[]>([]);
  const decisions = shallowRef<Record<string, Decision | null>>({});
  const actionError = ref<string | null>(null);

  watch(
    [sort, filter, group],
    () => {
      try {
        localStorage.setItem(BOARD_PREFS_KEY, JSON.stringify({ sort: sort.value, filter: filter.value, group: group.value }));
      } catch {
        /* storage full or disabled: the board still works, it forgets on reload */
      }
    },
    { deep: true, flush: 'sync' },
  );

  /** The visible runs in board order. */
  const rows = computed<RunSummary[]>(() => sortRuns(filterRuns(Object.values(runs.runs), filter.value), sort.value));
  const lines = computed(() => boardLines(rows.value, group.value));
  const total = computed(() => Object.keys(runs.runs).length);
  const batches = computed(() => {
    const seen = new Map<string, number>();
    for (const r of Object.values(runs.runs))
      if (r.batch_id) seen.set(r.batch_id, Math.min(seen.get(r.batch_id) ?? Infinity, r.created_at));
    return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  });
  const selectedRuns = computed(() => [...selected.value].map((id) => runs.runs[id]).filter((r): r is RunSummary => r !== undefined));
  const filtered = computed(() => JSON.stringify(filter.value) !== JSON.stringify(EMPTY_FILTER));

  /** Clicking a column: sort by it, or flip the direction when it is already the sort. Numbers start descending. */
  function sortBy(key: RunSortKey): void {
    if (sort.value.key === key) sort.value = { key, desc: !sort.value.desc };
    else sort.value = { key, desc: !['ticker', 'trade_date', 'status', 'action', 'rating'].includes(key) };
  }

  function setFilter(patch: Partial<BoardFilter>): void {
    filter.value = { ...filter.value, ...patch };
  }

  function clearFilter(): void {
    filter.value = { ...EMPTY_FILTER };
  }

  function toggleInList<T>(list: readonly T[], value: T): T[] {
    return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  }

  function toggleStatus(status: BoardFilter['status'][number]): void {
    setFilter({ status: toggleInList(filter.value.status, status) });
  }

  function toggleAction(action: BoardFilter['action'][number]): void {
    setFilter({ action: toggleInList(filter.value.action, action) });
  }

  function toggleSelected(runId: string): void {
    const next = new Set(selected.value);
    if (!next.delete(runId)) next.add(runId);
    selected.value = next;
  }

  /** Selects every visible run, or clears the selection when all of them are selected already. */
  function toggleAllVisible(): void {
    const all = rows.value.every((r) => selected.value.has(r.run_id)) && rows.value.length > 0;
    selected.value = all ? new Set() : new Set(rows.value.map((r) => r.run_id));
  }

  function clearSelection(): void {
    selected.value = new Set();
  }

  /** Opens runs in tabs (the first becomes active) and shows them. */
  function openInTabs(ids: readonly string[]): void {
    for (const id of ids) prefs.openRun(id);
    if (ids[0]) prefs.activeRunId = ids[0];
    prefs.view = 'runs';
  }

  async function cancelSelected(): Promise<void> {
    const targets = selectedRuns.value.filter((r) => isActiveStatus(r.status));
    await Promise.all(targets.map((r) => runs.cancel(r.run_id)));
    const failed = targets.map((r) => runs.cancelErrors[r.run_id]).filter((e): e is string => e !== undefined);
    actionError.value = failed.length ? `Cancel failed for ${failed.length} run(s): ${failed[0]}` : null;
  }

  async function resumeSelected(): Promise<void> {
    const targets = selectedRuns.value.filter((r) => r.status === 'interrupted');
    const results = await Promise.all(targets.map((r) => runs.resume(r.run_id)));
    const failed = targets.filter((_, i) => !results[i]).map((r) => runs.resumeErrors[r.run_id]);
    actionError.value = failed.length ? `Resume failed for ${failed.length} run(s): ${failed[0] ?? ''}` : null;
    // Resuming opens tabs; the board stays where the user is.
    prefs.view = 'board';
  }

  /** The visible rows as CSV, in board order. */
  function csv(): string {
    return runsToCsv(rows.value);
  }

  /** Loads (once) the decision of each run, for the compare view. */
  async function loadDecisions(ids: readonly string[]): Promise<void> {
    const missing = ids.filter((id) => !(id in decisions.value));
    if (missing.length === 0) return;
    const loaded = await Promise.all(
      missing.map((id) =>
        useTransport()
          .board.decision(id)
          .catch(() => null),
      ),
    );
    const next = { ...decisions.value };
    missing.forEach((id, i) => (next[id] = loaded[i] ?? null));
    decisions.value = next;
  }

  function compare(ids: readonly string[]): void {
    comparing.value = [...ids];
    void loadDecisions(ids);
  }

  /** The latest completed run of the same ticker created before this one, or null. */
  function previousRunOf(run: RunSummary): RunSummary | null {
    let best: RunSummary | null = null;
    for (const r of Object.values(runs.runs)) {
      if (r.ticker !== run.ticker || r.run_id === run.run_id || r.status !== 'completed' || r.created_at >= run.created_at) continue;
      if (!best || r.created_at > best.created_at) best = r;
    }
    return best;
  }

  return {
    sort,
    filter,
    group,
    selected,
    comparing,
    decisions,
    actionError,
    rows,
    lines,
    total,
    batches,
    selectedRuns,
    filtered,
    sortBy,
    setFilter,
    clearFilter,
    toggleStatus,
    toggleAction,
    toggleSelected,
    toggleAllVisible,
    clearSelection,
    openInTabs,
    cancelSelected,
    resumeSelected,
    csv,
    loadDecisions,
    compare,
    previousRunOf,
  };
});

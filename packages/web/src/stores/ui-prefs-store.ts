import { ANALYST_KINDS, SEVERITIES, type AnalystKind, type Severity } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { DEFAULT_LOG_FILTER, type LogFilter } from '../lib/log-filter.js';
import { DEFAULT_RUN_FORM, type RunFormDraft } from '../lib/run-form.js';

/** localStorage key; bump the version when the stored shape changes incompatibly. */
export const UI_PREFS_KEY = 'tradingfloor.ui.v1';
/** Tree expansion is remembered for this many runs, newest first, so storage stays small. */
const MAX_REMEMBERED_RUNS = 40;
/** Tabs open at once; opening one more closes the oldest tab that is neither pinned nor active. */
export const MAX_OPEN_TABS = 12;
/** Tabs that can be pinned (kept open whatever else is opened). */
const MAX_PINNED_TABS = 5;

export type MainView = 'runs' | 'board' | 'metrics' | 'backtests';

interface StoredPrefs {
  formCollapsed: boolean;
  formDraft: RunFormDraft;
  activeRunId: string | null;
  openRunIds: string[];
  pinnedRunIds: string[];
  expanded: Record<string, Record<string, boolean>>;
  selectedNode: Record<string, string>;
  logFilter: LogFilter;
  view: MainView;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Reads what was stored, keeping each field that is well-formed and defaulting the rest. */
function load(storage: Storage | undefined): StoredPrefs {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(UI_PREFS_KEY) ?? 'null');
  } catch {
    raw = null; // corrupt storage must not break the page
  }
  const r = isRecord(raw) ? raw : {};
  const draft = isRecord(r.formDraft) ? r.formDraft : {};
  const filter = isRecord(r.logFilter) ? r.logFilter : {};
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
  const analysts = strings(draft.analysts).filter((a): a is AnalystKind => (ANALYST_KINDS as readonly string[]).includes(a));
  const expanded: Record<string, Record<string, boolean>> = {};
  if (isRecord(r.expanded)) {
    for (const [runId, nodes] of Object.entries(r.expanded)) {
      if (!isRecord(nodes)) continue;
      expanded[runId] = Object.fromEntries(Object.entries(nodes).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'));
    }
  }
  const selectedNode = isRecord(r.selectedNode)
    ? Object.fromEntries(Object.entries(r.selectedNode).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
  return {
    formCollapsed: r.formCollapsed === true,
    formDraft: {
      tickers: str(draft.tickers, DEFAULT_RUN_FORM.tickers),
      trade_date: str(draft.trade_date, DEFAULT_RUN_FORM.trade_date),
      analysts: Array.isArray(draft.analysts) ? analysts : [...DEFAULT_RUN_FORM.analysts],
      max_debate_rounds: num(draft.max_debate_rounds, DEFAULT_RUN_FORM.max_debate_rounds),
      max_risk_discuss_rounds: num(draft.max_risk_discuss_rounds, DEFAULT_RUN_FORM.max_risk_discuss_rounds),
      llm_provider: str(draft.llm_provider, DEFAULT_RUN_FORM.llm_provider),
      quick_think_llm: str(draft.quick_think_llm, ''),
      deep_think_llm: str(draft.deep_think_llm, ''),
      offline_latency_ms: num(draft.offline_latency_ms, DEFAULT_RUN_FORM.offline_latency_ms),
    },
    activeRunId: typeof r.activeRunId === 'string' ? r.activeRunId : null,
    openRunIds: strings(r.openRunIds),
    pinnedRunIds: strings(r.pinnedRunIds).slice(0, MAX_PINNED_TABS),
    expanded,
    selectedNode,
    logFilter: {
      threshold: (SEVERITIES as readonly string[]).includes(filter.threshold as string)
        ? (filter.threshold as Severity)
        : DEFAULT_LOG_FILTER.threshold,
      hiddenSources: strings(filter.hiddenSources),
      query: str(filter.query, ''),
    },
    view: r.view === 'metrics' || r.view === 'board' || r.view === 'backtests' ? r.view : 'runs',
  };
}

/**
 * UI state that survives a reload, kept in localStorage: form collapse and draft, open tabs and the active one,
 * expanded tree nodes and the selected report per run, log filters, and the main view.
 */
export const useUiPrefsStore = defineStore('ui-prefs', () => {
  const storage = typeof localStorage === 'undefined' ? undefined : localStorage;
  const initial = load(storage);
  const formCollapsed = ref(initial.formCollapsed);
  const formDraft = ref<RunFormDraft>(initial.formDraft);
  const activeRunId = ref<string | null>(initial.activeRunId);
  const openRunIds = ref<string[]>(initial.openRunIds);
  const pinnedRunIds = ref<string[]>(initial.pinnedRunIds);
  const expanded = ref(initial.expanded);
  const selectedNode = ref(initial.selectedNode);
  const logFilter = ref<LogFilter>(initial.logFilter);
  const view = ref<MainView>(initial.view);

  function save(): void {
    const prefs: StoredPrefs = {
      formCollapsed: formCollapsed.value,
      formDraft: formDraft.value,
      activeRunId: activeRunId.value,
      openRunIds: openRunIds.value,
      pinnedRunIds: pinnedRunIds.value,
      expanded: expanded.value,
      selectedNode: selectedNode.value,
      logFilter: logFilter.value,
      view: view.value,
    };
    try {
      storage?.setItem(UI_PREFS_KEY, JSON.stringify(prefs));
    } catch {
      /* storage full or disabled: the UI keeps working, it just forgets on reload */
    }
  }
  // Saved synchronously so that a reload right after a click still finds the change.
  watch([formCollapsed, formDraft, activeRunId, openRunIds, pinnedRunIds, expanded, selectedNode, logFilter, view], save, { deep: true, flush: 'sync' });

  /** Whether a tree node is expanded; nodes never toggled use `fallback`. */
  function isExpanded(runId: string, nodeId: string, fallback: boolean): boolean {
    return expanded.value[runId]?.[nodeId] ?? fallback;
  }

  function setExpanded(runId: string, nodeId: string, value: boolean): void {
    const next = { ...expanded.value, [runId]: { ...expanded.value[runId], [nodeId]: value } };
    const runs = Object.keys(next);
    // Forget the oldest runs' tree state (insertion order) beyond the cap.
    for (const old of runs.slice(0, Math.max(0, runs.length - MAX_REMEMBERED_RUNS))) delete next[old];
    expanded.value = next;
  }

  function selectNode(runId: string, nodeId: string | null): void {
    const next = { ...selectedNode.value };
    if (nodeId === null) delete next[runId];
    else next[runId] = nodeId;
    selectedNode.value = next;
  }

  /** Opens a run's tab; past `MAX_OPEN_TABS` the oldest tab neither pinned nor active closes. */
  function openRun(runId: string): void {
    if (openRunIds.value.includes(runId)) return;
    const next = [...openRunIds.value, runId];
    while (next.length > MAX_OPEN_TABS) {
      const victim = next.findIndex((id) => id !== runId && id !== activeRunId.value && !pinnedRunIds.value.includes(id));
      if (victim < 0) break;
      next.splice(victim, 1);
    }
    openRunIds.value = next;
  }

  function closeRun(runId: string): void {
    openRunIds.value = openRunIds.value.filter((id) => id !== runId);
    pinnedRunIds.value = pinnedRunIds.value.filter((id) => id !== runId);
    if (activeRunId.value === runId) activeRunId.value = null;
  }

  /** Pins or unpins a run's tab (opening it); false when `MAX_PINNED_TABS` are pinned already. */
  function togglePin(runId: string): boolean {
    if (pinnedRunIds.value.includes(runId)) {
      pinnedRunIds.value = pinnedRunIds.value.filter((id) => id !== runId);
      return true;
    }
    if (pinnedRunIds.value.length >= MAX_PINNED_TABS) return false;
    pinnedRunIds.value = [...pinnedRunIds.value, runId];
    openRun(runId);
    return true;
  }

  function setLogFilter(patch: Partial<LogFilter>): void {
    logFilter.value = { ...logFilter.value, ...patch };
  }

  function toggleSource(source: string): void {
    const hidden = logFilter.value.hiddenSources;
    setLogFilter({ hiddenSources: hidden.includes(source) ? hidden.filter((s) => s !== source) : [...hidden, source] });
  }

  return {
    formCollapsed,
    formDraft,
    activeRunId,
    openRunIds,
    pinnedRunIds,
    expanded,
    selectedNode,
    logFilter,
    view,
    togglePin,
    isExpanded,
    setExpanded,
    selectNode,
    openRun,
    closeRun,
    setLogFilter,
    toggleSource,
  };
});

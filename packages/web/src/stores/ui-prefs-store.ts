import { ANALYST_KINDS, MultitaskSchema, SEVERITIES } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { z } from 'zod';
import { DEFAULT_LOG_FILTER, type LogFilter } from '../lib/log-filter.js';
import { DEFAULT_RUN_FORM, type RunFormDraft } from '../lib/run-form.js';

/** localStorage key; bump the version when the stored shape changes incompatibly. */
export const UI_PREFS_KEY = 'tradingfloor.ui.v1';
/** Tree expansion is remembered for this many runs, newest first, so storage stays small. */
const MAX_REMEMBERED_RUNS = 40;
/** Tabs open at once; opening one more closes the oldest tab that is neither pinned nor active. */
export const MAX_OPEN_TABS = 12;
/** Tabs that can be pinned (kept open whatever else is opened). */
export const MAX_PINNED_TABS = 5;

export type MainView = 'runs' | 'board' | 'metrics' | 'backtests' | 'schedules';

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

/** An object whose fields each fall back on their own; anything that is not an object reads as `{}`. */
const objectOf = <Shape extends z.ZodRawShape>(shape: Shape) => z.preprocess((v) => (isRecord(v) ? v : {}), z.object(shape));

/** A list keeping only the items `item` accepts; a non-list reads as `fallback` (empty by default). */
const listOf = <T extends z.ZodType>(item: T, fallback: () => unknown[] = () => []) =>
  z
    .array(z.unknown())
    .catch(fallback)
    .transform((xs) =>
      xs.flatMap((x) => {
        const parsed = item.safeParse(x);
        return parsed.success ? [parsed.data] : [];
      }),
    );

/** A string-keyed record keeping only the entries whose value `value` accepts (a non-object reads as empty). */
const recordOf = <T extends z.ZodType>(value: T) =>
  z
    .record(z.string(), z.unknown())
    .catch({})
    .transform((record) => {
      const kept: Record<string, z.output<T>> = {};
      for (const [key, v] of Object.entries(record)) {
        const parsed = value.safeParse(v);
        if (parsed.success) kept[key] = parsed.data;
      }
      return kept;
    });

/**
 * What localStorage may hold, read leniently: each field that is well-formed is kept and the rest default,
 * so an old or hand-edited entry never breaks the page or throws away the good parts.
 */
const StoredPrefsSchema = objectOf({
  formCollapsed: z.boolean().catch(false),
  formDraft: objectOf({
    tickers: z.string().catch(DEFAULT_RUN_FORM.tickers),
    trade_date: z.string().catch(DEFAULT_RUN_FORM.trade_date),
    // A stored list keeps its valid analysts (possibly none); no list at all means the default four.
    analysts: listOf(z.enum(ANALYST_KINDS), () => [...DEFAULT_RUN_FORM.analysts]),
    max_debate_rounds: z.number().catch(DEFAULT_RUN_FORM.max_debate_rounds),
    max_risk_discuss_rounds: z.number().catch(DEFAULT_RUN_FORM.max_risk_discuss_rounds),
    llm_provider: z.string().catch(DEFAULT_RUN_FORM.llm_provider),
    quick_think_llm: z.string().catch(''),
    deep_think_llm: z.string().catch(''),
    offline_latency_ms: z.number().catch(DEFAULT_RUN_FORM.offline_latency_ms),
    multitask: MultitaskSchema.catch(DEFAULT_RUN_FORM.multitask),
  }),
  activeRunId: z.string().nullable().catch(null),
  openRunIds: listOf(z.string()),
  pinnedRunIds: listOf(z.string()).transform((ids) => ids.slice(0, MAX_PINNED_TABS)),
  expanded: recordOf(recordOf(z.boolean())),
  selectedNode: recordOf(z.string()),
  logFilter: objectOf({
    threshold: z.enum(SEVERITIES).catch(DEFAULT_LOG_FILTER.threshold),
    hiddenSources: listOf(z.string()),
    query: z.string().catch(''),
  }),
  view: z.enum(['runs', 'board', 'metrics', 'backtests', 'schedules']).catch('runs'),
});

/** Reads what was stored, keeping each field that is well-formed and defaulting the rest. */
function load(storage: Storage | undefined): StoredPrefs {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(UI_PREFS_KEY) ?? 'null');
  } catch {
    raw = null; // corrupt storage must not break the page
  }
  return StoredPrefsSchema.parse(raw);
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

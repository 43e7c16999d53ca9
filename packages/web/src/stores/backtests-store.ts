import type { BacktestRequestInput, BacktestSummary, BacktestView, EquityRow, TradeRow } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { ApiError } from '../api/api-error.js';
import {
  cancelBacktest,
  getBacktest,
  getBacktestEquity,
  getBacktestTrades,
  listBacktests,
  resumeBacktest,
  startBacktest,
} from '../api/backtests-api.js';
import { DEFAULT_BACKTEST_FORM, type BacktestFormDraft } from '../lib/backtest-form.js';
import { useRunsStore } from './runs-store.js';
import { useTransport } from './transport-context.js';
import { useUiPrefsStore } from './ui-prefs-store.js';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Backtests for the Backtests view: the list (from `GET /backtests`, kept live by `backtest_update` on the
 * aggregate socket), the selected one's cells and metrics, and — once it completes — its equity and trades.
 * A `backtest_update` carries progress only, so each one for the selected backtest re-reads its cells (one
 * request in flight, at most one queued behind it).
 */
export const useBacktestsStore = defineStore('backtests', () => {
  const backtests = ref<Record<string, BacktestSummary>>({});
  const listError = ref<string | null>(null);
  const draft = ref<BacktestFormDraft>({ ...DEFAULT_BACKTEST_FORM });
  const selectedId = ref<string | null>(null);
  const view = shallowRef<BacktestView | null>(null);
  const equity = shallowRef<EquityRow[]>([]);
  const trades = shallowRef<TradeRow[]>([]);
  const detailError = ref<string | null>(null);
  const starting = ref(false);
  const startError = ref<string | null>(null);
  const acting = ref(false);
  const actionError = ref<string | null>(null);
  let loading: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  /** The id whose equity and trades are loaded, so a finished backtest's rows are read once. */
  let rowsOf: string | null = null;

  /** Newest first. */
  const history = computed(() => Object.values(backtests.value).sort((a, b) => b.created_at - a.created_at));
  const selected = computed(() => (selectedId.value ? (backtests.value[selectedId.value] ?? view.value?.summary ?? null) : null));

  async function refreshList(): Promise<void> {
    try {
      const list = await listBacktests(useTransport().http);
      backtests.value = Object.fromEntries(list.map((b) => [b.backtest_id, b]));
      listError.value = null;
    } catch (err) {
      listError.value = errorText(err);
    }
  }

  async function loadDetail(id: string): Promise<void> {
    const { http } = useTransport();
    try {
      const next = await getBacktest(http, id);
      if (selectedId.value !== id) return; // the user moved on meanwhile
      view.value = next;
      backtests.value = { ...backtests.value, [id]: next.summary };
      detailError.value = null;
      if (next.summary.status === 'completed' && rowsOf !== id) {
        const [e, t] = await Promise.all([getBacktestEquity(http, id), getBacktestTrades(http, id)]);
        if (selectedId.value !== id) return;
        equity.value = e;
        trades.value = t;
        rowsOf = id;
      }
    } catch (err) {
      if (selectedId.value === id) detailError.value = errorText(err);
    }
  }

  /** Re-reads the selected backtest; calls made while a read is in flight share one follow-up read. */
  function refreshDetail(): Promise<void> {
    const id = selectedId.value;
    if (id === null) return Promise.resolve();
    if (!loading) {
      loading = loadDetail(id).finally(() => {
        loading = null;
      });
      return loading;
    }
    queued ??= loading.then(() => {
      queued = null;
      return refreshDetail();
    });
    return queued;
  }

  /** Shows a backtest: its cells at once, its equity and trades when it has completed. */
  function select(id: string | null): Promise<void> {
    if (id === selectedId.value) return refreshDetail();
    selectedId.value = id;
    view.value = null;
    equity.value = [];
    trades.value = [];
    rowsOf = null;
    detailError.value = null;
    actionError.value = null;
    return refreshDetail();
  }

  /** The view opened: the list, and the newest backtest unless one is selected already. */
  async function init(): Promise<void> {
    await refreshList();
    if (selectedId.value === null && history.value[0]) await select(history.value[0].backtest_id);
    else await refreshDetail();
  }

  /** A `backtest_update` from the aggregate socket. */
  function applyUpdate(summary: BacktestSummary): void {
    backtests.value = { ...backtests.value, [summary.backtest_id]: summary };
    if (summary.backtest_id === selectedId.value) void refreshDetail();
  }

  /** `POST /backtests`; the new backtest is selected. A refusal keeps the server's `{error}` in `startError`. */
  async function start(request: BacktestRequestInput): Promise<boolean> {
    starting.value = true;
    startError.value = null;
    try {
      const res = await startBacktest(useTransport().http, request);
      await Promise.all([select(res.backtest_id), refreshList()]);
      return true;
    } catch (err) {
      startError.value = errorText(err);
      return false;
    } finally {
      starting.value = false;
    }
  }

  async function act(kind: 'cancel' | 'resume'): Promise<void> {
    const id = selectedId.value;
    if (id === null) return;
    acting.value = true;
    actionError.value = null;
    try {
      await (kind === 'cancel' ? cancelBacktest : resumeBacktest)(useTransport().http, id);
      await refreshDetail();
    } catch (err) {
      actionError.value = err instanceof ApiError && err.status === 409 ? `Cannot ${kind}: ${err.message}` : errorText(err);
    } finally {
      acting.value = false;
    }
  }

  /** Opens a cell's run in the runs view, as a tab of its own (through the runs store and the tab prefs). */
  function openRun(runId: string): void {
    const prefs = useUiPrefsStore();
    const runs = useRunsStore();
    prefs.openRun(runId);
    prefs.activeRunId = runId;
    prefs.view = 'runs';
    // A cell's run may have started since `/runs` was read; the tab appears once the list has it.
    if (!runs.runs[runId]) void runs.refresh();
  }

  return {
    backtests,
    listError,
    draft,
    selectedId,
    selected,
    view,
    equity,
    trades,
    detailError,
    starting,
    startError,
    acting,
    actionError,
    history,
    refreshList,
    refreshDetail,
    select,
    init,
    applyUpdate,
    start,
    cancel: () => act('cancel'),
    resume: () => act('resume'),
    openRun,
  };
});

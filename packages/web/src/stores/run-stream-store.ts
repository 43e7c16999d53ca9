import {
  applyContentPatches,
  applyStatusPatch,
  type Decision,
  type ExecutionTree,
  type LogEntry,
  type RunStatus,
  type ServerMessage,
  type ServerMessageOf,
} from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { SocketClient, SocketStatus } from '../api/socket-client.js';
import { useRunsStore } from './runs-store.js';
import { useTransport } from './transport-context.js';
import { useChartStore } from './chart-store.js';

/** Log entries kept in the browser per run; the server's ring buffer is smaller, this only bounds a long session. */
const MAX_LOG_ENTRIES = 5000;

/** Merges entries by their own `seq`, keeping order and dropping duplicates. */
function mergeLogs(current: LogEntry[], incoming: LogEntry[]): LogEntry[] {
  const last = current.at(-1)?.seq ?? 0;
  const fresh = incoming.filter((e) => e.seq > last);
  if (fresh.length === incoming.length && fresh.every((e, i) => i === 0 || e.seq > fresh[i - 1]!.seq)) {
    return [...current, ...fresh].slice(-MAX_LOG_ENTRIES);
  }
  const bySeq = new Map(current.map((e) => [e.seq, e]));
  for (const e of incoming) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-MAX_LOG_ENTRIES);
}

/**
 * The focused run: its execution tree, report contents, logs and decision, kept in step with the focused
 * WebSocket (`/ws?run_id=`). Each of the three streams (status, content, log) has its own seq; a message whose
 * seq is not `last + 1` means something was missed, so the store asks for a `resync` (status, content) or a
 * `log_dump` (logs) and ignores that stream until the snapshot arrives. Older or repeated seqs are dropped.
 */
export const useRunStreamStore = defineStore('run-stream', () => {
  const runId = ref<string | null>(null);
  const ticker = ref('');
  const status = ref<RunStatus>('pending');
  const progress = ref(0);
  const tree = shallowRef<ExecutionTree>([]);
  const contents = shallowRef<Record<string, string>>({});
  const logs = shallowRef<LogEntry[]>([]);
  const seq = ref(0);
  const contentSeq = ref(0);
  const logSeq = ref(0);
  const error = ref<string | null>(null);
  const decision = shallowRef<Decision | null>(null);
  const decisionHtml = ref<string | null>(null);
  /** Which market data vendor served each data kind so far (`prices` → `yahoo`); empty when unknown. */
  const dataSources = shallowRef<Record<string, string>>({});
  /** True once `init_run` has arrived for the focused run. */
  const ready = ref(false);
  const notFound = ref(false);
  /** Why the server refused the focused socket for good (a final close code), else null; no reconnect follows. */
  const closedReason = ref<string | null>(null);
  const resyncPending = ref(false);
  const logDumpPending = ref(false);
  /** How many resyncs / log dumps this focus has asked for (shown in diagnostics, checked by tests). */
  const resyncCount = ref(0);
  const logDumpCount = ref(0);
  const connection = ref<SocketStatus>({ state: 'idle', retryAt: null, attempt: 0 });
  /** Server `error` messages and invalid frames, newest last (a few only). */
  const protocolErrors = ref<string[]>([]);
  let client: SocketClient | null = null;
  /** Where the log export of the focused run downloads from. */
  const logsDownloadUrl = computed(() => (runId.value ? useTransport().http.logsDownloadUrl(runId.value) : ''));

  function reset(id: string | null): void {
    runId.value = id;
    ticker.value = '';
    status.value = 'pending';
    progress.value = 0;
    tree.value = [];
    contents.value = {};
    logs.value = [];
    seq.value = contentSeq.value = logSeq.value = 0;
    error.value = null;
    decision.value = null;
    decisionHtml.value = null;
    dataSources.value = {};
    ready.value = notFound.value = resyncPending.value = logDumpPending.value = false;
    resyncCount.value = logDumpCount.value = 0;
    protocolErrors.value = [];
    closedReason.value = null;
  }

  /** Follows another run (or none); the previous run's socket is closed. */
  function focus(id: string | null): void {
    if (id === runId.value && (client !== null || id === null)) return;
    client?.close();
    client = null;
    reset(id);
    connection.value = { state: 'idle', retryAt: null, attempt: 0 };
    // Fire and forget: the chart loads beside the stream, and load() reports its own failure in the chart store.
    void useChartStore().load(id);
    if (id === null) return;
    const socket = useTransport().socket(id);
    client = socket;
    socket.onMessage((msg) => {
      if (client === socket) handle(msg);
    });
    socket.onStatus((s) => {
      if (client !== socket) return;
      connection.value = s;
      if (s.state === 'closed' && s.closeCode !== undefined) {
        closedReason.value = s.closeReason ?? `closed with code ${s.closeCode}`;
        // 4404 (not found) and 4410 (removed): the run is gone from the server.
        if (s.closeCode === 4404 || s.closeCode === 4410) notFound.value = true;
      }
    });
    socket.onInvalid((reason) => noteError(reason));
    socket.open();
  }

  function retryNow(): void {
    client?.retryNow();
  }

  function noteError(message: string): void {
    protocolErrors.value = [...protocolErrors.value.slice(-9), message];
  }

  function requestResync(): void {
    if (resyncPending.value) return;
    resyncPending.value = true;
    resyncCount.value += 1;
    // If the socket is down the request is lost, but the reconnect's `init_run` restores everything anyway.
    client?.send({ action: 'resync' });
  }

  function requestLogDump(): void {
    if (logDumpPending.value) return;
    logDumpPending.value = true;
    logDumpCount.value += 1;
    client?.send({ action: 'log_dump' });
  }

  function applySnapshot(msg: ServerMessageOf<'init_run'> | ServerMessageOf<'run_snapshot'>): void {
    ticker.value = msg.ticker;
    status.value = msg.status;
    progress.value = msg.overall_progress;
    tree.value = msg.execution_tree;
    contents.value = msg.contents;
    seq.value = msg.seq;
    contentSeq.value = msg.content_seq;
    if (msg.error !== undefined) error.value = msg.error;
    if (msg.final_decision !== undefined) decision.value = msg.final_decision;
    if (msg.decision_html !== undefined) decisionHtml.value = msg.decision_html;
    dataSources.value = msg.data_sources ?? {};
    resyncPending.value = false;
    ready.value = true;
    useRunsStore().patchRun(msg.run_id, { status: msg.status, overall_progress: msg.overall_progress });
  }

  /** True when a stream message is the next one; asks for recovery on a gap. */
  function inOrder(next: number, last: number, recover: () => void): boolean {
    if (next <= last) return false; // already seen, or covered by a snapshot
    if (next !== last + 1) {
      recover();
      return false;
    }
    return true;
  }

  /** Applies one server message of the focused stream. */
  function handle(msg: ServerMessage): void {
    if (msg.type === 'error') {
      noteError(msg.message);
      if (/not found/i.test(msg.message)) {
        notFound.value = true;
        client?.close(); // the server closes too; do not reconnect to a run that does not exist
      }
      return;
    }
    if (msg.type === 'pong' || !('run_id' in msg) || msg.run_id !== runId.value) return;
    switch (msg.type) {
      case 'init_run':
        applySnapshot(msg);
        logSeq.value = msg.log_seq;
        logDumpPending.value = false;
        requestLogDump(); // the log ring buffer is not part of init_run
        return;
      case 'run_snapshot':
        applySnapshot(msg);
        return;
      case 'status_patch_run': {
        if (!ready.value || resyncPending.value || !inOrder(msg.seq, seq.value, requestResync)) return;
        try {
          tree.value = applyStatusPatch(tree.value, msg.changed);
        } catch {
          requestResync(); // a patch naming a node we lack means we missed one
          return;
        }
        seq.value = msg.seq;
        status.value = msg.status;
        progress.value = msg.overall_progress;
        if (msg.data_sources) dataSources.value = msg.data_sources;
        useRunsStore().patchRun(msg.run_id, { status: msg.status, overall_progress: msg.overall_progress });
        return;
      }
      case 'status_update_run':
        if (!ready.value || resyncPending.value || !inOrder(msg.seq, seq.value, requestResync)) return;
        seq.value = msg.seq;
        status.value = msg.status;
        progress.value = msg.overall_progress;
        if (msg.error !== undefined) error.value = msg.error;
        if (msg.final_decision !== undefined) decision.value = msg.final_decision;
        if (msg.decision_html !== undefined) decisionHtml.value = msg.decision_html;
        useRunsStore().patchRun(msg.run_id, {
          status: msg.status,
          overall_progress: msg.overall_progress,
          ...(msg.error !== undefined ? { error: msg.error } : {}),
          ...(msg.final_decision ? { action: msg.final_decision.action } : {}),
        });
        return;
      case 'content_patch_run':
        if (!ready.value || resyncPending.value || !inOrder(msg.seq, contentSeq.value, requestResync)) return;
        contents.value = applyContentPatches(contents.value, msg.patches);
        contentSeq.value = msg.seq;
        return;
      case 'log_append_run':
        if (!ready.value || logDumpPending.value || !inOrder(msg.seq, logSeq.value, requestLogDump)) return;
        logs.value = mergeLogs(logs.value, msg.entries);
        logSeq.value = msg.seq;
        return;
      case 'log_snapshot_run':
        logs.value = mergeLogs([], msg.entries);
        logSeq.value = msg.seq;
        logDumpPending.value = false;
        return;
    }
  }

  return {
    runId,
    ticker,
    status,
    progress,
    tree,
    contents,
    logs,
    seq,
    contentSeq,
    logSeq,
    error,
    decision,
    decisionHtml,
    dataSources,
    ready,
    notFound,
    closedReason,
    resyncPending,
    logDumpPending,
    resyncCount,
    logDumpCount,
    connection,
    protocolErrors,
    logsDownloadUrl,
    focus,
    retryNow,
    requestResync,
    requestLogDump,
  };
});

import {
  initialFocusedRun,
  isRunGoneCloseCode,
  reduceFocusedRun,
  type FocusedRunState,
  type ServerMessage,
} from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { SocketStatus } from '../api/socket-client.js';
import { useRunsStore } from './runs-store.js';
import { acquireRunSocket, type RunSocketLease } from './run-sockets.js';
import { useTransport } from './transport-context.js';
import { useChartStore } from './chart-store.js';

/**
 * The focused run: its execution tree, report contents, logs and decision, kept in step with the focused
 * WebSocket (`/ws?run_id=`, shared with the inspector). How each message is applied — seq order per stream,
 * `resync` / `log_dump` on a gap — is the shared `reduceFocusedRun`; this store holds its state, sends what it
 * asks for and mirrors status and progress into the runs list.
 */
export const useRunStreamStore = defineStore('run-stream', () => {
  const runId = ref<string | null>(null);
  const state = shallowRef<FocusedRunState>(initialFocusedRun(''));
  const ticker = computed(() => state.value.ticker);
  const status = computed(() => state.value.status);
  const progress = computed(() => state.value.progress);
  const tree = computed(() => state.value.tree);
  const contents = computed(() => state.value.contents);
  const logs = computed(() => state.value.logs);
  const seq = computed(() => state.value.seq);
  const contentSeq = computed(() => state.value.contentSeq);
  const logSeq = computed(() => state.value.logSeq);
  const error = computed(() => state.value.error);
  const decision = computed(() => state.value.decision);
  /** Which market data vendor served each data kind so far (`prices` → `yahoo`); empty when unknown. */
  const dataSources = computed(() => state.value.dataSources);
  /** True once `init_run` has arrived for the focused run. */
  const ready = computed(() => state.value.ready);
  const resyncPending = computed(() => state.value.resyncPending);
  const logDumpPending = computed(() => state.value.logDumpPending);
  const notFound = ref(false);
  /** Why the server refused the focused socket for good (a final close code), else null; no reconnect follows. */
  const closedReason = ref<string | null>(null);
  /** How many resyncs / log dumps this focus has asked for (shown in diagnostics, checked by tests). */
  const resyncCount = ref(0);
  const logDumpCount = ref(0);
  const connection = ref<SocketStatus>({ state: 'idle', retryAt: null, attempt: 0 });
  /** Server `error` messages and invalid frames, newest last (a few only). */
  const protocolErrors = ref<string[]>([]);
  let lease: RunSocketLease | null = null;
  let detach: Array<() => void> = [];
  /** Where the log export of the focused run downloads from. */
  const logsDownloadUrl = computed(() => (runId.value ? useTransport().http.logsDownloadUrl(runId.value) : ''));
  /** Where the focused run's exported report downloads from, per format. */
  const reportUrls = computed(() => {
    const id = runId.value;
    if (!id) return { md: '', html: '' };
    const { http } = useTransport();
    return { md: http.reportDownloadUrl(id, 'md'), html: http.reportDownloadUrl(id, 'html') };
  });

  function reset(id: string | null): void {
    runId.value = id;
    state.value = initialFocusedRun(id ?? '');
    notFound.value = false;
    resyncCount.value = logDumpCount.value = 0;
    protocolErrors.value = [];
    closedReason.value = null;
  }

  function release(): void {
    for (const off of detach) off();
    detach = [];
    lease?.release();
    lease = null;
  }

  /** Follows another run (or none); the previous run's socket is released (closed unless the inspector holds it). */
  function focus(id: string | null): void {
    if (id === runId.value && (lease !== null || id === null)) return;
    release();
    reset(id);
    connection.value = { state: 'idle', retryAt: null, attempt: 0 };
    // Fire and forget: the chart loads beside the stream, and load() reports its own failure in the chart store.
    void useChartStore().load(id);
    if (id === null) return;
    const current = acquireRunSocket(id);
    lease = current;
    const socket = current.client;
    detach = [
      socket.onMessage((msg) => {
        if (lease === current) handle(msg);
      }),
      socket.onStatus((s) => {
        if (lease !== current) return;
        connection.value = s;
        if (s.state === 'closed' && s.closeCode !== undefined) {
          closedReason.value = s.closeReason ?? `closed with code ${s.closeCode}`;
          if (isRunGoneCloseCode(s.closeCode)) notFound.value = true;
        }
      }),
      socket.onInvalid((reason) => noteError(reason)),
    ];
    connection.value = socket.current;
    if (current.joined && socket.current.state === 'open') {
      // The socket's init_run went to its other holder: ask for the state and the log ring instead.
      requestResync();
      requestLogDump();
    }
    socket.open();
  }

  function retryNow(): void {
    lease?.client.retryNow();
  }

  function noteError(message: string): void {
    protocolErrors.value = [...protocolErrors.value.slice(-9), message];
  }

  /**
   * The server rate-limits `resync` / `log_dump` per connection ("too many resync requests …: try again in
   * 1.5 s"). The request is still needed: ask again once the named wait is over, for the run still in focus.
   */
  function retryRefusedSnapshot(message: string): boolean {
    const refused = /^too many (resync|log_dump) requests.*try again in ([\d.]+) s/.exec(message);
    if (!refused) return false;
    const action = refused[1] as 'resync' | 'log_dump';
    const focused = runId.value;
    setTimeout(
      () => {
        if (runId.value !== focused) return;
        if (action === 'resync' && resyncPending.value) lease?.client.send({ action: 'resync' });
        if (action === 'log_dump' && logDumpPending.value) lease?.client.send({ action: 'log_dump' });
      },
      Number(refused[2]) * 1000,
    );
    return true;
  }

  function requestResync(): void {
    if (state.value.resyncPending) return;
    state.value = { ...state.value, resyncPending: true };
    resyncCount.value += 1;
    // If the socket is down the request is lost, but the reconnect's `init_run` restores everything anyway.
    lease?.client.send({ action: 'resync' });
  }

  function requestLogDump(): void {
    if (state.value.logDumpPending) return;
    state.value = { ...state.value, logDumpPending: true };
    logDumpCount.value += 1;
    lease?.client.send({ action: 'log_dump' });
  }

  /** Applies one server message of the focused stream. */
  function handle(msg: ServerMessage): void {
    if (msg.type === 'error') {
      noteError(msg.message);
      if (retryRefusedSnapshot(msg.message)) return;
      if (/not found/i.test(msg.message)) {
        notFound.value = true;
        lease?.client.close(); // the server closes too; do not reconnect to a run that does not exist
      }
      return;
    }
    const step = reduceFocusedRun(state.value, msg);
    state.value = step.state;
    for (const request of step.requests) {
      if (request.action === 'resync') resyncCount.value += 1;
      else logDumpCount.value += 1;
      lease?.client.send({ action: request.action });
    }
    if (!step.applied) return;
    const runs = useRunsStore();
    const { status: s, progress: p } = step.state;
    switch (msg.type) {
      case 'init_run':
      case 'run_snapshot':
      case 'status_patch_run':
        runs.patchRun(msg.run_id, { status: s, overall_progress: p });
        return;
      case 'status_update_run':
        runs.patchRun(msg.run_id, {
          status: s,
          overall_progress: p,
          ...(msg.error !== undefined ? { error: msg.error } : {}),
          ...(msg.final_decision ? { action: msg.final_decision.action } : {}),
        });
        return;
      default:
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
    reportUrls,
    focus,
    retryNow,
    requestResync,
    requestLogDump,
  };
});

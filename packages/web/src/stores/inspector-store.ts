import {
  acceptInspectRecords,
  errorMessage,
  askDump,
  initialInspectStream,
  reduceInspectStream,
  type InspectionRecord,
  type InspectStreamState,
  type InspectStreamStep,
  type MachineDefinition,
  type MachineStateValue,
  type ServerMessage,
} from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { timelineRows } from '../lib/inspect-timeline.js';
import { acquireRunSocket, type RunSocketLease } from './run-sockets.js';
import { useTransport } from './transport-context.js';

/**
 * The inspector of one run: the statechart definition (`GET /machine`, loaded once), the run actor's
 * inspection records (first page from `GET /runs/:id/inspect`, then live on the run's focused socket, shared
 * with the run stream: `inspect_start` subscribes it on every (re)connect, `inspect_stop` leaves) and which
 * record the user selected. How the stream is applied is the shared `reduceInspectStream`: a gap asks for an `inspect_dump`,
 * a new `session` (the run was resumed, records count from 1 again) starts over, and a hole in the records'
 * own seqs (the REST page and the stream did not meet) also asks for a dump.
 */
export const useInspectorStore = defineStore('inspector', () => {
  const machine = shallowRef<MachineDefinition | null>(null);
  const machineError = ref<string | null>(null);
  const runId = ref<string | null>(null);
  const stream = shallowRef<InspectStreamState>(initialInspectStream(''));
  const session = computed(() => stream.value.session);
  const records = computed<InspectionRecord[]>(() => stream.value.records);
  /** Current seq of the inspection stream (from the `inspect_snapshot_run` answering `inspect_start`, then each append). */
  const inspectSeq = computed(() => stream.value.inspectSeq);
  const ready = computed(() => stream.value.ready);
  const dumpPending = computed(() => stream.value.dumpPending);
  /** Resets seen (a new session of a resumed run). */
  const sessionResets = computed(() => stream.value.sessionResets);
  /** True until the first REST page (or a dump) has answered. */
  const loading = ref(false);
  const loadError = ref<string | null>(null);
  const dumpCount = ref(0);
  /** seq of the record selected in the timeline; null follows the live state. */
  const selectedSeq = ref<number | null>(null);
  let lease: RunSocketLease | null = null;
  let detach: Array<() => void> = [];
  let machineLoad: Promise<void> | null = null;

  const timeline = computed(() => timelineRows(records.value));
  /** The state shown on the diagram: at the selected event, else the newest one. */
  const shownState = computed<MachineStateValue | null>(() => {
    if (selectedSeq.value !== null) {
      const row = timeline.value.find((r) => r.seq === selectedSeq.value);
      if (row) return row.state;
    }
    return records.value.at(-1)?.state ?? null;
  });

  /** Loads the machine definition once (again after a failure). */
  function loadMachine(): Promise<void> {
    machineLoad ??= (async () => {
      try {
        machine.value = await useTransport().http.machine();
        machineError.value = null;
      } catch (err) {
        machineError.value = `Cannot load the statechart: ${errorMessage(err)}`;
        machineLoad = null;
      }
    })();
    return machineLoad;
  }

  function reset(id: string | null): void {
    runId.value = id;
    stream.value = initialInspectStream(id ?? '');
    loading.value = id !== null;
    loadError.value = null;
    dumpCount.value = 0;
    selectedSeq.value = null;
  }

  /** Takes a reducer step: sends the dump it asks for and drops a selection whose record is gone. */
  function take(step: InspectStreamStep, replaced: boolean): void {
    const before = stream.value;
    stream.value = step.state;
    if (replaced || step.state.sessionResets !== before.sessionResets) selectedSeq.value = null;
    if (selectedSeq.value !== null && !step.state.records.some((r) => r.seq === selectedSeq.value)) selectedSeq.value = null;
    if (step.requestDump) send('inspect_dump');
  }

  function send(action: 'inspect_dump' | 'inspect_start'): void {
    dumpCount.value += 1;
    lease?.client.send({ action });
  }

  /**
   * Subscribes this connection to the inspection stream. A new connection (a reconnect) has forgotten the
   * last `inspect_start`, so this runs on every open; the answer (`inspect_snapshot_run`) gives the records
   * so far and the stream's seq, and until it arrives appends are not applied.
   */
  function start(): void {
    const step = askDump({ ...stream.value, ready: false, dumpPending: false });
    stream.value = step.state;
    send('inspect_start');
  }

  function release(): void {
    for (const off of detach) off();
    detach = [];
    // The run stream may keep the socket open: stop the records it would otherwise go on carrying.
    lease?.client.send({ action: 'inspect_stop' });
    lease?.release();
    lease = null;
  }

  /** Inspects another run (or none): leaves the previous socket, loads the first page, subscribes on the run's socket. */
  function focus(id: string | null): void {
    if (id === runId.value && (lease !== null || id === null)) return;
    release();
    reset(id);
    if (id === null) return;
    void loadMachine();
    void loadPage(id);
    const current = acquireRunSocket(id);
    lease = current;
    detach = [
      current.client.onMessage((msg) => {
        if (lease === current) handle(msg);
      }),
      current.client.onStatus((s) => {
        if (lease === current && s.state === 'open') start();
      }),
    ];
    if (current.client.current.state === 'open') start();
    current.client.open();
  }

  async function loadPage(id: string): Promise<void> {
    try {
      const page = await useTransport().http.inspect(id);
      if (runId.value !== id) return;
      // A dump that already answered is at least as new as this page.
      if (page.session !== null || stream.value.records.length === 0)
        take(acceptInspectRecords(stream.value, page.session, page.records), false);
      loadError.value = null;
    } catch (err) {
      if (runId.value === id) loadError.value = errorMessage(err);
    } finally {
      if (runId.value === id) loading.value = false;
    }
  }

  /** Asks the server for every record of the current session again. */
  function requestDump(): void {
    const step = askDump(stream.value);
    stream.value = step.state;
    if (step.requestDump) send('inspect_dump');
  }

  function select(seq: number | null): void {
    selectedSeq.value = seq;
  }

  function handle(msg: ServerMessage): void {
    if (msg.type === 'inspect_snapshot_run') loading.value = false;
    take(reduceInspectStream(stream.value, msg, { pageLoaded: !loading.value }), msg.type === 'inspect_snapshot_run');
  }

  return {
    machine,
    machineError,
    runId,
    session,
    records,
    inspectSeq,
    ready,
    loading,
    loadError,
    dumpPending,
    dumpCount,
    sessionResets,
    selectedSeq,
    timeline,
    shownState,
    loadMachine,
    focus,
    select,
    requestDump,
  };
});

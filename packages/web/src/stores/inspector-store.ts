import type { InspectionRecord, MachineDefinition, MachineStateValue, ServerMessage } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { errorMessage } from '@tradingfloor/shared';
import type { SocketClient } from '../api/socket-client.js';
import { timelineRows } from '../lib/inspect-timeline.js';
import { useTransport } from './transport-context.js';

/** Records kept in the browser; the server's ring buffer holds 1000 by default. */
const MAX_RECORDS = 5000;
/** Merges records by their own `seq` (one session), oldest first, without duplicates. */
function mergeRecords(current: readonly InspectionRecord[], incoming: readonly InspectionRecord[]): InspectionRecord[] {
  const last = current.at(-1)?.seq ?? 0;
  if (incoming.every((r, i) => r.seq > last && (i === 0 || r.seq > incoming[i - 1]!.seq))) {
    return [...current, ...incoming].slice(-MAX_RECORDS);
  }
  const bySeq = new Map(current.map((r) => [r.seq, r]));
  for (const r of incoming) bySeq.set(r.seq, r);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-MAX_RECORDS);
}

/** True when no record is missing between the oldest and the newest held (older ones may have been dropped). */
function contiguous(records: readonly InspectionRecord[]): boolean {
  return records.every((r, i) => i === 0 || r.seq === records[i - 1]!.seq + 1);
}

/**
 * The inspector of one run: the statechart definition (`GET /machine`, loaded once), the run actor's
 * inspection records (first page from `GET /runs/:id/inspect`, then live from a focused socket opened with
 * `&inspect=1`) and which record the user selected. The inspection stream has its own seq: a gap asks for an
 * `inspect_dump`; a message of a new `session` (the run was resumed, records count from 1 again) starts over.
 * A hole in the records' own seqs (the REST page and the stream did not meet) also asks for a dump.
 */
export const useInspectorStore = defineStore('inspector', () => {
  const machine = shallowRef<MachineDefinition | null>(null);
  const machineError = ref<string | null>(null);
  const runId = ref<string | null>(null);
  const session = ref<string | null>(null);
  const records = shallowRef<InspectionRecord[]>([]);
  /** Current seq of the inspection stream (`inspect_seq` of `init_run`, then each `inspect_append_run`). */
  const inspectSeq = ref(0);
  const ready = ref(false);
  /** True until the first REST page (or a dump) has answered. */
  const loading = ref(false);
  const loadError = ref<string | null>(null);
  const dumpPending = ref(false);
  const dumpCount = ref(0);
  /** Resets seen (a new session of a resumed run). */
  const sessionResets = ref(0);
  /** seq of the record selected in the timeline; null follows the live state. */
  const selectedSeq = ref<number | null>(null);
  let client: SocketClient | null = null;
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
    session.value = null;
    records.value = [];
    inspectSeq.value = 0;
    ready.value = dumpPending.value = false;
    loading.value = id !== null;
    loadError.value = null;
    dumpCount.value = sessionResets.value = 0;
    selectedSeq.value = null;
  }

  /** Takes records of `incoming` session: a different session than held replaces everything. */
  function accept(incomingSession: string | null, incoming: readonly InspectionRecord[], replace = false): void {
    const newSession = !replace && session.value !== null && incomingSession !== session.value;
    if (replace || newSession) {
      if (newSession) sessionResets.value += 1;
      records.value = [];
      selectedSeq.value = null;
    }
    session.value = incomingSession;
    records.value = mergeRecords(records.value, incoming);
    if (selectedSeq.value !== null && !records.value.some((r) => r.seq === selectedSeq.value)) selectedSeq.value = null;
    // A new session counts from 1: a later first record means its start was missed.
    const headMissing = newSession && (records.value[0]?.seq ?? 1) !== 1;
    if (ready.value && !dumpPending.value && (headMissing || !contiguous(records.value))) requestDump();
  }

  /** Inspects another run (or none): closes the previous socket, loads the first page, opens the stream. */
  function focus(id: string | null): void {
    if (id === runId.value && (client !== null || id === null)) return;
    client?.close();
    client = null;
    reset(id);
    if (id === null) return;
    void loadMachine();
    void loadPage(id);
    const socket = useTransport().socket(id, { inspect: true });
    client = socket;
    socket.onMessage((msg) => {
      if (client === socket) handle(msg);
    });
    socket.open();
  }

  async function loadPage(id: string): Promise<void> {
    try {
      const page = await useTransport().http.inspect(id);
      if (runId.value !== id) return;
      // A dump that already answered is at least as new as this page.
      if (page.session !== null || records.value.length === 0) accept(page.session, page.records);
      loadError.value = null;
    } catch (err) {
      if (runId.value === id) loadError.value = errorMessage(err);
    } finally {
      if (runId.value === id) loading.value = false;
    }
  }

  function requestDump(): void {
    if (dumpPending.value) return;
    dumpPending.value = true;
    dumpCount.value += 1;
    client?.send({ action: 'inspect_dump' });
  }

  function select(seq: number | null): void {
    selectedSeq.value = seq;
  }

  function handle(msg: ServerMessage): void {
    if (msg.type === 'error' || msg.type === 'pong' || !('run_id' in msg) || msg.run_id !== runId.value) return;
    switch (msg.type) {
      case 'init_run':
        inspectSeq.value = msg.inspect_seq ?? 0;
        ready.value = true;
        dumpPending.value = false;
        // After a reconnect records may have been missed; the contiguity check cannot see a missing tail.
        if (!loading.value) requestDump();
        return;
      case 'inspect_append_run':
        if (!ready.value || dumpPending.value || msg.seq <= inspectSeq.value) return;
        if (msg.seq !== inspectSeq.value + 1) return requestDump();
        inspectSeq.value = msg.seq;
        accept(msg.session, msg.records);
        return;
      case 'inspect_snapshot_run':
        dumpPending.value = false;
        inspectSeq.value = msg.seq;
        loading.value = false;
        accept(msg.session, msg.records, true);
        return;
      default:
        return;
    }
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

import type { InspectionRecord } from '../schemas/inspection.js';
import type { ServerMessage } from './ws.js';

/** What a client following a run's inspection stream knows. Plain data, moved on by `reduceInspectStream`. */
export interface InspectStreamState {
  readonly runId: string;
  /** The run actor's life the records belong to; a resumed run starts a new one (records count from 1). */
  readonly session: string | null;
  /** Records by their own `seq`, oldest first, at most `maxRecords`. */
  readonly records: InspectionRecord[];
  /** Last seq of the inspection stream seen. */
  readonly inspectSeq: number;
  /** True once the stream's starting point is known (`init_run` of an `inspect=1` socket, or the first snapshot). */
  readonly ready: boolean;
  /** An `inspect_dump` / `inspect_start` is waiting for its `inspect_snapshot_run`. */
  readonly dumpPending: boolean;
  /** New sessions seen (resumes). */
  readonly sessionResets: number;
}

/** The outcome of one message or REST page: the new state and whether to send `inspect_dump`. */
export interface InspectStreamStep {
  state: InspectStreamState;
  requestDump: boolean;
}

/** Records kept by default; the server's ring holds 1000. */
export const DEFAULT_MAX_RECORDS = 5000;

export function initialInspectStream(runId: string): InspectStreamState {
  return { runId, session: null, records: [], inspectSeq: 0, ready: false, dumpPending: false, sessionResets: 0 };
}

/** Merges records by their own `seq` (one session), oldest first, without duplicates. */
function mergeRecords(current: readonly InspectionRecord[], incoming: readonly InspectionRecord[], max: number): InspectionRecord[] {
  const last = current.at(-1)?.seq ?? 0;
  if (incoming.every((r, i) => r.seq > last && (i === 0 || r.seq > incoming[i - 1]!.seq))) return [...current, ...incoming].slice(-max);
  const bySeq = new Map(current.map((r) => [r.seq, r]));
  for (const r of incoming) bySeq.set(r.seq, r);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-max);
}

/** True when no record is missing between the oldest and the newest held (older ones may have been dropped). */
function contiguous(records: readonly InspectionRecord[]): boolean {
  return records.every((r, i) => i === 0 || r.seq === records[i - 1]!.seq + 1);
}

/**
 * Takes records of one session: a session other than the one held starts over (a resumed run), `replace`
 * (a dump) replaces everything. Asks for a dump when a record is missing: a hole in the records' own seqs, or
 * a new session whose first record is not 1.
 */
export function acceptInspectRecords(
  state: InspectStreamState,
  session: string | null,
  incoming: readonly InspectionRecord[],
  options: { replace?: boolean; maxRecords?: number } = {},
): InspectStreamStep {
  const replace = options.replace ?? false;
  const newSession = !replace && state.session !== null && session !== state.session;
  const base = replace || newSession ? [] : state.records;
  const records = mergeRecords(base, incoming, options.maxRecords ?? DEFAULT_MAX_RECORDS);
  const next: InspectStreamState = { ...state, session, records, sessionResets: state.sessionResets + (newSession ? 1 : 0) };
  const headMissing = newSession && (records[0]?.seq ?? 1) !== 1;
  if (next.ready && !next.dumpPending && (headMissing || !contiguous(records))) return askDump(next);
  return { state: next, requestDump: false };
}

/** Marks a dump as asked for (once); the caller sends `inspect_dump` when `requestDump` is true. */
export function askDump(state: InspectStreamState): InspectStreamStep {
  if (state.dumpPending) return { state, requestDump: false };
  return { state: { ...state, dumpPending: true }, requestDump: true };
}

/**
 * Moves an inspection client on by one server message. `init_run` of an `inspect=1` socket gives the
 * stream's seq (and after a first REST page asks for a dump, since records may have been missed in between:
 * pass `pageLoaded`); an `inspect_append_run` applies only as the next seq (a gap asks for a dump, older seqs
 * are dropped); `inspect_snapshot_run` replaces everything and sets the seq.
 */
export function reduceInspectStream(
  state: InspectStreamState,
  msg: ServerMessage,
  options: { pageLoaded?: boolean; maxRecords?: number } = {},
): InspectStreamStep {
  if (!('run_id' in msg) || msg.run_id !== state.runId) return { state, requestDump: false };
  switch (msg.type) {
    case 'init_run': {
      if (msg.inspect_seq === undefined) return { state, requestDump: false };
      const next = { ...state, inspectSeq: msg.inspect_seq, ready: true, dumpPending: false };
      // After a reconnect records may have been missed; the contiguity check cannot see a missing tail.
      return options.pageLoaded ? askDump(next) : { state: next, requestDump: false };
    }
    case 'inspect_append_run': {
      if (!state.ready || state.dumpPending || msg.seq <= state.inspectSeq) return { state, requestDump: false };
      if (msg.seq !== state.inspectSeq + 1) return askDump(state);
      return acceptInspectRecords({ ...state, inspectSeq: msg.seq }, msg.session, msg.records, options);
    }
    case 'inspect_snapshot_run': {
      const next = { ...state, inspectSeq: msg.seq, ready: true, dumpPending: false };
      return acceptInspectRecords(next, msg.session, msg.records, { ...options, replace: true });
    }
    default:
      return { state, requestDump: false };
  }
}

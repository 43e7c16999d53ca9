import type { Decision } from '../schemas/decision.js';
import type { LogEntry } from '../schemas/log-entry.js';
import type { RunStatus } from '../schemas/run-status.js';
import type { ExecutionTree } from '../schemas/tree.js';
import { applyContentPatches, applyStatusPatch } from './apply-patches.js';
import type { ServerMessage, ServerMessageOf } from './ws.js';

/**
 * What a client following one run (`/ws?run_id=`) knows about it. Plain data: the SPA's store, the
 * integration tests and the property test all hold one of these and move it on with `reduceFocusedRun`.
 */
export interface FocusedRunState {
  readonly runId: string;
  /** True once `init_run` has arrived; patches before it are ignored. */
  readonly ready: boolean;
  readonly ticker: string;
  readonly status: RunStatus;
  readonly progress: number;
  readonly tree: ExecutionTree;
  /** Text of every report / messages node, by node id. */
  readonly contents: Record<string, string>;
  /** Log entries by their own `seq`, oldest first, at most `maxLogEntries`. */
  readonly logs: LogEntry[];
  /** Last number seen of the status, content and log streams. */
  readonly seq: number;
  readonly contentSeq: number;
  readonly logSeq: number;
  readonly error: string | null;
  readonly decision: Decision | null;
  /** Which market data vendor served each data kind so far; empty when unknown. */
  readonly dataSources: Record<string, string>;
  /** A `resync` was asked for: status and content messages are ignored until the snapshot arrives. */
  readonly resyncPending: boolean;
  /** A `log_dump` was asked for: log appends are ignored until the log snapshot arrives. */
  readonly logDumpPending: boolean;
}

/**
 * A client action the reducer wants sent: `resync` (status/content) or `log_dump` (logs). `cause` says why:
 * `gap` (a seq was skipped), `unknown_parent` (a status patch names a node the client lacks: it missed one),
 * `unknown_source` (a content patch copies text the client lacks: it missed one) or `join` (the log ring is not
 * part of `init_run`, so every join asks for it once).
 */
export interface FocusedRunRequest {
  action: 'resync' | 'log_dump';
  cause: 'gap' | 'unknown_parent' | 'unknown_source' | 'join';
}

/** The outcome of one message: the new state, whether the message was applied, and what to ask the server. */
export interface FocusedRunStep {
  state: FocusedRunState;
  /** False for messages of another run, other types, older seqs, or a stream waiting for its snapshot. */
  applied: boolean;
  requests: FocusedRunRequest[];
}

export interface FocusedRunOptions {
  /** Log entries kept (the newest); default 5000. */
  maxLogEntries?: number;
}

/** Log entries kept by default: the server's ring is smaller; this only bounds a long session. */
export const DEFAULT_MAX_LOG_ENTRIES = 5000;

/** The state of a client that has not heard from the server yet. */
export function initialFocusedRun(runId: string): FocusedRunState {
  return {
    runId,
    ready: false,
    ticker: '',
    status: 'pending',
    progress: 0,
    tree: [],
    contents: {},
    logs: [],
    seq: 0,
    contentSeq: 0,
    logSeq: 0,
    error: null,
    decision: null,
    dataSources: {},
    resyncPending: false,
    logDumpPending: false,
  };
}

/** Merges log entries by their own `seq`, oldest first, without duplicates, keeping the newest `max`. */
export function mergeLogEntries(current: readonly LogEntry[], incoming: readonly LogEntry[], max = DEFAULT_MAX_LOG_ENTRIES): LogEntry[] {
  const last = current.at(-1)?.seq ?? 0;
  // The common case, entries in order after the last one held, needs no map.
  if (incoming.every((e, i) => e.seq > last && (i === 0 || e.seq > incoming[i - 1]!.seq))) return [...current, ...incoming].slice(-max);
  const bySeq = new Map(current.map((e) => [e.seq, e]));
  for (const e of incoming) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-max);
}

const unchanged = (state: FocusedRunState): FocusedRunStep => ({ state, applied: false, requests: [] });

/** Where a stream message stands against the last seq seen: the next one, old (drop it) or after a gap. */
function order(next: number, last: number): 'next' | 'old' | 'gap' {
  if (next <= last) return 'old';
  return next === last + 1 ? 'next' : 'gap';
}

function askResync(state: FocusedRunState, cause: FocusedRunRequest['cause']): FocusedRunStep {
  if (state.resyncPending) return unchanged(state);
  return { state: { ...state, resyncPending: true }, applied: false, requests: [{ action: 'resync', cause }] };
}

function askLogDump(state: FocusedRunState, cause: FocusedRunRequest['cause']): FocusedRunStep {
  if (state.logDumpPending) return unchanged(state);
  return { state: { ...state, logDumpPending: true }, applied: false, requests: [{ action: 'log_dump', cause }] };
}

function fromSnapshot(state: FocusedRunState, msg: ServerMessageOf<'init_run'> | ServerMessageOf<'run_snapshot'>): FocusedRunState {
  return {
    ...state,
    ready: true,
    ticker: msg.ticker,
    status: msg.status,
    progress: msg.overall_progress,
    tree: msg.execution_tree,
    contents: msg.contents,
    seq: msg.seq,
    contentSeq: msg.content_seq,
    error: msg.error !== undefined ? msg.error : state.error,
    decision: msg.final_decision !== undefined ? msg.final_decision : state.decision,
    dataSources: msg.data_sources ?? {},
    resyncPending: false,
  };
}

/**
 * Moves a focused client's state on by one server message — the one place that decides how the live stream
 * is applied. `init_run` / `run_snapshot` replace the state; each of the three streams (status, content, log)
 * applies a message only when its seq is `last + 1`. An older seq (a duplicate, or covered by a snapshot) is
 * dropped; a gap, or a status patch naming a node the client lacks, asks for `resync` (status, content) or
 * `log_dump` (logs) once and ignores that stream until the snapshot arrives. After `init_run` it always asks
 * for `log_dump`, since the log ring is not part of `init_run`. Pure: the input state is never changed.
 */
export function reduceFocusedRun(state: FocusedRunState, msg: ServerMessage, options: FocusedRunOptions = {}): FocusedRunStep {
  if (!('run_id' in msg) || msg.run_id !== state.runId) return unchanged(state);
  const maxLogs = options.maxLogEntries ?? DEFAULT_MAX_LOG_ENTRIES;
  switch (msg.type) {
    case 'init_run': {
      const next = { ...fromSnapshot(state, msg), logSeq: msg.log_seq, logDumpPending: false };
      const ask = askLogDump(next, 'join');
      return { state: ask.state, applied: true, requests: ask.requests };
    }
    case 'run_snapshot':
      return { state: fromSnapshot(state, msg), applied: true, requests: [] };
    case 'status_patch_run':
    case 'status_update_run': {
      if (!state.ready || state.resyncPending) return unchanged(state);
      const at = order(msg.seq, state.seq);
      if (at === 'old') return unchanged(state);
      if (at === 'gap') return askResync(state, 'gap');
      if (msg.type === 'status_patch_run') {
        let tree: ExecutionTree;
        try {
          tree = applyStatusPatch(state.tree, msg.changed);
        } catch {
          return askResync(state, 'unknown_parent');
        }
        const dataSources = msg.data_sources ?? state.dataSources;
        return { state: { ...state, tree, seq: msg.seq, status: msg.status, progress: msg.overall_progress, dataSources }, applied: true, requests: [] };
      }
      return {
        state: {
          ...state,
          seq: msg.seq,
          status: msg.status,
          progress: msg.overall_progress,
          error: msg.error !== undefined ? msg.error : state.error,
          decision: msg.final_decision !== undefined ? msg.final_decision : state.decision,
        },
        applied: true,
        requests: [],
      };
    }
    case 'content_patch_run': {
      if (!state.ready || state.resyncPending) return unchanged(state);
      const at = order(msg.seq, state.contentSeq);
      if (at === 'old') return unchanged(state);
      if (at === 'gap') return askResync(state, 'gap');
      let contents: Record<string, string>;
      try {
        contents = applyContentPatches(state.contents, msg.patches);
      } catch {
        return askResync(state, 'unknown_source');
      }
      return { state: { ...state, contents, contentSeq: msg.seq }, applied: true, requests: [] };
    }
    case 'log_append_run': {
      if (!state.ready || state.logDumpPending) return unchanged(state);
      const at = order(msg.seq, state.logSeq);
      if (at === 'old') return unchanged(state);
      if (at === 'gap') return askLogDump(state, 'gap');
      return { state: { ...state, logs: mergeLogEntries(state.logs, msg.entries, maxLogs), logSeq: msg.seq }, applied: true, requests: [] };
    }
    case 'log_snapshot_run':
      return {
        state: { ...state, logs: mergeLogEntries([], msg.entries, maxLogs), logSeq: msg.seq, logDumpPending: false },
        applied: true,
        requests: [],
      };
    default:
      return unchanged(state);
  }
}

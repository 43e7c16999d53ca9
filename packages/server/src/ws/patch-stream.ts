import {
  ContentCopier,
  diffContents,
  diffTree,
  groupTreeChanges,
  indexTreeNodes,
  isTerminalStatus,
  mergeTreeChanges,
  trimTreeChanges,
  type ChangedNode,
  type ExecutionTree,
  type InspectionRecord,
  type LogEntry,
  type RunStatus,
  type ServerMessage,
  type ServerMessageOf,
} from '@tradingfloor/shared';
import type { RunManagerApi } from '@tradingfloor/engine';
import { corked, sendToEach, type HubClient } from './hub-client.js';

/** What a patch stream reads from the engine. */
export type PatchSource = Pick<RunManagerApi, 'get' | 'logs' | 'inspect'>;

export interface PatchStreamOptions {
  /**
   * Coalescing window: the first change after a flush schedules the next flush this many ms later, and
   * every change inside the window rides along. 30 ms is below what a person notices and turns a burst of
   * streamed tokens into one message; 0 flushes on the next `setImmediate` tick.
   */
  flushDelayMs: number;
  /**
   * Least spacing of the flushes a log line asks for (default `flushDelayMs`). A line goes out as soon as the
   * event loop has handled what is waiting (`setImmediate`) when the stream has not flushed for this long, and
   * otherwise this long after that last flush, so a run logging steadily still sends at most one message per
   * window; a change's longer window already running is cut short to it (its patches ride along). Log lines
   * are what a reader follows live, the tree and texts can wait a little.
   */
  logFlushDelayMs?: number;
  /** Pending log entries that force a flush before the window ends, so the queue stays bounded. */
  maxPendingLogs: number;
}

type Snapshot = Omit<ServerMessageOf<'init_run'>, 'type'>;

/** Carried tree changes kept until a flush at most; beyond that the flush diffs the tree instead. */
const MAX_CARRIED_CHANGES = 1000;

/** Inspection records kept back for a dump at most (the engine's ring holds up to this many too). */
const INSPECT_DUMP_LIMIT = 1000;

/** The last number of each of a run's streams, kept when a stream nobody follows any more is freed. */
export interface StreamSeqs {
  seq: number;
  contentSeq: number;
  logSeq: number;
  inspectSeq?: number;
}

/**
 * One run's three outgoing streams (status, content, log) and their sequence numbers. The numbers belong
 * to the run: every subscriber gets the same message with the same seq, and a client joining, resyncing or
 * leaving never changes them. The stream keeps the state it last sent; each flush sends what moved the run's
 * current view on from it (the tree changes the run's `changed` events carried, merged, or else a diff of the
 * trees; contents are diffed), so a snapshot plus the patches after it always rebuild the current view.
 */
export class RunPatchStream {
  readonly subscribers = new Set<HubClient>();
  /** Subscribers that asked for the inspection stream (`&inspect=1`); a subset of `subscribers`. */
  readonly inspectors = new Set<HubClient>();
  private seq: number;
  private contentSeq: number;
  private logSeq: number;
  private inspectSeq: number;
  /** Session of the inspection records in flight; a resumed run starts a new one. */
  private inspectSession: string | null = null;
  private pendingRecords: InspectionRecord[] = [];
  private ticker: string;
  private status: RunStatus;
  private progress: number;
  /** The tree as last sent. The engine never mutates a tree (see `RunView.tree`), so it is held, not copied. */
  private tree: ExecutionTree;
  /**
   * The tree changes the engine reported since the last flush (`changed` events carry them), so a flush sends
   * them instead of diffing the tree again; null when a change came without them: the flush diffs then. Sound
   * because the source's tree moves only by the changes its events carry, and each event arrives after its
   * change is visible in `get()` (the RunManager's mirror applies an event before announcing it): the view's
   * tree is always `tree` with these changes applied, never ahead of them.
   */
  private treeChanges: ChangedNode[] | null = [];
  private contents: Record<string, string>;
  /** Sends the texts the clients already hold (the contents as last sent) as references to them. */
  private readonly copier: ContentCopier;
  /** Highest log entry seq already sent (or skipped while nobody listened). */
  private sentLogSeq: number;
  private pendingLogs: LogEntry[] = [];
  private terminalSent = false;
  /** `data_sources` as last sent (JSON), so a vendor serving a new data kind rides on the next status patch. */
  private dataSourcesJson = '';
  private dirty = false;
  private timer: { cancel(): void } | null = null;
  /** When the scheduled flush runs (`Date.now()` ms). */
  private timerDue = 0;
  /** When the last flush ran (`Date.now()` ms): a log line's flush keeps `logFlushDelayMs` from it. */
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly runId: string,
    private readonly source: PatchSource,
    private readonly options: PatchStreamOptions,
    /** Where the numbers continue from when this run had a stream before (never restart at 0). */
    from: StreamSeqs = { seq: 0, contentSeq: 0, logSeq: 0 },
  ) {
    this.seq = from.seq;
    this.contentSeq = from.contentSeq;
    this.logSeq = from.logSeq;
    this.inspectSeq = from.inspectSeq ?? 0;
    const view = source.get(runId);
    if (view === undefined) throw new Error(`no run ${runId}`);
    this.ticker = view.summary.ticker;
    this.status = view.summary.status;
    this.progress = view.summary.overall_progress;
    this.tree = view.tree;
    this.contents = { ...view.contents };
    this.copier = new ContentCopier(this.contents);
    this.dataSourcesJson = JSON.stringify(view.dataSources ?? {});
    this.sentLogSeq = source.logs(runId)?.last_seq ?? 0;
    // A run that is already over when first watched has nothing more to announce: init_run carries its end.
    if (isTerminalStatus(this.status)) this.terminalSent = true;
  }

  /**
   * The run's status, tree or contents changed. `treeChanges`: the tree's changes since the previous call, as
   * the engine computed them; without them the next flush diffs the whole tree.
   */
  onChanged(treeChanges?: readonly ChangedNode[]): void {
    if (treeChanges === undefined || this.treeChanges === null || this.treeChanges.length + treeChanges.length > MAX_CARRIED_CHANGES) {
      this.treeChanges = null;
    } else {
      this.treeChanges.push(...treeChanges);
    }
    this.dirty = true;
    if (this.subscribers.size > 0) this.schedule();
  }

  /** The run logged an entry. With nobody listening it is only counted (the ring buffer keeps it). */
  onLog(entry: LogEntry): void {
    if (this.subscribers.size === 0) {
      this.sentLogSeq = Math.max(this.sentLogSeq, entry.seq);
      return;
    }
    this.pendingLogs.push(entry);
    if (this.pendingLogs.length >= this.options.maxPendingLogs) return this.flush();
    // Leading edge: a trailing window would hold the first line after a quiet spell back for the whole window,
    // where the engine's own batching has already gathered what arrives together.
    const window = this.options.logFlushDelayMs ?? this.options.flushDelayMs;
    this.schedule(this.lastFlushAt + window - Date.now());
  }

  /**
   * A new inspection record of the run actor. Kept only while someone follows the inspection stream; a
   * record of a new session (the run was resumed) first sends what is pending of the old one.
   */
  onInspect(record: InspectionRecord, session: string): void {
    if (this.inspectors.size === 0) {
      this.inspectSession = session;
      return;
    }
    if (session !== this.inspectSession && this.pendingRecords.length > 0) this.flush();
    this.inspectSession = session;
    this.pendingRecords.push(record);
    if (this.pendingRecords.length >= this.options.maxPendingLogs) this.flush();
    else this.schedule();
  }

  /**
   * Adds a subscriber and sends it `init_run`: the current state and the current seq of each stream. With
   * `inspect` it also gets the inspection stream (`inspect_append_run`) and `init_run` carries `inspect_seq`.
   */
  subscribe(client: HubClient, options: { inspect?: boolean } = {}): void {
    // Bring the stream up to date first, so the joiner's snapshot is current and the others see no gap.
    if (this.dirty || this.pendingLogs.length > 0 || this.pendingRecords.length > 0) this.flush();
    this.subscribers.add(client);
    if (options.inspect) this.inspectors.add(client);
    client.send({ type: 'init_run', ...this.snapshot(), ...(options.inspect ? { inspect_seq: this.inspectSeq } : {}) });
  }

  unsubscribe(client: HubClient): void {
    this.subscribers.delete(client);
    this.inspectors.delete(client);
  }

  /**
   * `inspect_start` on an open focused connection: the client follows the inspection stream from now on; the
   * answer (an `inspect_snapshot_run`) gives it the records so far and the stream's current seq.
   */
  startInspecting(client: HubClient): ServerMessageOf<'inspect_snapshot_run'> {
    // Pending records go out first, to those already inspecting; the snapshot then covers them.
    const snapshot = this.inspectSnapshot();
    if (this.subscribers.has(client)) this.inspectors.add(client);
    return snapshot;
  }

  /** Answer to `inspect_dump`: the records of the current session buffered so far; bumps no seq. */
  inspectSnapshot(): ServerMessageOf<'inspect_snapshot_run'> {
    if (this.pendingRecords.length > 0) this.flush();
    const page = this.source.inspect?.(this.runId, { afterSeq: 0, limit: INSPECT_DUMP_LIMIT });
    return { type: 'inspect_snapshot_run', run_id: this.runId, seq: this.inspectSeq, session: page?.session ?? null, records: page?.records ?? [] };
  }

  /** The state as of the last message of each stream; sending it bumps no seq. */
  snapshot(): Snapshot {
    const current = this.source.get(this.runId);
    const view = this.terminalSent ? current : undefined;
    return {
      run_id: this.runId,
      ticker: this.ticker,
      status: this.status,
      overall_progress: this.progress,
      execution_tree: this.tree,
      contents: this.contents,
      seq: this.seq,
      content_seq: this.contentSeq,
      log_seq: this.logSeq,
      error: view?.error ?? null,
      final_decision: view?.decision ?? null,
      ...(current?.dataSources ? { data_sources: current.dataSources } : {}),
    };
  }

  /** The log entries already streamed (as far as the ring buffer still holds them) and the log seq. */
  logSnapshot(): ServerMessageOf<'log_snapshot_run'> {
    const entries = (this.source.logs(this.runId)?.entries ?? []).filter((e) => e.seq <= this.sentLogSeq);
    return { type: 'log_snapshot_run', run_id: this.runId, seq: this.logSeq, entries };
  }

  /** Sends whatever changed since the last flush, one message per stream that changed. */
  flush(): void {
    this.timer?.cancel();
    this.timer = null;
    this.dirty = false;
    this.lastFlushAt = Date.now();
    // A flush often sends a follower two or three messages (a step's tree change, its text, its log line).
    corked(this.subscribers, () => this.sendChanges());
  }

  private sendChanges(): void {
    const view = this.source.get(this.runId);
    if (view === undefined) return;
    const { status, overall_progress } = view.summary;
    // Against the tree as last sent: an update carries only the fields that moved (see `trimTreeChanges`), and
    // nodes that moved alike (an agent and its report and messages nodes) share one entry (`groupTreeChanges`).
    const carried = this.treeChanges === null ? diffTree(this.tree, view.tree) : mergeTreeChanges(this.treeChanges);
    const index = carried.length > 0 ? indexTreeNodes(this.tree) : undefined;
    const changed = groupTreeChanges(this.tree, trimTreeChanges(this.tree, carried, index), index);
    this.treeChanges = [];
    const sourcesJson = JSON.stringify(view.dataSources ?? {});
    const sourcesChanged = sourcesJson !== this.dataSourcesJson;
    if (changed.length > 0 || status !== this.status || overall_progress !== this.progress || sourcesChanged) {
      this.tree = view.tree;
      this.status = status;
      this.progress = overall_progress;
      this.dataSourcesJson = sourcesJson;
      const sources = sourcesChanged && view.dataSources ? { data_sources: view.dataSources } : {};
      this.broadcast({ type: 'status_patch_run', run_id: this.runId, seq: ++this.seq, changed, overall_progress, status, ...sources });
    }
    const diffed = diffContents(this.contents, view.contents);
    if (diffed.length > 0) {
      // Text the clients already hold goes as a reference to it (`append_parts`).
      const patches = this.copier.encode(diffed);
      this.contents = { ...view.contents };
      this.broadcast({ type: 'content_patch_run', run_id: this.runId, seq: ++this.contentSeq, patches });
    }
    if (this.pendingLogs.length > 0) {
      const entries = this.pendingLogs;
      this.pendingLogs = [];
      this.sentLogSeq = Math.max(this.sentLogSeq, entries.at(-1)!.seq);
      this.broadcast({ type: 'log_append_run', run_id: this.runId, seq: ++this.logSeq, entries });
    }
    if (this.pendingRecords.length > 0) {
      const records = this.pendingRecords;
      this.pendingRecords = [];
      const message: ServerMessageOf<'inspect_append_run'> = {
        type: 'inspect_append_run',
        run_id: this.runId,
        seq: ++this.inspectSeq,
        session: this.inspectSession,
        records,
      };
      // Only to the subscribers that asked for it; the number still belongs to the run.
      sendToEach(this.inspectors, message);
    }
    if (isTerminalStatus(status) && !this.terminalSent) {
      this.terminalSent = true;
      this.broadcast({
        type: 'status_update_run',
        run_id: this.runId,
        ticker: this.ticker,
        status,
        overall_progress,
        seq: ++this.seq,
        error: view.error,
        final_decision: view.decision,
      });
    }
  }

  /** The current number of each stream. */
  seqs(): StreamSeqs {
    return { seq: this.seq, contentSeq: this.contentSeq, logSeq: this.logSeq, inspectSeq: this.inspectSeq };
  }

  /** Stops the timer and drops what is pending; the hub closes the subscribers (or has none left) and forgets the stream. */
  dispose(): void {
    this.timer?.cancel();
    this.timer = null;
    this.pendingLogs = [];
    this.pendingRecords = [];
  }

  /** Schedules a flush `delayMs` from now, unless one is due sooner; a later one is moved up. */
  private schedule(delayMs = this.options.flushDelayMs): void {
    const due = Date.now() + Math.max(0, delayMs);
    if (this.timer !== null) {
      if (this.timerDue <= due) return;
      this.timer.cancel();
    }
    this.timerDue = due;
    const run = () => {
      this.timer = null;
      this.flush();
    };
    if (delayMs <= 0) {
      const handle = setImmediate(run);
      this.timer = { cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(run, delayMs);
      this.timer = { cancel: () => clearTimeout(handle) };
    }
  }

  private broadcast(message: ServerMessage): void {
    sendToEach(this.subscribers, message);
  }
}

import {
  applyContentPatches,
  applyStatusPatch,
  ConflictError,
  isTerminalStatus,
  type Decision,
  type ExecutionTree,
  type Lesson,
  type LogEntry,
  type RunConfig,
  type RunStatus,
  type RunSummary,
  type RunUsage,
  type TreeNode,
  type TreeNodeFields,
} from '@tradingfloor/shared';
import type { EngineHost, HostEvent } from '../host/host-protocol.js';
import type { InspectionPage, InspectionRecord } from '../machine/inspection-buffer.js';
import { RunLog } from '../logs/run-log.js';
import type { DiskViewCache } from './disk-view-cache.js';
import { evictedCopy } from './evicted-run.js';
import { InspectionMirror } from './inspection-mirror.js';
import { mirrorStrings } from './string-pool.js';
import type { RunEntry } from './run-entry.js';
import type { RunView } from './run-manager-api.js';

type Created = Extract<HostEvent, { type: 'created' }>;

/**
 * The server's view of a run executing in an engine host, built from the host's run events only (the view
 * side of the `LiveRun` split): summary, tree, contents, decision, usage, the log ring buffer, inspection
 * records and lessons. Commands (cancel, interrupt, flush) go to the host.
 */
export class RunMirror implements RunEntry {
  readonly runId: string;
  readonly config: RunConfig;
  readonly finished: Promise<RunSummary>;
  private resolveFinished!: (summary: RunSummary) => void;
  private lastSummary: RunSummary;
  private tree: ExecutionTree;
  private contents: Record<string, string>;
  private decision: Decision | null = null;
  private error: string | null = null;
  private usage: RunUsage;
  private dataSources: Record<string, string>;
  private lessonsUsed: Lesson[] | null;
  private readonly log: RunLog;
  private readonly inspection: InspectionMirror;
  private done = false;
  /** A cancel was sent and the host has not reported the end yet: a second one is a no-op. */
  private cancelSent = false;

  constructor(
    private readonly host: EngineHost,
    created: Created,
    options: { logBufferMaxLines: number; inspectionMax?: number; logs?: LogEntry[]; lessons?: Lesson[] | null },
  ) {
    this.runId = created.run_id;
    this.config = created.config;
    this.lastSummary = created.summary;
    compactNodes(created.tree);
    this.tree = created.tree;
    this.contents = created.contents;
    this.usage = created.usage;
    this.dataSources = created.data_sources;
    this.lessonsUsed = options.lessons ?? null;
    this.log = new RunLog({ maxLines: options.logBufferMaxLines, now: () => this.lastSummary.updated_at });
    if (options.logs) this.log.restore(options.logs);
    if (created.logs) this.log.restore(created.logs);
    this.inspection = new InspectionMirror(options.inspectionMax);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Takes one of the host's events of this run; true when it was the `finished` one. */
  apply(event: HostEvent): boolean {
    switch (event.type) {
      case 'changed':
        this.lastSummary = event.summary;
        if (event.tree_changes.length > 0) {
          compactNodes(event.tree_changes);
          this.tree = applyStatusPatch(this.tree, event.tree_changes);
        }
        if (event.contents.length > 0) this.contents = applyContentPatches(this.contents, event.contents);
        if (event.usage) this.usage = event.usage;
        if (event.decision !== undefined) this.decision = event.decision;
        if (event.error !== undefined) this.error = event.error;
        if (event.data_sources) this.dataSources = event.data_sources;
        return false;
      case 'log':
        this.log.push(compactEntry(event.entry));
        return false;
      case 'inspection':
        this.inspection.add(event.record, event.session);
        return false;
      case 'lessons':
        this.lessonsUsed = event.lessons;
        return false;
      case 'finished':
        if (this.done) return false;
        Object.assign(this, { lastSummary: event.summary, decision: event.decision, error: event.error, usage: event.usage, dataSources: event.data_sources });
        this.done = true;
        this.resolveFinished(event.summary);
        return true;
      case 'created':
        // Queue mode: the worker that took a run announced `pending` on the queue opens it; its state replaces
        // the announced one, and the log and inspection records so far stay.
        if (this.done) return false;
        compactNodes(event.tree);
        Object.assign(this, { lastSummary: event.summary, tree: event.tree, contents: event.contents, usage: event.usage, dataSources: event.data_sources });
        return false;
    }
  }

  /**
   * The run was announced again while this view of it was live (a takeover, a hand-back, a re-attach): `next`
   * replaces this view, and whoever waits for this one's end is told that run's end.
   */
  handOver(next: RunMirror): void {
    if (this.done) return;
    this.done = true;
    void next.finished.then((summary) => this.resolveFinished(summary));
  }

  mirror(): RunMirror {
    return this;
  }

  status(): RunStatus {
    return this.lastSummary.status;
  }

  summary(): RunSummary {
    return this.lastSummary;
  }

  view(): RunView {
    return {
      summary: this.lastSummary,
      config: this.config,
      tree: this.tree,
      contents: { ...this.contents },
      decision: this.decision,
      error: this.error,
      usage: this.usage,
      dataSources: { ...this.dataSources },
    };
  }

  logs(): { entries: LogEntry[]; last_seq: number } {
    return { entries: this.log.entries(), last_seq: this.log.lastSeq };
  }

  cancel(): void {
    const status = this.lastSummary.status;
    if (status === 'canceled') return;
    if (isTerminalStatus(status) || status === 'interrupted')
      throw new ConflictError(`run ${this.runId} already ended (${status}); only a pending or running run can be canceled`);
    if (this.cancelSent) return;
    // The in-process host answers at once (a run whose end is being saved: ConflictError); a remote one cannot.
    this.host.cancel(this.runId);
    this.cancelSent = true;
  }

  async interrupt(reason: string): Promise<void> {
    if (this.done) return;
    await this.host.interrupt(this.runId, reason);
  }

  flush(): Promise<void> {
    return this.host.flush(this.runId);
  }

  isFinished(): boolean {
    return this.done;
  }

  inspectionRecords(): InspectionRecord[] {
    return this.inspection.list();
  }

  inspectionPage(afterSeq: number, limit?: number): InspectionPage {
    return this.inspection.page(afterSeq, limit);
  }

  lessons(): Lesson[] | null {
    return this.lessonsUsed;
  }

  phaseTree(): ExecutionTree {
    return this.tree;
  }

  /** A run executing is never resumed: it runs. */
  interrupted(): null {
    return null;
  }

  evict(cache: DiskViewCache): RunEntry {
    return evictedCopy(this, cache);
  }
}

/**
 * Makes the few-valued strings of tree nodes (and of their children) the pooled copies, in place: ids, names,
 * types and statuses repeat in every run's tree, and each status patch that crossed a thread brings its own.
 */
function compactNodes(nodes: ReadonlyArray<TreeNodeFields & { children?: TreeNode[] }>): void {
  for (const node of nodes) {
    node.id = mirrorStrings.intern(node.id);
    node.name = mirrorStrings.intern(node.name);
    node.node_type = mirrorStrings.intern(node.node_type);
    node.status = mirrorStrings.intern(node.status);
    if (node.vendor !== undefined) node.vendor = mirrorStrings.intern(node.vendor);
    if (node.children) compactNodes(node.children);
  }
}

/**
 * The log line as the ring keeps it: a fresh object of the entry's one shape (a structured clone's own keeps its
 * fields out of line) whose severity, source and agent id are the pooled copies (each cloned entry brings its own).
 */
function compactEntry(entry: LogEntry): LogEntry {
  return {
    seq: entry.seq,
    ts: entry.ts,
    iso: entry.iso,
    severity: mirrorStrings.intern(entry.severity),
    source: mirrorStrings.intern(entry.source),
    agent_id: mirrorStrings.intern(entry.agent_id),
    message: entry.message,
  };
}

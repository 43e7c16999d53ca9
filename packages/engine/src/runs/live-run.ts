import {
  ConflictError,
  DATA_KINDS,
  isTerminalStatus,
  type ChangedNode,
  errorMessage,
  type ExecutionTree,
  type Lesson,
  type LogEntry,
  type MachineStateValue,
  type NodeStatus,
  type RunConfig,
  type RunStatus,
  type RunSummary,
  type RunUsage,
  type TreeNodeFields,
} from '@tradingfloor/shared';
import { createActor, type Actor, type InspectionEvent, type Snapshot, type SnapshotFrom } from 'xstate';
import { isVendorChain } from '../data/vendor-chain.js';
import type { MarketDataVendor } from '../data/vendor.js';
import { RunLog } from '../logs/run-log.js';
import type { LessonStore } from '../memory/lesson-store.js';
import { renderLessonsMarkdown } from '../agents/prompts/render-lessons.js';
import type { LlmProvider } from '../providers/provider.js';
import type { RunFiles } from '../results/run-files.js';
import { deriveContents, withGrownMessages } from '../tree/derive-contents.js';
import { runStatusOf } from '../tree/derive-tree.js';
import { LiveTree } from '../tree/live-tree.js';
import { boardFields } from './board-fields.js';
import { InspectionBuffer, type InspectionRecord } from '../machine/inspection-buffer.js';
import type { ToolCallChange } from '../machine/tool-call-records.js';
import { attachRunEnvironment, runMachineWithSteps, type RunEnvironment, type RunSteps } from '../machine/provide-run.js';
import type { RunRestore } from '../host/host-protocol.js';
import { runMachineFor, type RunMachine } from '../machine/run-machine.js';
import { RunPersistence } from './run-persistence.js';
import { meteredProvider, UsageMeter, type PriceOf } from './usage-meter.js';

/** What a live run is built from; the RunManager resolves all of it before creating the run. */
export interface LiveRunOptions {
  runId: string;
  config: RunConfig;
  files: RunFiles;
  createdAt: number;
  vendor: MarketDataVendor;
  /** The run's provider, already wrapped by `EngineDeps.wrapProvider` when there is one. */
  provider: LlmProvider;
  log: RunLog;
  steps: RunSteps;
  priceOf?: PriceOf;
  now(): number;
  /**
   * Called on every change of status, tree, contents or usage (consumers coalesce), with the tree's changes
   * since the previous call (empty when the tree did not change), so a consumer need not diff the tree again.
   */
  onChange(run: LiveRun, treeChanges: ChangedNode[]): void;
  /** Called once, after the final files are written. */
  onFinish(run: LiveRun): void;
  /** The reflection memory's lessons the managers were shown, once chosen (memory on). */
  onLessons?(lessons: Lesson[]): void;
  /** Every inspection record of the actor, as it is made, with the buffer's session (e.g. to stream it). */
  onInspect?(record: InspectionRecord, session: string): void;
  /** An extra inspection observer of the actor (the Stately inspector). */
  inspect?(event: InspectionEvent): void;
  /** Inspection records kept in memory (default `DEFAULT_INSPECTION_MAX`). */
  inspectionMax?: number;
  /** See `InspectionBufferOptions.eagerSummaries`. */
  eagerSummaries?: boolean;
  /** Resume instead of starting afresh: the persisted snapshot of `state.json` and what the run had shown. */
  restore?: RunRestore;
  /** The reflection memory (runs with `memory` on). */
  lessonStore?: LessonStore;
  /** Tool turns per analyst (`LLM_MAX_TOOL_TURNS`); absent = the tool loop's default. */
  maxToolTurns?: number;
}

/**
 * One running run, the execution side of the engine host boundary: its actor (statechart + bound steps), the
 * derived tree and contents, the log, the usage meter and the results files. It follows the actor's
 * snapshots: logs state changes, checkpoints `state.json` shortly after steps end and writes the final files
 * when the run stops. What the server shows of it is built from the host events it causes (`RunMirror`).
 */
export class LiveRun {
  readonly runId: string;
  readonly config: RunConfig;
  readonly finished: Promise<RunSummary>;
  /** Its results files (kept by the host after the run is dropped, so late writes can still be awaited). */
  readonly files: RunFiles;
  private readonly actor: Actor<RunMachine>;
  private readonly meter: UsageMeter;
  /** `state.json` checkpoints and the final files. */
  private readonly persistence: RunPersistence;
  private readonly messages: Record<string, string>;
  /** Makes the actor's inspection records; keeps them (bounded) only when no `onInspect` listener takes them. */
  readonly inspection: InspectionBuffer;
  private snapshot: SnapshotFrom<RunMachine>;
  /** The execution tree of `snapshot`, with its progress and current phase. */
  private readonly tree: LiveTree;
  /** Changes of `tree` not yet handed to `onChange` (kept while quiet, so none is lost). */
  private treeChanges: ChangedNode[] = [];
  /** Bumped whenever the usage meter records a call, so the host sends usage only when it changed. */
  private usageCount = 0;
  /** Bumped whenever an agent's messages grow, so `contents()` can tell its contents are unchanged. */
  private messagesVersion = 0;
  /** The agents whose messages grew since the contents were last derived. */
  private readonly grownMessages = new Set<string>();
  /** The last `dataSources()` answer. */
  private sources: Record<string, string> | null = null;
  private contentsMemo: { context: RunContextLike; messagesVersion: number; contents: Record<string, string> } | null = null;
  private runStatus: RunStatus = 'pending';
  /** A terminal snapshot (or a crash) arrived: the final files are being written; the status shown is still the last active one. */
  private finishing = false;
  /** The terminal status being saved by `finish`, before it is shown. */
  private ending: Exclude<RunStatus, 'interrupted'> | null = null;
  /** `interrupt()` stopped the actor: later snapshots of it are ignored. */
  private interrupting = false;
  private updatedAt: number;
  private lastError: unknown = undefined;
  private done = false;
  private quiet = false;
  /** A restored actor has been started (`begin`). */
  private resumed = false;
  private resolveFinished!: (summary: RunSummary) => void;
  /** The lessons the managers were shown; null until chosen (and always with memory off). */
  private lessonsUsed: Lesson[] | null;
  /** Tool-call starts and ends not yet sent to the actor (see `recordToolCall`). */
  private toolCallChanges: ToolCallChange[] = [];
  private toolCallsScheduled = false;

  constructor(private readonly o: LiveRunOptions) {
    this.runId = o.runId;
    this.config = o.config;
    this.updatedAt = o.createdAt;
    this.files = o.files;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.meter = new UsageMeter(o.priceOf, o.restore?.usage);
    this.persistence = new RunPersistence(o.files, {
      runId: o.runId,
      now: () => o.now(),
      persistedSnapshot: () => this.actor.getPersistedSnapshot(),
      usage: () => this.meter.snapshot(),
      current: () =>
        this.finishing || this.interrupting ? undefined : { context: this.snapshot.context, status: runStatusOf(this.snapshot.value) },
    });
    this.messages = Object.assign(Object.create(null) as Record<string, string>, o.restore?.messages);
    this.lessonsUsed = o.restore?.lessons ?? null;
    const memory =
      o.config.memory && o.lessonStore
        ? {
            store: o.lessonStore,
            restored: this.lessonsUsed,
            onUsed: (lessons: Lesson[]) => {
              this.lessonsUsed = lessons;
              o.onLessons?.(lessons);
              o.files.writeLessons(lessons, renderLessonsMarkdown(lessons, o.config.trade_date));
              this.touch();
            },
          }
        : undefined;
    const restoredValue = (o.restore?.snapshot as { value?: unknown } | undefined)?.value;
    this.inspection = new InspectionBuffer({
      now: o.now,
      ...(o.inspectionMax !== undefined ? { max: o.inspectionMax } : {}),
      // With a listener (the executor's: the host's `inspection` events) the records are kept where they are
      // served, the server's mirror; a second ring here would hold up to `inspectionMax` more per run in flight.
      ...(o.onInspect ? { onRecord: o.onInspect, keep: false } : {}),
      ...(o.eagerSummaries ? { eagerSummaries: true } : {}),
      initialState: (restoredValue as MachineStateValue | undefined) ?? null,
    });
    const provider = meteredProvider(o.provider, this.meter, () => {
      this.usageCount++;
      this.touch();
    });
    const environment: RunEnvironment = {
      runId: o.runId,
      config: o.config,
      vendor: o.vendor,
      provider,
      models: { quick: o.config.quick_think_llm, deep: o.config.deep_think_llm },
      log: o.log.sink,
      appendMessage: (agentId, text) => this.appendMessage(agentId, text),
      recordToolCall: (change) => this.recordToolCall(change),
      flushToolCalls: () => this.flushToolCalls(),
      onStepError: (_agentId, error) => (this.lastError ??= error),
      now: o.now,
      steps: o.steps,
      ...(memory ? { memory } : {}),
      ...(o.maxToolTurns !== undefined ? { maxToolTurns: o.maxToolTurns } : {}),
    };
    const extra = o.inspect;
    const inspect = extra
      ? (event: InspectionEvent) => {
          this.inspection.inspect(event);
          extra(event);
        }
      : this.inspection.inspect;
    // A restored actor comes back in its saved state with its in-flight steps, which start again on start().
    // A snapshot that does not fit the machine throws here, before anything runs.
    this.actor = createActor(runMachineWithSteps(runMachineFor(o.now)), {
      input: { config: o.config },
      id: o.runId,
      inspect,
      ...(o.restore ? { snapshot: o.restore.snapshot as Snapshot<unknown> } : {}),
    });
    // Before the actor starts: its steps find this run's environment by its actor system.
    attachRunEnvironment(this.actor, environment);
    this.snapshot = this.actor.getSnapshot();
    this.runStatus = runStatusOf(this.snapshot.value);
    this.tree = new LiveTree(this.snapshot);
    this.actor.subscribe({ next: (snap) => this.follow(snap), error: (error) => this.crash(error) });
  }

  /**
   * Starts the actor in `pending` and queues the initial `state.json` (the run's writes keep their order: it
   * goes before anything the run writes later; nothing waits for it). No change is reported while it opens, so
   * the manager can announce the run first. A resumed run is only logged here: its actor starts in `begin()`,
   * so that nothing runs before it is announced either.
   */
  open(): void {
    if (this.o.restore) {
      this.o.log.append({
        severity: 'INFO',
        source: 'run',
        agent_id: null,
        message:
          this.runStatus === 'pending'
            ? 'run resumed from the start: it was stopped before its first state.json was saved'
            : `run resumed from state.json (${this.tree.phase ?? this.runStatus}); steps that had not finished start again`,
      });
      return;
    }
    this.quiet = true;
    this.actor.start();
    this.saveState();
    this.quiet = false;
  }

  /**
   * Leaves `pending`: the agents start working. A run canceled before this is left alone. A resumed run's
   * actor starts here, in its saved state: the steps that were in flight start again.
   */
  begin(): void {
    if (this.interrupting) return;
    if (this.o.restore && !this.resumed) {
      this.resumed = true;
      // A CANCEL sent before this waits in the actor's mailbox and is handled right after the start.
      this.actor.start();
    }
    if (this.runStatus !== 'pending' || this.snapshot.context.cancelRequested) return;
    this.o.log.append({
      severity: 'INFO',
      source: 'run',
      agent_id: null,
      message: `run started: ${this.config.ticker} on ${this.config.trade_date} (${this.config.llm_provider})`,
    });
    this.actor.send({ type: 'START' });
  }

  cancel(): void {
    // While its final files are written the run has already ended; the status shows it once they are on disk.
    if (this.runStatus === 'canceled' || this.snapshot.context.cancelRequested) return;
    if (isTerminalStatus(this.runStatus) || this.runStatus === 'interrupted')
      throw new ConflictError(`run ${this.runId} already ended (${this.runStatus}); only a pending or running run can be canceled`);
    // Its end is being saved: it has ended, though the status shows it only once the files are on disk.
    if (this.ending === 'canceled' || this.interrupting) return;
    if (this.ending !== null)
      throw new ConflictError(`run ${this.runId} already ended (${this.ending}); only a pending or running run can be canceled`);
    this.o.log.append({ severity: 'WARN', source: 'run', agent_id: null, message: 'cancel requested' });
    // The calls held back are recorded first: the cancel closes the open one as `canceled`.
    this.flushToolCalls();
    this.actor.send({ type: 'CANCEL' });
  }

  /** Resolves once every file write asked for so far is done (late log lines of stopped steps included). */
  flush(): Promise<void> {
    this.persistence.flushCheckpoint();
    return this.o.files.idle();
  }

  status(): RunStatus {
    return this.runStatus;
  }

  isFinished(): boolean {
    return this.done;
  }

  summary(): RunSummary {
    return {
      run_id: this.runId,
      ticker: this.config.ticker,
      trade_date: this.config.trade_date,
      status: this.runStatus,
      overall_progress: this.tree.progress,
      created_at: this.o.createdAt,
      updated_at: this.updatedAt,
      current_phase: this.tree.phase,
      provider: this.config.llm_provider,
      error: this.snapshot.context.error,
      action: this.snapshot.context.decision?.action ?? null,
      results_path: this.o.files.dir,
      ...boardFields(this.config, this.snapshot.context.decision, this.meter.total(), this.o.vendor.name),
    };
  }

  /** The run's tree: never mutated, a change makes a new one. */
  currentTree(): ExecutionTree {
    return this.tree.tree;
  }

  decision(): RunContextLike['decision'] {
    return this.snapshot.context.decision;
  }

  error(): string | null {
    return this.snapshot.context.error;
  }

  /** The usage so far: the same object until the next model call is metered (do not mutate). */
  usage(): RunUsage {
    return this.meter.snapshot();
  }

  /** Counts the model calls metered so far (usage changed when it grew). */
  /** The run's buffered log entries, oldest first (a re-announce carries them). */
  logEntries(): LogEntry[] {
    return this.o.log.entries();
  }

  usageVersion(): number {
    return this.usageCount;
  }

  /** The text of every report / messages node by node id (shared with later calls: do not mutate). */
  currentContents(): Record<string, string> {
    return this.contents(this.snapshot.context);
  }

  /**
   * The derived contents; derived again only when a text they are made of (or a message) changed, and only
   * the grown messages updated when nothing else did (most changes: an agent's messages grow at each turn).
   */
  private contents(context: RunContextLike): Record<string, string> {
    const memo = this.contentsMemo;
    const texts = memo !== null && sameTexts(memo.context, context);
    if (texts && memo.messagesVersion === this.messagesVersion) return memo.contents;
    const contents =
      (texts && withGrownMessages(memo.contents, this.messages, this.grownMessages)) || deriveContents(context, this.messages, memo ?? undefined);
    this.grownMessages.clear();
    this.contentsMemo = { context, messagesVersion: this.messagesVersion, contents };
    return contents;
  }

  /**
   * Vendor name by data kind: what a fallback chain really used so far, or the one vendor for every kind.
   * The same object until it changes (a change of it is told by identity); do not mutate it.
   */
  dataSources(): Record<string, string> {
    const { vendor } = this.o;
    if (!isVendorChain(vendor)) return (this.sources ??= Object.fromEntries(DATA_KINDS.map((kind) => [kind, vendor.name])));
    const served = vendor.servedBy() as Record<string, string>;
    if (this.sources === null || !sameRecord(this.sources, served)) this.sources = served;
    return this.sources;
  }

  /**
   * Stops the run for a later resume (a graceful stop of the server): its reports and snapshot, with the
   * steps in flight, are saved, then the actor is stopped, which aborts those steps' calls. The run is listed
   * `interrupted`; `RunManager.resume` continues it, redoing only the steps that were in flight. A run already
   * ending (its final files being written) is left to finish. Resolves once its files are on disk.
   */
  async interrupt(reason: string): Promise<RunSummary> {
    if (this.finishing || this.done || this.interrupting) return this.finished;
    // The calls held back go into the snapshot saved (an open one shows in progress until the resume).
    this.flushToolCalls();
    this.interrupting = true;
    if (!this.o.restore || this.resumed) this.checkpoint();
    // An unstarted resumed actor has nothing newer than the state.json it was restored from.
    this.actor.stop();
    this.runStatus = 'interrupted';
    this.o.log.append({ severity: 'WARN', source: 'run', agent_id: null, message: `run interrupted: ${reason}; resume it to continue` });
    // Written, and the logs' descriptors closed: the run is done here (a late line opens its file again).
    await this.o.files.close();
    this.done = true;
    this.touch();
    const summary = this.summary();
    this.o.onFinish(this);
    this.resolveFinished(summary);
    return summary;
  }

  /** Persists the actor's snapshot with its status (the current one unless given). */
  private saveState(final?: Exclude<RunStatus, 'interrupted'>): void {
    this.persistence.saveState(final ?? runStatusOf(this.snapshot.value));
  }

  private follow(snap: SnapshotFrom<RunMachine>): void {
    if (this.interrupting || this.finishing) return;
    const final = runStatusOf(snap.value);
    // The end is shown only once it is saved: `finish` writes the final files, then applies the snapshot.
    if (isTerminalStatus(final)) {
      void this.finish(snap, final);
      return;
    }
    this.apply(snap);
  }

  /** Takes `snap` as the run's state: status, tree and the log lines of what changed; saves at boundaries. */
  private apply(snap: SnapshotFrom<RunMachine>): void {
    const before = this.snapshot;
    this.snapshot = snap;
    const status = runStatusOf(snap.value);
    // A new run status has no line of its own: the run's own lines say it, with more (`run started: …` at
    // START, the only way into `in_progress`; `run completed: HOLD (…)`, `run error: …` in `finish`).
    this.runStatus = status;
    // The tree is made of the node records, the tool calls, the selected analysts and the error only: most
    // snapshots (a step's inner events, a round counter) leave them as they were, and the tree with them. The
    // tree works out its own changes (consumers get this list, not a tree to diff) and tells each phase or
    // agent whose status changed, which is logged.
    const changes = this.tree.update(snap.context, (node) => this.logChange(node));
    for (const change of changes) this.treeChanges.push(change);
    // A step ended (an agent, a debate turn, a manager, the decision's parse): its result is in the context now.
    // Checkpoint soon, one for the steps ending meanwhile: PHASE_CHECKPOINT_MS after a phase's last step (the
    // run moved on to the next phase), STEP_CHECKPOINT_MS after a step inside a phase (its phase's end
    // usually saves it first), so that a resume redoes only the steps in flight and those ended since. A step
    // that only started adds nothing a resume would not redo from the last checkpoint.
    if (snap.children !== before.children && stepEnded(before.children, snap.children) && !isTerminalStatus(status))
      this.persistence.requestCheckpoint(phaseOf(snap.value) === phaseOf(before.value) ? 'step' : 'phase');
    this.touch();
  }

  /**
   * Logs a phase or agent node whose status changed; not an agent's start, which its step logs with more
   * (`market analyst started (tools: …)`, `bull researcher started (round 1 of 1, …)`).
   */
  private logChange(node: TreeNodeFields): void {
    if (node.node_type === 'agent' && node.status === 'in_progress') return;
    this.o.log.append({
      severity: node.status === 'error' ? 'ERROR' : 'INFO',
      source: 'state',
      agent_id: node.node_type === 'agent' ? node.id : null,
      message: stateLine(node.id, node.status, node.duration_ms),
    });
  }

  /** A checkpoint now (an interrupt): the reports so far and the persisted snapshot. */
  private checkpoint(): void {
    this.persistence.checkpoint(this.snapshot.context, runStatusOf(this.snapshot.value));
  }

  /**
   * Ends the run in `status`, in the order a crash at any moment can rely on: the reports, `decision.json`,
   * `usage.json` and `error.log` are written and flushed to disk, then the final `state.json`; only then is
   * the terminal status (and the decision or error) shown and announced. Until then readers see the run as
   * it was, so nothing shows `completed` that a restart could bring back as `interrupted`.
   */
  private async finish(snap: SnapshotFrom<RunMachine>, status: Exclude<RunStatus, 'interrupted'>): Promise<void> {
    // Set before any await: a crash or a second terminal snapshot arriving meanwhile must not finish twice.
    if (this.finishing) return;
    this.finishing = true;
    this.ending = status;
    const { context } = snap;
    await this.persistence.writeFinal(context, status, this.lastError);
    this.apply(snap);
    // A crash leaves the state value as it was: the run's own status says it ended in error.
    this.runStatus = status;
    const d = context.decision;
    this.o.log.append({
      severity: this.runStatus === 'error' ? 'ERROR' : 'INFO',
      source: 'run',
      agent_id: null,
      message: d
        ? `run completed: ${d.action} (${d.rating}, confidence ${d.confidence})`
        : `run ${this.runStatus}${context.error ? `: ${context.error}` : ''}`,
    });
    this.done = true;
    this.touch();
    const summary = this.summary();
    this.o.onFinish(this);
    // `finished` promises the files written, the last log lines included; the logs' descriptors are closed.
    await this.o.files.close();
    this.resolveFinished(summary);
  }

  /** The actor itself failed (a fault in the machine, not a step): end the run as an error. */
  private crash(error: unknown): void {
    if (this.interrupting || this.finishing) return;
    this.lastError ??= error;
    const message = `internal error: ${errorMessage(error)}`;
    this.o.log.append({ severity: 'ERROR', source: 'run', agent_id: null, message });
    void this.finish({ ...this.snapshot, context: { ...this.snapshot.context, error: message } } as SnapshotFrom<RunMachine>, 'error');
  }

  /**
   * A tool call's start or end. An agent's calls on local data start and end within one turn of the event
   * loop, several per model answer, and each event of the actor costs a transition, its inspection records,
   * a tree update and a `changed` event: so they are held and sent together, as one `TOOL_CALLS` event, at
   * the end of the turn (or sooner: before a step's end reaches the actor, a cancel, an interrupt). A call
   * that lasts longer than the turn it started in still shows in progress; one that ended within it arrives
   * ended, with its start and end times. A step stopped by a cancel may still report; a stopped actor takes
   * no events.
   */
  private recordToolCall(change: ToolCallChange): void {
    this.toolCallChanges.push(change);
    if (this.toolCallsScheduled) return;
    this.toolCallsScheduled = true;
    setImmediate(() => {
      this.toolCallsScheduled = false;
      this.flushToolCalls();
    });
  }

  /** Sends the tool-call changes held, if the actor still takes events. */
  private flushToolCalls(): void {
    if (this.toolCallChanges.length === 0) return;
    const changes = this.toolCallChanges;
    this.toolCallChanges = [];
    if (this.actor.getSnapshot().status === 'active' && !this.interrupting) this.actor.send({ type: 'TOOL_CALLS', changes });
  }

  private appendMessage(agentId: string, text: string): void {
    this.messages[agentId] = `${this.messages[agentId] ?? ''}${text}\n`;
    this.messagesVersion++;
    this.grownMessages.add(agentId);
    this.o.files.appendMessage(new Date(this.o.now()).toISOString(), agentId, text);
    this.touch();
  }

  private touch(): void {
    this.updatedAt = this.o.now();
    if (this.quiet) return;
    const treeChanges = this.treeChanges;
    this.treeChanges = [];
    this.o.onChange(this, treeChanges);
  }
}

type RunContextLike = SnapshotFrom<RunMachine>['context'];

/** The phase a state value is in (`analysts`, `research_debate`, …), or null outside `in_progress`. */
function phaseOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const inProgress = (value as { in_progress?: unknown }).in_progress;
  if (typeof inProgress === 'string') return inProgress;
  if (typeof inProgress !== 'object' || inProgress === null) return null;
  for (const phase in inProgress) return phase;
  return null;
}

/** Whether a step of `before` (the invoked actors, by id) is gone from `after`: it ended. */
function stepEnded(before: object, after: object): boolean {
  for (const id in before) if (!Object.hasOwn(after, id)) return true;
  return false;
}

/** Whether two contexts hold the same texts `deriveContents` reads (updates replace, never mutate, them). */
function sameTexts(a: RunContextLike, b: RunContextLike): boolean {
  return (
    a === b ||
    (a.reports === b.reports &&
      a.researchDebate === b.researchDebate &&
      a.riskDebate === b.riskDebate &&
      a.investmentPlan === b.investmentPlan &&
      a.traderPlan === b.traderPlan &&
      a.finalText === b.finalText)
  );
}

/** Whether two flat string records have the same entries. */
function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function stateLine(id: string, status: NodeStatus, durationMs: number | null): string {
  return durationMs !== null && status !== 'in_progress' ? `${id} ${status} after ${durationMs} ms` : `${id} ${status}`;
}

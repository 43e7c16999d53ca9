import { ConflictError, isTerminalStatus, type ExecutionTree, type RunStatus, type RunSummary } from '@tradingfloor/shared';
import { NotLiveRunEntry } from './not-live-entry.js';
import type { DiskViewCache } from './disk-view-cache.js';
import { evictedCopy } from './evicted-run.js';
import { dataSourcesOf } from '../data/run-data-source.js';
import { RunLog } from '../logs/run-log.js';
import type { RunView } from './run-manager-api.js';
import type { StoredRun } from '../results/read-history.js';
import { deriveContents } from '../tree/derive-contents.js';
import { deriveTree, runStatusOf, type RunSnapshotLike } from '../tree/derive-tree.js';
import { computeProgress, currentPhase } from '../tree/progress.js';
import { boardFields } from './board-fields.js';
import type { RunEntry } from './run-entry.js';
import { initialRunContext, type RunContext } from '../machine/run-context.js';
import { errorMessage } from '@tradingfloor/shared';
import { stateValueProblem } from './resume-check.js';
import { RUN_MACHINE_VERSION } from '../machine/run-machine.js';

/**
 * A run found in the results directory at start-up. Finished runs keep their status; a run whose
 * `state.json` is not final was cut short by a restart and is listed as `interrupted` (until resumed), or
 * as `error` with the reason when its snapshot cannot be resumed (`unresumable`: damaged, another machine
 * version, missing from a run already marked an error; a run that never saved one is `interrupted` and
 * resumes from the start). A `state.json` of this machine version whose snapshot is unusable (no context, no
 * config, a state value the machine does not have or that contradicts its status) is `damaged`: the run is
 * listed as `error` with the reason, whatever status the file claims, and is never resumed. A run with a
 * `decision.json` but no final `state.json` was stopped while saving its end: it is `completed` (its
 * decision was paid for; a resume would ask again). Read-only: its tree and reports come from the persisted
 * snapshot when its version is known.
 */
export class StoredRunEntry extends NotLiveRunEntry implements RunEntry {
  readonly runId: string;
  readonly finished: Promise<RunSummary>;
  private readonly runStatus: RunStatus;
  private readonly snapshot: RunSnapshotLike;
  /** The log tail as a ring, made at the first `logs()`: most stored runs' logs are never asked for. */
  private log: RunLog | null = null;
  private readonly logBufferMaxLines: number;
  /** Why this unfinished run cannot be resumed; it is then listed as `error` with this reason. */
  private readonly problem: string | null;
  /** Why its `state.json` is unusable even for display; null when it is fine (or of another version). */
  readonly damage: string | null;
  /** A stored run never changes: its summary and view are derived once (GET /runs and /metrics/phases read hundreds). */
  private cachedSummary: RunSummary | null = null;
  private cachedView: RunView | null = null;

  constructor(
    readonly stored: StoredRun,
    logBufferMaxLines: number,
    unresumable: string | null = null,
  ) {
    super();
    this.runId = stored.runId;
    const read = snapshotOf(stored);
    this.snapshot = read.snapshot;
    this.damage = read.damage;
    const saved = stored.state?.status;
    const finished = saved !== undefined && isTerminalStatus(saved);
    const decided = !finished && stored.decision !== null;
    this.problem = read.damage ?? (finished || decided ? null : unresumable);
    this.runStatus = read.damage !== null ? 'error' : finished ? saved : decided ? 'completed' : this.problem === null ? 'interrupted' : 'error';
    this.logBufferMaxLines = logBufferMaxLines;
    this.finished = Promise.resolve(this.summary());
  }

  status(): RunStatus {
    return this.runStatus;
  }

  cancel(): void {
    if (this.runStatus === 'canceled') return;
    throw new ConflictError(`run ${this.runId} is not running (${this.runStatus}); only a pending or running run can be canceled`);
  }

  summary(): RunSummary {
    this.cachedSummary ??= this.deriveSummary();
    return this.cachedSummary;
  }

  private deriveSummary(): RunSummary {
    const tree = deriveTree(this.snapshot);
    const { context } = this.snapshot;
    return {
      run_id: this.runId,
      ticker: this.stored.config.ticker,
      trade_date: this.stored.config.trade_date,
      status: this.runStatus,
      overall_progress: computeProgress(tree),
      created_at: this.stored.createdAt,
      updated_at: this.stored.updatedAt,
      current_phase: this.runStatus === 'interrupted' ? currentPhase(tree) : null,
      provider: this.stored.config.llm_provider,
      error: this.errorText(context.error),
      action: (this.stored.decision ?? context.decision)?.action ?? null,
      results_path: this.stored.dir,
      ...boardFields(this.stored.config, this.stored.decision ?? context.decision, this.stored.usage?.total ?? null, null),
    };
  }

  view(): RunView {
    this.cachedView ??= this.deriveView();
    return this.cachedView;
  }

  private deriveView(): RunView {
    const { context } = this.snapshot;
    return {
      summary: this.summary(),
      config: this.stored.config,
      tree: deriveTree(this.snapshot),
      contents: deriveContents(context, this.stored.messages ?? {}),
      decision: this.stored.decision ?? context.decision,
      error: this.errorText(context.error),
      usage: this.stored.usage ??
        this.stored.state?.usage ?? { total: { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: null }, by_agent: {}, by_model: {} },
      ...(this.stored.config.data_source ? { dataSources: dataSourcesOf(this.stored.config.data_source) } : {}),
    };
  }

  logs() {
    if (this.log === null) {
      const { stored } = this;
      this.log = new RunLog({ maxLines: this.logBufferMaxLines, now: () => stored.updatedAt });
      this.log.restore(stored.logs);
    }
    return { entries: this.log.entries(), last_seq: this.log.lastSeq };
  }

  phaseTree(): ExecutionTree {
    return this.view().tree;
  }

  interrupted(): StoredRunEntry | null {
    return this.runStatus === 'interrupted' ? this : null;
  }

  evict(cache: DiskViewCache): RunEntry {
    return evictedCopy(this, cache);
  }

  private errorText(fromContext: string | null): string | null {
    return this.problem ?? fromContext ?? this.stored.errorText;
  }
}

/**
 * The persisted snapshot's value and context, when `state.json` is of this machine version and usable;
 * else a blank one, with the reason when a snapshot of this version is damaged.
 */
function snapshotOf(stored: StoredRun): { snapshot: RunSnapshotLike; damage: string | null } {
  const blank: RunSnapshotLike = { value: runStatusOf('pending'), context: initialRunContext(stored.config) };
  const state = stored.state;
  if (state?.machine_version !== RUN_MACHINE_VERSION) return { snapshot: blank, damage: null };
  const damaged = (why: string) => ({ snapshot: blank, damage: `state.json is damaged: ${why}` });
  const snap = state.snapshot as { value?: unknown; context?: Partial<RunContext> } | null;
  if (typeof snap !== 'object' || snap === null) return damaged('it holds no snapshot');
  const { context } = snap;
  if (typeof context !== 'object' || context === null) return damaged('the snapshot has no context');
  if (typeof context.config !== 'object' || context.config === null) return damaged('the snapshot context has no config');
  const valueProblem = stateValueProblem(snap.value, state.status);
  if (valueProblem !== null) return damaged(valueProblem);
  const snapshot = { value: snap.value as RunSnapshotLike['value'], context: { ...context, nodes: context.nodes ?? {} } as RunContext };
  try {
    // Everything the listing and the view derive from it must work now, not fail later in a request.
    computeProgress(deriveTree(snapshot));
    deriveContents(snapshot.context, {});
  } catch (error) {
    return damaged(errorMessage(error));
  }
  return { snapshot, damage: null };
}

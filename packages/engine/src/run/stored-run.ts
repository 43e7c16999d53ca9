import { ConflictError, isTerminalStatus, type RunStatus, type RunSummary } from '@tradingfloor/shared';
import { dataSourcesOf } from '../data/run-data-source.js';
import { RunLog } from '../logs/run-log.js';
import type { RunView } from '../run-manager-api.js';
import type { StoredRun } from '../results/read-history.js';
import { deriveContents } from '../tree/derive-contents.js';
import { deriveTree, runStatusOf, type RunSnapshotLike } from '../tree/derive-tree.js';
import { computeProgress, currentPhase } from '../tree/progress.js';
import { boardFields } from './board-fields.js';
import type { RunEntry } from './run-entry.js';
import { initialRunContext, type RunContext } from './run-context.js';
import { RUN_MACHINE_VERSION } from './run-machine.js';

/**
 * A run found in the results directory at start-up. Finished runs keep their status; a run whose
 * `state.json` is not final was cut short by a restart and is listed as `interrupted` (until resumed), or
 * as `error` with the reason when its snapshot cannot be resumed (`unresumable`: missing, damaged, another
 * machine version). Read-only: its tree and reports come from the persisted snapshot when its version is known.
 */
export class StoredRunEntry implements RunEntry {
  readonly runId: string;
  readonly finished: Promise<RunSummary>;
  private readonly runStatus: RunStatus;
  private readonly snapshot: RunSnapshotLike;
  private readonly log: RunLog;
  /** Why this unfinished run cannot be resumed; it is then listed as `error` with this reason. */
  private readonly problem: string | null;
  /** A stored run never changes: its summary and view are derived once (GET /runs and /metrics/phases read hundreds). */
  private cachedSummary: RunSummary | null = null;
  private cachedView: RunView | null = null;

  constructor(
    readonly stored: StoredRun,
    logBufferMaxLines: number,
    unresumable: string | null = null,
  ) {
    this.runId = stored.runId;
    const saved = stored.state?.status;
    const finished = saved !== undefined && isTerminalStatus(saved);
    this.problem = finished ? null : unresumable;
    this.runStatus = finished ? saved : this.problem === null ? 'interrupted' : 'error';
    this.snapshot = snapshotOf(stored);
    this.log = new RunLog({ maxLines: logBufferMaxLines, now: () => stored.updatedAt });
    this.log.restore(stored.logs);
    this.finished = Promise.resolve(this.summary());
  }

  status(): RunStatus {
    return this.runStatus;
  }

  isFinished(): boolean {
    return true;
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
      contents: deriveContents(context, {}),
      decision: this.stored.decision ?? context.decision,
      error: this.errorText(context.error),
      usage: this.stored.usage ?? { total: { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: null }, by_agent: {}, by_model: {} },
      ...(this.stored.config.data_source ? { dataSources: dataSourcesOf(this.stored.config.data_source) } : {}),
    };
  }

  logs() {
    return { entries: this.log.entries(), last_seq: this.log.lastSeq };
  }

  private errorText(fromContext: string | null): string | null {
    return this.problem ?? fromContext ?? this.stored.errorText;
  }
}

/** The persisted snapshot's value and context, when `state.json` is of this machine version; else a blank one. */
function snapshotOf(stored: StoredRun): RunSnapshotLike {
  const snap = stored.state?.snapshot as { value?: unknown; context?: RunContext } | undefined;
  if (stored.state?.machine_version === RUN_MACHINE_VERSION && snap?.context && snap.value !== undefined) {
    const value = snap.value as RunSnapshotLike['value'];
    return { value, context: { ...snap.context, nodes: snap.context.nodes ?? {} } };
  }
  return { value: runStatusOf('pending'), context: initialRunContext(stored.config) };
}

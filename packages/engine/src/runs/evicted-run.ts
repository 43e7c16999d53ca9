import {
  ConflictError,
  type ExecutionTree,
  type LogEntry,
  type RunConfig,
  type RunStatus,
  type RunSummary,
  type TreeNode,
} from '@tradingfloor/shared';
import type { RunView } from './run-manager-api.js';
import { readRunDirectorySync } from '../results/read-history.js';
import { deriveTree, runStatusOf } from '../tree/derive-tree.js';
import { errorMessage } from '@tradingfloor/shared';
import type { RunEntry } from './run-entry.js';
import { initialRunContext } from '../machine/run-context.js';
import { StoredRunEntry } from './stored-run.js';

/**
 * The few finished runs whose data was read back from disk last, most recent last: a run opened in the SPA
 * is asked for its tree, logs and decision several times in a row, and each ask must not read it again.
 */
export class DiskViewCache {
  private readonly views = new Map<string, { view: RunView; logs: { entries: LogEntry[]; last_seq: number } }>();

  constructor(private readonly max = 8) {}

  get(runId: string, load: () => { view: RunView; logs: { entries: LogEntry[]; last_seq: number } }) {
    let hit = this.views.get(runId);
    if (hit) this.views.delete(runId);
    else hit = load();
    this.views.set(runId, hit);
    while (this.views.size > this.max) this.views.delete(this.views.keys().next().value!);
    return hit;
  }

  delete(runId: string): void {
    this.views.delete(runId);
  }
}

/** Only the `phase` nodes of a tree (their agents left out): what the phase statistics read. */
function phaseSkeleton(tree: ExecutionTree): ExecutionTree {
  const keep = (nodes: TreeNode[]): TreeNode[] =>
    nodes.filter((n) => n.node_type === 'phase').map((n) => ({ ...n, children: keep(n.children) }));
  return keep(tree);
}

/**
 * A finished run evicted from memory (issue 11, `runsInMemory`): only its summary, config and phase timings
 * stay; its tree, contents, decision, usage and logs are read back from its results directory when asked
 * for, through the shared {@link DiskViewCache}. Its inspection records are gone (they are never on disk).
 * If the directory has gone meanwhile (retention), the view is the summary with a blank tree.
 */
export class EvictedRunEntry implements RunEntry {
  readonly runId: string;
  readonly finished: Promise<RunSummary>;
  /** The tree's phase nodes with their timings, for `/metrics/phases` without a disk read per run. */
  readonly phases: ExecutionTree;

  constructor(
    private readonly lastSummary: RunSummary,
    private readonly config: RunConfig,
    tree: ExecutionTree,
    private readonly logBufferMaxLines: number,
    private readonly cache: DiskViewCache,
  ) {
    this.runId = lastSummary.run_id;
    this.phases = phaseSkeleton(tree);
    this.finished = Promise.resolve(lastSummary);
  }

  status(): RunStatus {
    return this.lastSummary.status;
  }

  isFinished(): boolean {
    return true;
  }

  cancel(): void {
    if (this.lastSummary.status === 'canceled') return;
    throw new ConflictError(`run ${this.runId} already ended (${this.lastSummary.status}); only a pending or running run can be canceled`);
  }

  summary(): RunSummary {
    return this.lastSummary;
  }

  view(): RunView {
    return this.read().view;
  }

  logs(): { entries: LogEntry[]; last_seq: number } {
    return this.read().logs;
  }

  private read() {
    return this.cache.get(this.runId, () => {
      try {
        const stored = readRunDirectorySync(this.lastSummary.results_path, this.lastSummary.ticker, this.logBufferMaxLines);
        const entry = new StoredRunEntry(stored, this.logBufferMaxLines);
        // The summary it had in memory stays the run's word (status, progress, updated_at).
        return { view: { ...entry.view(), summary: this.lastSummary }, logs: entry.logs() };
      } catch (error) {
        const tree = deriveTree({ value: runStatusOf('pending'), context: initialRunContext(this.config) });
        const reason = `the results directory cannot be read: ${errorMessage(error)}`;
        const view: RunView = {
          summary: this.lastSummary,
          config: this.config,
          tree,
          contents: {},
          decision: null,
          error: this.lastSummary.error ?? reason,
          usage: { total: { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: null }, by_agent: {}, by_model: {} },
        };
        return { view, logs: { entries: [], last_seq: 0 } };
      }
    });
  }
}

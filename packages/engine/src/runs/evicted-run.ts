import { ConflictError, type ExecutionTree, type LogEntry, type RunConfig, type RunStatus, type RunSummary, type TreeNode } from '@tradingfloor/shared';
import { NotLiveRunEntry } from './not-live-entry.js';
import type { RunView } from './run-manager-api.js';
import type { DiskViewCache } from './disk-view-cache.js';
import type { RunEntry } from './run-entry.js';

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
export class EvictedRunEntry extends NotLiveRunEntry implements RunEntry {
  readonly runId: string;
  readonly finished: Promise<RunSummary>;
  /** The tree's phase nodes with their timings, for `/metrics/phases` without a disk read per run. */
  readonly phases: ExecutionTree;

  constructor(
    private readonly lastSummary: RunSummary,
    private readonly config: RunConfig,
    tree: ExecutionTree,
    private readonly cache: DiskViewCache,
  ) {
    super();
    this.runId = lastSummary.run_id;
    this.phases = phaseSkeleton(tree);
    this.finished = Promise.resolve(lastSummary);
  }

  status(): RunStatus {
    return this.lastSummary.status;
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
    return this.cache.get(this.lastSummary, this.config);
  }

  phaseTree(): ExecutionTree {
    return this.phases;
  }

  interrupted(): null {
    return null;
  }

  evict(): null {
    return null;
  }
}

/** The entry that replaces a finished run held whole once more than `runsInMemory` are (see `RunEntry.evict`). */
export function evictedCopy(entry: RunEntry, cache: DiskViewCache): EvictedRunEntry {
  const view = entry.view();
  return new EvictedRunEntry(entry.summary(), view.config, view.tree, cache);
}

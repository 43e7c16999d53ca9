import { isTerminalStatus, type ExecutionTree, type PhaseMetrics, type RunStatus, type TreeNode } from '@tradingfloor/shared';

/** One run as the phase statistics see it. */
export interface PhaseSample {
  status: RunStatus;
  tree: ExecutionTree;
}

/** Every `phase` node of a tree, at any depth, in document order. */
export function phaseNodes(tree: ExecutionTree): TreeNode[] {
  // An explicit stack, not nested generators: `yield*` costs O(depth) per node, and /metrics/phases walks
  // the trees of every stored run on each request.
  const found: TreeNode[] = [];
  const stack: TreeNode[] = [...tree].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.node_type === 'phase') found.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return found;
}

/**
 * The timed phases of a finished run's tree. A finished run's tree object no longer changes, so the walk is
 * remembered per tree object: a history of hundreds of runs costs one lookup each per request.
 */
const durationsByTree = new WeakMap<ExecutionTree, Array<[string, number]>>();
function finishedPhaseDurations(tree: ExecutionTree): Array<[string, number]> {
  let found = durationsByTree.get(tree);
  if (found === undefined) {
    found = phaseNodes(tree).flatMap((node): Array<[string, number]> => (node.duration_ms === null ? [] : [[node.id, node.duration_ms]]));
    durationsByTree.set(tree, found);
  }
  return found;
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Average and p95 duration of each phase over finished runs, and run counts by status. Phases are the
 * tree's `phase` nodes; a phase that ended in error counts with its time until the error, and
 * one that never ran (no duration) is left out.
 */
export function computePhaseMetrics(samples: Iterable<PhaseSample>): PhaseMetrics {
  const durations = new Map<string, number[]>();
  const byStatus: Record<string, number> = {};
  let finished = 0;
  for (const run of samples) {
    byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
    if (!isTerminalStatus(run.status)) continue;
    finished++;
    for (const [id, duration] of finishedPhaseDurations(run.tree)) {
      const list = durations.get(id) ?? [];
      list.push(duration);
      durations.set(id, list);
    }
  }
  const phases: PhaseMetrics['phases'] = {};
  for (const [phase, list] of durations) {
    list.sort((a, b) => a - b);
    const avg = list.reduce((sum, d) => sum + d, 0) / list.length;
    phases[phase] = { count: list.length, avg_ms: Math.round(avg * 10) / 10, p95_ms: percentile(list, 95) };
  }
  return { runs: finished, phases, by_status: byStatus };
}

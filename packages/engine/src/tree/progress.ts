import type { ExecutionTree } from '@tradingfloor/shared';

/**
 * Overall progress 0..100 from a tree: the share of agent nodes that are completed or skipped. Agents
 * in progress count nothing, so progress never goes back; it reads 100 only once every phase is completed.
 */
export function computeProgress(tree: ExecutionTree): number {
  // Plain loops: this runs at every tree change of every run.
  let agents = 0;
  let done = 0;
  let finished = true;
  for (const phase of tree) {
    if (phase.status !== 'completed') finished = false;
    for (const node of phase.children) {
      if (node.node_type !== 'agent') continue;
      agents++;
      if (node.status === 'completed' || node.status === 'skipped') done++;
    }
  }
  if (agents === 0) return 0;
  const percent = Math.floor((done / agents) * 100);
  return percent >= 100 && !finished ? 99 : percent;
}

/** Id of the phase in progress, or null (before the start and once the run stopped). */
export function currentPhase(tree: ExecutionTree): string | null {
  for (const phase of tree) if (phase.node_type === 'phase' && phase.status === 'in_progress') return phase.id;
  return null;
}

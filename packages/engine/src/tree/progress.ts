import type { ExecutionTree } from '@tradingfloor/shared';

/**
 * Overall progress 0..100 from a tree: the share of agent nodes that are completed or skipped. Agents
 * in progress count nothing, so progress never goes back; it reads 100 only once every phase is completed.
 */
export function computeProgress(tree: ExecutionTree): number {
  const agents = tree.flatMap((phase) => phase.children.filter((n) => n.node_type === 'agent'));
  if (agents.length === 0) return 0;
  const done = agents.filter((a) => a.status === 'completed' || a.status === 'skipped').length;
  const percent = Math.floor((done / agents.length) * 100);
  const finished = tree.every((phase) => phase.status === 'completed');
  return percent >= 100 && !finished ? 99 : percent;
}

/** Id of the phase in progress, or null (before the start and once the run stopped). */
export function currentPhase(tree: ExecutionTree): string | null {
  return tree.find((phase) => phase.node_type === 'phase' && phase.status === 'in_progress')?.id ?? null;
}

import type { NodeStatus } from '@tradingfloor/shared';
import type { NodeRecord } from './run-context.js';

type Records = Record<string, NodeRecord>;

/** Marks a node in progress; a node that already started (a debater's next turn) keeps its first start. */
export function beginNode(nodes: Records, id: string, at: number): Records {
  return { ...nodes, [id]: { status: 'in_progress', started_at: nodes[id]?.started_at ?? at, ended_at: null } };
}

/** Marks a node completed at `at`. */
export function endNode(nodes: Records, id: string, at: number): Records {
  return { ...nodes, [id]: { status: 'completed', started_at: nodes[id]?.started_at ?? at, ended_at: at } };
}

/** Marks a node skipped (an unselected analyst); it never starts. */
export function skipNode(nodes: Records, id: string): Records {
  return { ...nodes, [id]: { status: 'skipped', started_at: null, ended_at: null } };
}

/**
 * Closes every node still in progress when the run stops: the failed step and the phase holding it become
 * `error`, everything else that was running (e.g. the other parallel analysts) `canceled`.
 */
export function settleOpenNodes(nodes: Records, outcome: 'error' | 'canceled', at: number, errorNode: string | null): Records {
  const next: Records = {};
  for (const [id, record] of Object.entries(nodes)) {
    if (record.status !== 'in_progress') {
      next[id] = record;
      continue;
    }
    const failed = outcome === 'error' && errorNode !== null && (errorNode === id || errorNode.startsWith(`${id}.`));
    const status: NodeStatus = failed ? 'error' : 'canceled';
    next[id] = { ...record, status, ended_at: at };
  }
  return next;
}

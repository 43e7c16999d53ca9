import type { ExecutionTree, NodeStatus } from '@tradingfloor/shared';
import { soleNamesakeAgent } from './tree-rows.js';

/** One bar of the phase timeline: seconds from the run's first start to the node's start and end. */
export interface TimelineRow {
  id: string;
  label: string;
  /** 0 for phases, 1 for agents, 2 for an agent's tool calls. */
  depth: number;
  start: number;
  end: number;
  status: NodeStatus;
}

/**
 * Phases, their agents and the agents' tool calls that have started, as floating bars relative to the
 * earliest start. A node still running ends at `now`, so its bar grows.
 */
export function timelineRows(tree: ExecutionTree, now: number): TimelineRow[] {
  const starts = tree.flatMap((p) => [p.started_at, ...p.children.map((c) => c.started_at)]).filter((t): t is number => t !== null);
  if (starts.length === 0) return [];
  const t0 = Math.min(...starts);
  const rows: TimelineRow[] = [];
  const add = (node: ExecutionTree[number], depth: number) => {
    if (node.started_at === null) return;
    const endMs = node.ended_at ?? (node.duration_ms !== null ? node.started_at + node.duration_ms : now);
    rows.push({
      id: node.id,
      label: `${'  '.repeat(depth)}${node.name}`,
      depth,
      start: (node.started_at - t0) / 1000,
      end: Math.max(node.started_at, endMs) / 1000 - t0 / 1000,
      status: node.status,
    });
  };
  for (const phase of tree) {
    add(phase, 0);
    // An agent named like its phase (the trader, the managers) would only repeat the phase's bar.
    const namesake = soleNamesakeAgent(phase);
    for (const agent of phase.children) {
      if (agent.node_type !== 'agent') continue;
      if (agent !== namesake) add(agent, 1);
      for (const call of agent.children) if (call.node_type === 'tool_call') add(call, agent === namesake ? 1 : 2);
    }
  }
  return rows;
}

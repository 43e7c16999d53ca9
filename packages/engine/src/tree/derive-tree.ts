import type { ExecutionTree, NodeStatus, RunStatus, TreeNode } from '@tradingfloor/shared';
import type { StateValue } from 'xstate';
import type { NodeRecord, RunContext } from '../machine/run-context.js';
import type { AgentToolCalls } from '../machine/tool-call-records.js';
import { messagesNodeId, reportNodeId, toolCallNodeId, TREE_LAYOUT, type AgentSlot } from '../machine/tree-layout.js';

/** The parts of a run actor's snapshot the tree is derived from (a live snapshot or one read from `state.json`). */
export interface RunSnapshotLike {
  value: StateValue;
  context: RunContext;
}

/** The run status a statechart value stands for: a top-level state name, or `in_progress` inside it. */
export function runStatusOf(value: StateValue): Exclude<RunStatus, 'interrupted'> {
  if (typeof value !== 'string') return 'in_progress';
  if (value === 'pending' || value === 'completed' || value === 'error' || value === 'canceled') return value;
  return 'in_progress';
}

/**
 * Derives a run's execution tree: phases → agents → `report`, `messages` and one `tool_call` node per
 * recorded tool call. Pure; the phases, agents, reports and messages are fixed by the layout, and tool-call
 * nodes are only ever appended (records are never removed), so successive trees of one run differ in node
 * fields and in new tool-call nodes at the end of an agent's children.
 */
export function deriveTree(snapshot: RunSnapshotLike, previous?: { context: RunContext; tree: ExecutionTree }): ExecutionTree {
  const { context } = snapshot;
  const skipped = (slot: AgentSlot) => slot.phase === 'analysts' && !context.config.analysts.some((k) => slot.id === `analysts.${k}`);
  // A node is made of its record, the run's error and the selected analysts only: where those are the same
  // objects as in `previous`, its node is reused (trees are never mutated), and a phase none of whose nodes
  // changed is reused whole.
  const reusable =
    previous !== undefined &&
    previous.tree.length === TREE_LAYOUT.length &&
    previous.context.error === context.error &&
    previous.context.config.analysts === context.config.analysts;
  const same = (id: string) =>
    reusable && previous.context.nodes[id] === context.nodes[id] && previous.context.toolCalls?.[id] === context.toolCalls?.[id];
  return TREE_LAYOUT.map(({ phase, name, agents }, p) => {
    const before = reusable ? previous.tree[p] : undefined;
    let unchanged = before !== undefined && before.id === phase && same(phase);
    const children = agents.map((slot, a) => {
      const was = before?.children[a];
      if (was !== undefined && was.id === slot.id && same(slot.id)) return was;
      unchanged = false;
      // Only its tool calls changed (a call started or ended): its own nodes and the calls that did not change are kept.
      const kept =
        was !== undefined && was.id === slot.id && previous!.context.nodes[slot.id] === context.nodes[slot.id]
          ? { node: was, calls: previous!.context.toolCalls?.[slot.id] }
          : undefined;
      return agentNode(slot, context, skipped(slot) ? 'skipped' : 'pending', kept);
    });
    if (unchanged && before) return before;
    return { ...fields(phase, name, 'phase', context.nodes[phase], 'pending', context.error), children };
  });
}

/** The agent's node as it was, with the tool-call records it was made of (its record being unchanged). */
interface KeptAgent {
  node: TreeNode;
  calls: AgentToolCalls | undefined;
}

function agentNode(slot: AgentSlot, context: RunContext, fallback: NodeStatus, kept?: KeptAgent): TreeNode {
  const calls = toolCallNodes(slot.id, context.toolCalls?.[slot.id], kept);
  if (kept) {
    const [report, messages] = kept.node.children;
    if (report && messages) {
      const { children: _children, ...agent } = kept.node;
      return { ...agent, children: [report, messages, ...calls] };
    }
  }
  const record = context.nodes[slot.id];
  const agent = fields(slot.id, slot.name, 'agent', record, fallback, context.error);
  return {
    ...agent,
    children: [
      { ...agent, id: reportNodeId(slot.id), name: 'Report', node_type: 'report', children: [] },
      { ...agent, id: messagesNodeId(slot.id), name: 'Messages', node_type: 'messages', children: [] },
      ...calls,
    ],
  };
}

/**
 * The agent's tool calls as `tool_call` nodes, and one `… more` node when calls beyond the cap were only
 * counted. A call whose record is the one `kept` made its node from keeps that node (records are replaced,
 * never mutated, when a call changes).
 */
function toolCallNodes(agentId: string, calls: AgentToolCalls | undefined, kept?: KeptAgent): TreeNode[] {
  if (!calls) return [];
  const keptCalls = kept?.calls?.calls;
  const keptNodes = kept?.node.children;
  const nodes = calls.calls.map((call, i): TreeNode => {
    const was = keptCalls?.[i] === call ? keptNodes?.[i + 2] : undefined;
    if (was !== undefined && was.id === toolCallNodeId(agentId, i + 1)) return was;
    const node: TreeNode = {
      id: toolCallNodeId(agentId, i + 1),
      name: call.name,
      node_type: 'tool_call',
      status: call.status,
      started_at: call.started_at,
      ended_at: call.ended_at,
      duration_ms: call.ended_at !== null ? call.ended_at - call.started_at : null,
      args: call.args,
      children: [],
    };
    if (call.summary !== null) node.summary = call.summary;
    if (call.vendor !== null) node.vendor = call.vendor;
    if (call.error !== null) node.error = call.error;
    return node;
  });
  if (calls.omitted > 0) {
    nodes.push({
      id: `${agentId}.tools.more`,
      name: `${calls.omitted} more tool call${calls.omitted === 1 ? '' : 's'} (not kept)`,
      node_type: 'tool_call',
      status: 'completed',
      started_at: null,
      ended_at: null,
      duration_ms: null,
      children: [],
    });
  }
  return nodes;
}

function fields(
  id: string,
  name: string,
  node_type: TreeNode['node_type'],
  record: NodeRecord | undefined,
  fallback: NodeStatus,
  error: string | null,
): Omit<TreeNode, 'children'> {
  const status = record?.status ?? fallback;
  const started_at = record?.started_at ?? null;
  const ended_at = record?.ended_at ?? null;
  const node: Omit<TreeNode, 'children'> = {
    id,
    name,
    node_type,
    status,
    started_at,
    ended_at,
    duration_ms: started_at !== null && ended_at !== null ? ended_at - started_at : null,
  };
  if (status === 'error' && error !== null) node.error = error;
  return node;
}

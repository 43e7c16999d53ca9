import type { ExecutionTree, NodeStatus, RunConfig, RunStatus, TreeNode, TreeNodeFields } from '@tradingfloor/shared';
import type { StateValue } from 'xstate';
import type { NodeRecord, RunContext } from '../machine/run-context.js';
import type { AgentToolCalls } from '../machine/tool-call-records.js';
import { messagesNodeId, reportNodeId, toolCallNodeId, TREE_LAYOUT, type AgentSlot } from '../machine/tree-layout.js';

/** The parts of a run actor's snapshot the tree is derived from (a live snapshot or one read from `state.json`). */
export interface RunSnapshotLike {
  value: StateValue;
  context: RunContext;
}

/** One tool call as the run context keeps it. */
export type ToolCallRecord = AgentToolCalls['calls'][number];

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
 * fields and in new tool-call nodes at the end of an agent's children. A live run keeps its tree up to date
 * with `LiveTree` instead, which builds the nodes with the same functions.
 */
export function deriveTree(snapshot: RunSnapshotLike): ExecutionTree {
  const { context } = snapshot;
  return TREE_LAYOUT.map(({ phase, name, agents }) =>
    withChildren(
      phaseFields(phase, name, context),
      agents.map((slot) => agentNode(slot, context)),
    ),
  );
}

/** A phase node's fields (all but `children`). */
export function phaseFields(phase: string, name: string, context: RunContext): TreeNodeFields {
  return fields(phase, name, 'phase', context.nodes[phase], 'pending', context.error);
}

/** An agent node's fields (all but `children`); an unselected analyst without a record is `skipped`. */
export function agentFields(slot: AgentSlot, context: RunContext): TreeNodeFields {
  return fields(slot.id, slot.name, 'agent', context.nodes[slot.id], isSkipped(slot, context.config) ? 'skipped' : 'pending', context.error);
}

function isSkipped(slot: AgentSlot, config: RunConfig): boolean {
  return slot.phase === 'analysts' && !config.analysts.some((k) => slot.id === `analysts.${k}`);
}

/** An agent's whole node: its fields, its `report` and `messages` nodes and its tool calls. */
function agentNode(slot: AgentSlot, context: RunContext): TreeNode {
  const agent = agentFields(slot, context);
  const children = [withChildren(reportFields(agent), []), withChildren(messagesFields(agent), [])];
  const calls = context.toolCalls?.[slot.id];
  if (calls) {
    for (let i = 0; i < calls.calls.length; i++) children.push(toolCallNode(toolCallFields(slot.id, i, calls.calls[i]!)));
    if (calls.omitted > 0) children.push(withChildren(moreCallsFields(slot.id, calls.omitted), []));
  }
  return withChildren(agent, children);
}

/** The fields of an agent's `report` node: the agent's own, under the report's id, name and type. */
export function reportFields(agent: TreeNodeFields): TreeNodeFields {
  return childFields(agent, reportNodeId(agent.id), 'Report', 'report');
}

/** The fields of an agent's `messages` node. */
export function messagesFields(agent: TreeNodeFields): TreeNodeFields {
  return childFields(agent, messagesNodeId(agent.id), 'Messages', 'messages');
}

function childFields(agent: TreeNodeFields, id: string, name: string, node_type: TreeNode['node_type']): TreeNodeFields {
  const node: TreeNodeFields = {
    id,
    name,
    node_type,
    status: agent.status,
    started_at: agent.started_at,
    ended_at: agent.ended_at,
    duration_ms: agent.duration_ms,
  };
  if (agent.error !== undefined) node.error = agent.error;
  return node;
}

/** The fields of the agent's `i`th (0-based) tool call's node. */
export function toolCallFields(agentId: string, i: number, call: ToolCallRecord): TreeNodeFields {
  const node: TreeNodeFields = {
    id: toolCallNodeId(agentId, i + 1),
    name: call.name,
    node_type: 'tool_call',
    status: call.status,
    started_at: call.started_at,
    ended_at: call.ended_at,
    duration_ms: call.ended_at !== null ? call.ended_at - call.started_at : null,
    args: call.args,
  };
  if (call.summary !== null) node.summary = call.summary;
  if (call.vendor !== null) node.vendor = call.vendor;
  if (call.error !== null) node.error = call.error;
  return node;
}

/** A tool call's node from its fields: `children` (always empty) right after `args`, as it was always laid out. */
export function toolCallNode(f: TreeNodeFields): TreeNode {
  const node: TreeNode = {
    id: f.id,
    name: f.name,
    node_type: f.node_type,
    status: f.status,
    started_at: f.started_at,
    ended_at: f.ended_at,
    duration_ms: f.duration_ms,
    args: f.args!,
    children: [],
  };
  if (f.summary !== undefined) node.summary = f.summary;
  if (f.vendor !== undefined) node.vendor = f.vendor;
  if (f.error !== undefined) node.error = f.error;
  return node;
}

/** Id of the `… more` node that counts an agent's tool calls beyond the cap. */
const moreCallsNodeId = (agentId: string): string => `${agentId}.tools.more`;

/** The fields of the `… more` node: `omitted` calls beyond the cap were only counted. */
export function moreCallsFields(agentId: string, omitted: number): TreeNodeFields {
  return {
    id: moreCallsNodeId(agentId),
    name: `${omitted} more tool call${omitted === 1 ? '' : 's'} (not kept)`,
    node_type: 'tool_call',
    status: 'completed',
    started_at: null,
    ended_at: null,
    duration_ms: null,
  };
}

/**
 * A phase, agent, report, messages or `… more` node of `f` (which carry no `args`, `summary` or `vendor`),
 * `children` last: the key order the fields' spread always gave.
 */
export function withChildren(f: TreeNodeFields, children: TreeNode[]): TreeNode {
  const { id, name, node_type, status, started_at, ended_at, duration_ms, error } = f;
  return error === undefined
    ? { id, name, node_type, status, started_at, ended_at, duration_ms, children }
    : { id, name, node_type, status, started_at, ended_at, duration_ms, error, children };
}

function fields(
  id: string,
  name: string,
  node_type: TreeNode['node_type'],
  record: NodeRecord | undefined,
  fallback: NodeStatus,
  error: string | null,
): TreeNodeFields {
  const status = record?.status ?? fallback;
  const started_at = record?.started_at ?? null;
  const ended_at = record?.ended_at ?? null;
  const node: TreeNodeFields = {
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

import { diffTree, fieldsDiffer, type ChangedNode, type ExecutionTree, type TreeNode, type TreeNodeFields } from '@tradingfloor/shared';
import type { RunContext } from '../machine/run-context.js';
import type { AgentToolCalls } from '../machine/tool-call-records.js';
import { TREE_LAYOUT, type AgentSlot } from '../machine/tree-layout.js';
import {
  agentFields,
  deriveTree,
  messagesFields,
  moreCallsFields,
  phaseFields,
  reportFields,
  toolCallFields,
  toolCallNode,
  withChildren,
  type RunSnapshotLike,
} from './derive-tree.js';
import { computeProgress, currentPhase } from './progress.js';

/** Told of each phase or agent node whose status changed, in tree order (a phase before its agents). */
export type StatusListener = (node: TreeNodeFields) => void;

/**
 * A live run's execution tree, kept up to date from its successive contexts: each `update` rebuilds only the
 * nodes whose records changed and returns the tree's changes as it finds them, the same list (in tree order)
 * as `diffTree(before, deriveTree(next), { inPlace: true })`, without deriving or walking the rest. The tree
 * always equals `deriveTree` of the last context; it is never mutated (a change makes new nodes along its
 * path, the rest is shared). Its progress and current phase are worked out again only when a phase or agent
 * changed status.
 */
export class LiveTree {
  private nodes: ExecutionTree;
  private context: RunContext;
  private progressValue = 0;
  private phaseValue: string | null = null;

  constructor(snapshot: RunSnapshotLike) {
    this.context = snapshot.context;
    this.nodes = deriveTree(snapshot);
    this.measure();
  }

  /** The tree as of the last update (do not mutate). */
  get tree(): ExecutionTree {
    return this.nodes;
  }

  /** `computeProgress` of the tree. */
  get progress(): number {
    return this.progressValue;
  }

  /** `currentPhase` of the tree. */
  get phase(): string | null {
    return this.phaseValue;
  }

  /**
   * Takes the run's next context: returns the tree's changes (empty when none of what the tree is made of
   * changed: node records, tool calls, the error, the selected analysts) and tells `onStatus` of each phase or
   * agent node whose status changed.
   */
  update(context: RunContext, onStatus?: StatusListener): ChangedNode[] {
    const prev = this.context;
    this.context = context;
    if (context.error !== prev.error || context.config.analysts !== prev.config.analysts) return this.rederive(context, onStatus);
    if (context.nodes === prev.nodes && context.toolCalls === prev.toolCalls) return [];
    const changes: ChangedNode[] = [];
    let tree: TreeNode[] | null = null;
    let moved = false;
    for (let p = 0; p < TREE_LAYOUT.length; p++) {
      const { phase: phaseId, name, agents } = TREE_LAYOUT[p]!;
      const was = this.nodes[p]!;
      let own: TreeNodeFields = was;
      if (context.nodes[phaseId] !== prev.nodes[phaseId]) {
        const f = phaseFields(phaseId, name, context);
        if (fieldsDiffer(was, f)) {
          changes.push(f);
          own = f;
          if (f.status !== was.status) {
            moved = true;
            onStatus?.(f);
          }
        }
      }
      let children: TreeNode[] | null = null;
      for (let a = 0; a < agents.length; a++) {
        const slot = agents[a]!;
        const agentWas = was.children[a]!;
        const recordChanged = context.nodes[slot.id] !== prev.nodes[slot.id];
        const calls = context.toolCalls?.[slot.id];
        const before = prev.toolCalls?.[slot.id];
        if (!recordChanged && calls === before) continue;
        const agent = this.agent(slot, agentWas, recordChanged, calls === before ? null : { calls, before }, changes);
        if (agent === agentWas) continue;
        if (agent.status !== agentWas.status) {
          moved = true;
          onStatus?.(agent);
        }
        children ??= [...was.children];
        children[a] = agent;
      }
      if (own === was && children === null) continue;
      tree ??= [...this.nodes];
      tree[p] = withChildren(own, children ?? was.children);
    }
    if (tree !== null) this.nodes = tree;
    if (moved) this.measure();
    return changes;
  }

  /**
   * An agent's node after its record or tool calls changed (`calls` given when they did), its changes pushed
   * onto `changes` in tree order: the agent, its report and messages, then its tool calls.
   */
  private agent(
    slot: AgentSlot,
    was: TreeNode,
    recordChanged: boolean,
    calls: { calls: AgentToolCalls | undefined; before: AgentToolCalls | undefined } | null,
    changes: ChangedNode[],
  ): TreeNode {
    const [reportWas, messagesWas] = was.children as [TreeNode, TreeNode];
    let own: TreeNodeFields = was;
    let report = reportWas;
    let messages = messagesWas;
    if (recordChanged) {
      const f = agentFields(slot, this.context);
      if (fieldsDiffer(was, f)) {
        changes.push(f);
        own = f;
        const r = reportFields(f);
        if (fieldsDiffer(reportWas, r)) changes.push(r);
        report = withChildren(r, reportWas.children);
        const m = messagesFields(f);
        if (fieldsDiffer(messagesWas, m)) changes.push(m);
        messages = withChildren(m, messagesWas.children);
      }
    }
    if (calls === null) return own === was ? was : withChildren(own, [report, messages, ...was.children.slice(2)]);
    return withChildren(own, [report, messages, ...this.toolCalls(slot.id, was, calls.calls, calls.before, changes)]);
  }

  /**
   * An agent's tool-call nodes from its records: a call whose record is the one before keeps its node (records
   * are replaced, never mutated); a changed one at a place the agent had is a field change, a call beyond them
   * a new node; then the `… more` node when calls beyond the cap were only counted.
   */
  private toolCalls(
    agentId: string,
    was: TreeNode,
    calls: AgentToolCalls | undefined,
    before: AgentToolCalls | undefined,
    changes: ChangedNode[],
  ): TreeNode[] {
    const nodes: TreeNode[] = [];
    if (!calls) return nodes;
    const had = before?.calls ?? [];
    const list = calls.calls;
    for (let i = 0; i < list.length; i++) {
      const call = list[i]!;
      // The tree is `deriveTree` of the context before: its child at `i + 2` was made from `had[i]`.
      if (i < had.length && had[i] === call) {
        nodes.push(was.children[i + 2]!);
        continue;
      }
      const f = toolCallFields(agentId, i, call);
      // A node at its place with its id is the one it was (as `diffTree` matches them); any other is new.
      const old = was.children[i + 2];
      if (old !== undefined && old.id === f.id) {
        if (!fieldsDiffer(old, f)) {
          nodes.push(old);
          continue;
        }
        changes.push(f);
        nodes.push(toolCallNode(f));
        continue;
      }
      const node = toolCallNode(f);
      changes.push({ ...node, parent_id: agentId, index: i + 2 });
      nodes.push(node);
    }
    if (calls.omitted > 0) {
      const at = list.length + 2;
      const old = was.children[at];
      const f = moreCallsFields(agentId, calls.omitted);
      if (old !== undefined && old.id === f.id) {
        if (!fieldsDiffer(old, f)) {
          nodes.push(old);
          return nodes;
        }
        changes.push(f);
      }
      const node = withChildren(f, []);
      if (old === undefined || old.id !== f.id) changes.push({ ...node, parent_id: agentId, index: at });
      nodes.push(node);
    }
    return nodes;
  }

  /** The error or the selected analysts changed (once a run at most): the whole tree again, diffed. */
  private rederive(context: RunContext, onStatus?: StatusListener): ChangedNode[] {
    const previous = this.nodes;
    this.nodes = deriveTree({ value: 'pending', context });
    const changes = diffTree(previous, this.nodes, { inPlace: true });
    this.nodes.forEach((phase, p) => {
      const was = previous[p];
      if (was?.status !== phase.status) onStatus?.(phase);
      phase.children.forEach((agent, a) => {
        if (was?.children[a]?.status !== agent.status) onStatus?.(agent);
      });
    });
    this.measure();
    return changes;
  }

  private measure(): void {
    this.progressValue = computeProgress(this.nodes);
    this.phaseValue = currentPhase(this.nodes);
  }
}

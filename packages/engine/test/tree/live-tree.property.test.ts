import { isDeepStrictEqual } from 'node:util';
import { applyStatusPatch, diffTree, TOOL_CALLS_MAX_PER_AGENT, type AnalystKind, type TreeNodeFields } from '@tradingfloor/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beginNode, endNode, settleOpenNodes, skipNode } from '../../src/machine/node-records.js';
import { initialRunContext, type RunContext } from '../../src/machine/run-context.js';
import { endToolCall, settleToolCalls, startToolCall } from '../../src/machine/tool-call-records.js';
import { TREE_LAYOUT } from '../../src/machine/tree-layout.js';
import { deriveTree } from '../../src/tree/derive-tree.js';
import { LiveTree } from '../../src/tree/live-tree.js';
import { computeProgress, currentPhase } from '../../src/tree/progress.js';
import { testConfig } from '../machine/support.js';

// Every phase and agent node id; a few agents get most tool calls, so that the cap and the `… more` node are reached.
const NODE_IDS = TREE_LAYOUT.flatMap((p) => [p.phase, ...p.agents.map((a) => a.id)]);
const AGENT_IDS = TREE_LAYOUT.flatMap((p) => p.agents.map((a) => a.id));


type Op =
  | { kind: 'begin' | 'end' | 'skip'; id: string }
  | { kind: 'settle'; outcome: 'error' | 'canceled'; errorNode: string | null }
  | { kind: 'startCall'; agentId: string; name: string }
  | { kind: 'endCall'; agentId: string; error: boolean; vendor: boolean }
  | { kind: 'settleCalls' }
  | { kind: 'error'; error: string }
  | { kind: 'analysts'; analysts: AnalystKind[] }
  | { kind: 'sameValues'; id: string }
  | { kind: 'other' };

const nodeId = fc.constantFrom(...NODE_IDS);
const agentId = fc.oneof(
  { weight: 4, arbitrary: fc.constant('analysts.market') },
  { weight: 1, arbitrary: fc.constant('research_debate.bull') },
  { weight: 1, arbitrary: fc.constantFrom(...AGENT_IDS) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('begin' as const, 'end' as const, 'skip' as const), id: nodeId }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      outcome: fc.constantFrom('error' as const, 'canceled' as const),
      errorNode: fc.option(nodeId, { nil: null }),
    }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('startCall' as const), agentId, name: fc.constantFrom('get_news', 'get_prices') }) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant('endCall' as const), agentId, error: fc.boolean(), vendor: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settleCalls' as const }) },
  // A run's error is set, never cleared, but it may be set twice.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('error' as const), error: fc.constantFrom('boom', 'other failure') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('analysts' as const),
      analysts: fc.subarray(['market', 'social', 'news', 'fundamentals'] as AnalystKind[], { minLength: 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sameValues' as const), id: nodeId }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'other' as const }) },
);

/** The next context after `op`, made with the machine's own record functions (records are replaced, never mutated). */
function step(context: RunContext, op: Op, at: number): RunContext {
  switch (op.kind) {
    case 'begin':
      return { ...context, nodes: beginNode(context.nodes, op.id, at) };
    case 'end':
      return { ...context, nodes: endNode(context.nodes, op.id, at) };
    case 'skip':
      return { ...context, nodes: skipNode(context.nodes, op.id) };
    case 'settle':
      return { ...context, nodes: settleOpenNodes(context.nodes, op.outcome, at, op.errorNode) };
    case 'startCall':
      return { ...context, toolCalls: startToolCall(context.toolCalls ?? {}, op.agentId, op.name, `{"at":${at}}`, at) };
    case 'endCall': {
      const outcome = { summary: op.error ? null : `rows ${at}`, vendor: op.vendor ? 'csv' : null, error: op.error ? 'DATA UNAVAILABLE' : null };
      return { ...context, toolCalls: endToolCall(context.toolCalls ?? {}, op.agentId, outcome, at) };
    }
    case 'settleCalls':
      return { ...context, toolCalls: settleToolCalls(context.toolCalls, at) };
    case 'error':
      return { ...context, error: op.error };
    case 'analysts':
      return { ...context, config: { ...context.config, analysts: op.analysts } };
    case 'sameValues': {
      const record = context.nodes[op.id];
      return record ? { ...context, nodes: { ...context.nodes, [op.id]: { ...record } } } : context;
    }
    case 'other':
      return { ...context, researchRound: context.researchRound + 1 };
  }
}

/** The phase and agent nodes of `next` whose status differs from the node at their place in `prev`, in tree order. */
function movedStatuses(prev: ReturnType<typeof deriveTree>, next: ReturnType<typeof deriveTree>): string[] {
  const moved: string[] = [];
  next.forEach((phase, p) => {
    if (prev[p]?.status !== phase.status) moved.push(`${phase.id}=${phase.status}`);
    phase.children.forEach((agent, a) => {
      if (prev[p]?.children[a]?.status !== agent.status) moved.push(`${agent.id}=${agent.status}`);
    });
  });
  return moved;
}

const idsOf = (tree: ReturnType<typeof deriveTree>): string[] => tree.flatMap((n) => [n.id, ...idsOf(n.children)]);

describe('LiveTree', () => {
  it('gives the same tree and the same changes (key order included) as deriving the whole tree and diffing it', () => {
    let capped = 0;
    fc.assert(
      fc.property(fc.boolean(), fc.array(opArb, { minLength: 1, maxLength: 150, size: 'max' }), (withCalls, ops) => {
        let context: RunContext = initialRunContext(testConfig({ analysts: ['market', 'news'] }));
        // A state.json saved before tool calls were recorded has none at all.
        if (!withCalls) delete context.toolCalls;
        const live = new LiveTree({ value: 'pending', context });
        let reference = deriveTree({ value: 'pending', context });
        expect(live.tree).toEqual(reference);
        let at = 1000;
        for (const op of ops) {
          context = step(context, op, (at += 7));
          const told: TreeNodeFields[] = [];
          const changes = live.update(context, (node) => told.push(node));
          const next = deriveTree({ value: 'pending', context });
          // Same JSON: the same entries, in the same order, with their keys in the same order.
          expect(JSON.stringify(changes)).toBe(JSON.stringify(diffTree(reference, next, { inPlace: true })));
          expect(JSON.stringify(live.tree)).toBe(JSON.stringify(next));
          // A patch cannot take a field away: once the run has an error, a node leaving `error` keeps it on a
          // patched copy (with either path); until then the patched tree is the derived one.
          if (context.error === null) expect(isDeepStrictEqual(applyStatusPatch(reference, changes), next)).toBe(true);
          expect(told.map((n) => `${n.id}=${n.status}`)).toEqual(movedStatuses(reference, next));
          expect(live.progress).toBe(computeProgress(next));
          expect(live.phase).toBe(currentPhase(next));
          reference = next;
        }
        if (idsOf(reference).some((id) => id.endsWith('.tools.more'))) capped++;
      }),
      { numRuns: 100 },
    );
    // The generated runs do reach the cap (the `… more` node), not only its dedicated test below.
    expect(capped).toBeGreaterThan(0);
  }, 60_000);

  it('reaches the tool-call cap: the `… more` node is added, then only renamed', () => {
    let context = initialRunContext(testConfig());
    const live = new LiveTree({ value: 'pending', context });
    const added: string[] = [];
    for (let i = 0; i < TOOL_CALLS_MAX_PER_AGENT + 3; i++) {
      context = { ...context, toolCalls: startToolCall(context.toolCalls ?? {}, 'analysts.market', 'get_news', '{}', i) };
      for (const change of live.update(context)) if (change.parent_id !== undefined) added.push(change.id);
    }
    expect(added).toHaveLength(TOOL_CALLS_MAX_PER_AGENT + 1);
    expect(added.at(-1)).toBe('analysts.market.tools.more');
    expect(live.tree).toEqual(deriveTree({ value: 'pending', context }));
    expect(live.tree[0]!.children[0]!.children.at(-1)!.name).toBe('3 more tool calls (not kept)');
  });

  it('shares every node whose records did not change with the tree before', () => {
    let context = initialRunContext(testConfig());
    const live = new LiveTree({ value: 'pending', context });
    const before = live.tree;
    context = { ...context, nodes: beginNode(context.nodes, 'trader.trader', 5) };
    live.update(context);
    const after = live.tree;
    expect(after).not.toBe(before);
    after.forEach((phase, p) => {
      if (phase.id === 'trader') expect(phase).not.toBe(before[p]);
      else expect(phase).toBe(before[p]);
    });
    // Nothing the tree is made of changed: no change, the same tree.
    expect(live.update({ ...context, researchRound: 3 })).toEqual([]);
    expect(live.tree).toBe(after);
  });
});

import { isDeepStrictEqual } from 'node:util';
import {
  applyContentPatches,
  applyStatusPatch,
  diffContents,
  diffTree,
  ExecutionTreeSchema,
  findNode,
  type ExecutionTree,
} from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { initialRunContext } from '../../src/machine/run-context.js';
import { createRunMachine } from '../../src/machine/run-machine.js';
import { deriveContents } from '../../src/tree/derive-contents.js';
import { deriveTree, runStatusOf } from '../../src/tree/derive-tree.js';
import { LiveTree } from '../../src/tree/live-tree.js';
import { computeProgress, currentPhase } from '../../src/tree/progress.js';
import { scriptedSteps, steppingClock, testConfig } from '../machine/support.js';

const ids = (tree: ExecutionTree): string[] => tree.flatMap((n) => [n.id, ...ids(n.children)]);

describe('deriveTree', () => {
  it('lays out phases, agents and their report/messages nodes with stable dotted ids', () => {
    const tree = deriveTree({ value: 'pending', context: initialRunContext(testConfig()) });
    expect(ExecutionTreeSchema.parse(tree)).toEqual(tree);
    expect(tree.map((n) => n.id)).toEqual([
      'analysts',
      'research_debate',
      'research_manager',
      'trader',
      'risk_debate',
      'portfolio_manager',
    ]);
    expect(ids(tree)).toContain('analysts.market.report');
    expect(ids(tree)).toContain('research_debate.bear.messages');
    expect(ids(tree)).toContain('portfolio_manager.manager.report');
    expect(ids(tree)).toHaveLength(6 + 12 * 3);
    expect(findNode(tree, 'analysts.market')).toMatchObject({
      node_type: 'agent',
      name: 'Market Analyst',
      status: 'pending',
      started_at: null,
      duration_ms: null,
    });
    expect(findNode(tree, 'analysts.market.report')?.node_type).toBe('report');
  });

  it('shows unselected analysts as skipped even before the run starts', () => {
    const tree = deriveTree({ value: 'pending', context: initialRunContext(testConfig({ analysts: ['market'] })) });
    expect(findNode(tree, 'analysts.news')?.status).toBe('skipped');
    expect(findNode(tree, 'analysts.news.report')?.status).toBe('skipped');
    expect(findNode(tree, 'analysts.market')?.status).toBe('pending');
  });

  it('computes durations and puts the error on the failed nodes only', () => {
    const context = {
      ...initialRunContext(testConfig()),
      error: 'boom',
      errorNode: 'trader.trader',
      nodes: {
        trader: { status: 'error' as const, started_at: 100, ended_at: 350 },
        'trader.trader': { status: 'error' as const, started_at: 110, ended_at: 350 },
        analysts: { status: 'completed' as const, started_at: 0, ended_at: 90 },
      },
    };
    const tree = deriveTree({ value: 'error', context });
    expect(findNode(tree, 'trader')).toMatchObject({ status: 'error', duration_ms: 250, error: 'boom' });
    expect(findNode(tree, 'trader.trader.report')).toMatchObject({ status: 'error', error: 'boom' });
    expect(findNode(tree, 'analysts')).not.toHaveProperty('error');
    expect(findNode(tree, 'analysts')?.duration_ms).toBe(90);
  });

  it('followed live (LiveTree) over a whole run, equals a fresh derivation and diff at every snapshot and reuses unchanged nodes', async () => {
    const steps = scriptedSteps({});
    const actor = createActor(createRunMachine(steppingClock()).provide({ actors: steps.actors }), {
      input: { config: testConfig({ analysts: ['market', 'news'] }) },
    });
    const live = new LiveTree(actor.getSnapshot());
    let previous = live.tree;
    let reused = 0;
    const mismatches: string[] = [];
    actor.subscribe((snap) => {
      const changes = live.update(snap.context);
      const fresh = deriveTree(snap);
      // Collected rather than thrown: a throw inside a subscriber would be swallowed by the actor.
      if (!isDeepStrictEqual(live.tree, fresh)) mismatches.push(`tree at ${JSON.stringify(snap.value)}`);
      if (!isDeepStrictEqual(changes, diffTree(previous, fresh))) mismatches.push(`changes at ${JSON.stringify(snap.value)}`);
      live.tree.forEach((phase, p) => {
        if (phase === previous[p]) reused++;
      });
      previous = live.tree;
    });
    actor.start();
    actor.send({ type: 'START' });
    await toPromise(actor);
    expect(actor.getSnapshot().status).toBe('done');
    expect(mismatches).toEqual([]);
    expect(reused).toBeGreaterThan(0);
    expect(live.progress).toBe(100);
  });

  it('maps statechart values to run statuses', () => {
    expect(runStatusOf('pending')).toBe('pending');
    expect(runStatusOf({ in_progress: 'trader' })).toBe('in_progress');
    expect(runStatusOf('canceled')).toBe('canceled');
  });
});

describe('computeProgress / currentPhase', () => {
  it('counts completed and skipped agents, and reads 100 only when every phase completed', async () => {
    const steps = scriptedSteps({ hold: ['trader.trader'] });
    const actor = createActor(createRunMachine(steppingClock()).provide({ actors: steps.actors }), {
      input: { config: testConfig({ analysts: ['market', 'news'] }) },
    });
    actor.start();
    expect(computeProgress(deriveTree(actor.getSnapshot()))).toBe(16); // 2 skipped of 12
    expect(currentPhase(deriveTree(actor.getSnapshot()))).toBeNull();
    actor.send({ type: 'START' });
    let call = await steps.next();
    while (call.agentId !== 'trader.trader') call = await steps.next();
    const mid = deriveTree(actor.getSnapshot());
    expect(currentPhase(mid)).toBe('trader');
    expect(computeProgress(mid)).toBe(Math.floor((7 / 12) * 100)); // 4 analysts, bull, bear, manager
    call.resolve('plan');
    await toPromise(actor);
    expect(computeProgress(deriveTree(actor.getSnapshot()))).toBe(100);
    expect(currentPhase(deriveTree(actor.getSnapshot()))).toBeNull();
  });

  it('stays below 100 while the last phase is still open', () => {
    const context = initialRunContext(testConfig());
    const tree = deriveTree({ value: { in_progress: 'portfolio_manager' }, context }).map((phase) => ({
      ...phase,
      status: phase.id === 'portfolio_manager' ? ('in_progress' as const) : phase.status,
      children: phase.children.map((a) => ({ ...a, status: 'completed' as const })),
    }));
    expect(computeProgress(tree)).toBe(99);
  });
});

describe('diffTree / diffContents', () => {
  it('emits only changed fields, and whole new nodes with parent and index', () => {
    const base = deriveTree({ value: 'pending', context: initialRunContext(testConfig()) });
    const next: ExecutionTree = base.map((p) => (p.id === 'trader' ? { ...p, status: 'in_progress', started_at: 5 } : p));
    expect(diffTree(base, next)).toEqual([
      { id: 'trader', name: 'Trader', node_type: 'phase', status: 'in_progress', started_at: 5, ended_at: null, duration_ms: null },
    ]);
    const grown: ExecutionTree = [
      ...next,
      { ...next[0]!, id: 'extra', children: [{ ...next[0]!.children[0]!, id: 'extra.a', children: [] }] },
    ];
    const patch = diffTree(next, grown);
    expect(patch).toHaveLength(1);
    expect(patch[0]).toMatchObject({ id: 'extra', parent_id: null, index: 6 });
    expect(applyStatusPatch(next, patch)).toEqual(grown);
    expect(diffTree(grown, grown)).toEqual([]);
  });

  it('appends when text grows and replaces otherwise', () => {
    expect(diffContents({ a: 'one', b: 'x' }, { a: 'one two', b: 'y', c: 'new' })).toEqual([
      { id: 'a', mode: 'append', text: ' two' },
      { id: 'b', mode: 'replace', content: 'y' },
      { id: 'c', mode: 'append', text: 'new' },
    ]);
    expect(diffContents({ a: 'same' }, { a: 'same' })).toEqual([]);
  });

  it('round-trips through applyStatusPatch / applyContentPatches on every step of a run', async () => {
    const steps = scriptedSteps();
    const messages: Record<string, string> = {};
    const actor = createActor(createRunMachine(steppingClock()).provide({ actors: steps.actors }), {
      input: { config: testConfig({ max_debate_rounds: 2, max_risk_discuss_rounds: 2, analysts: ['market', 'fundamentals', 'news'] }) },
    });
    let tree: ExecutionTree = [];
    let contents: Record<string, string> = {};
    let steps_seen = 0;
    let appends = 0;
    const mismatches: string[] = [];
    actor.subscribe((snap) => {
      // Messages grow between snapshots as agents talk.
      const last = steps.calls.at(-1);
      if (last) messages[last.agentId] = `${messages[last.agentId] ?? ''}turn ${steps_seen}\n`;
      const nextTree = deriveTree(snap);
      const nextContents = deriveContents(snap.context, messages);
      tree = applyStatusPatch(tree, diffTree(tree, nextTree));
      const patches = diffContents(contents, nextContents);
      appends += patches.filter((p) => p.mode === 'append').length;
      contents = applyContentPatches(contents, patches);
      // Collected rather than thrown: a throw inside a subscriber would be swallowed by the actor.
      if (!isDeepStrictEqual(tree, nextTree)) mismatches.push(`tree at step ${steps_seen}`);
      if (!isDeepStrictEqual(contents, nextContents)) mismatches.push(`contents at step ${steps_seen}`);
      steps_seen++;
    });
    actor.start();
    actor.send({ type: 'START' });
    await toPromise(actor);
    expect(mismatches).toEqual([]);
    expect(steps_seen).toBeGreaterThan(15);
    expect(appends).toBeGreaterThan(10);
    expect(contents['research_debate.bull.report']).toBe(
      '### Round 1\n\nresearch_debate.bull r1\n\n### Round 2\n\nresearch_debate.bull r2\n\n',
    );
    expect(contents['portfolio_manager.manager.report']).toBe('portfolio_manager.manager r1');
  });
});

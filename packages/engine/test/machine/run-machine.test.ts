import { RUN_PHASES } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { createRunMachine } from '../../src/machine/run-machine.js';
import { AGENT_NODE } from '../../src/machine/tree-layout.js';
import { scriptedSteps, steppingClock, testConfig } from './support.js';

type Steps = ReturnType<typeof scriptedSteps>;

function startRun(steps: Steps, options: Parameters<typeof testConfig>[0] = {}) {
  const machine = createRunMachine(steppingClock()).provide({ actors: steps.actors });
  const actor = createActor(machine, { input: { config: testConfig(options) } });
  actor.start();
  actor.send({ type: 'START' });
  return actor;
}

const ALL_ANALYSTS = ['analysts.market', 'analysts.social', 'analysts.news', 'analysts.fundamentals'];

describe('run machine: happy path', () => {
  it('runs every phase in order and completes with a decision', async () => {
    const steps = scriptedSteps();
    const actor = startRun(steps);
    await toPromise(actor);
    const snap = actor.getSnapshot();
    expect(snap.value).toBe('completed');
    expect(steps.order().slice(4)).toEqual([
      'research_debate.bull',
      'research_debate.bear',
      'research_manager.manager',
      'trader.trader',
      'risk_debate.aggressive',
      'risk_debate.conservative',
      'risk_debate.neutral',
      'portfolio_manager.manager',
      'decision',
    ]);
    expect(new Set(steps.order().slice(0, 4))).toEqual(new Set(ALL_ANALYSTS));
    expect(snap.context.reports).toEqual({
      market: 'analysts.market r1',
      social: 'analysts.social r1',
      news: 'analysts.news r1',
      fundamentals: 'analysts.fundamentals r1',
    });
    expect(snap.context.investmentPlan).toBe('research_manager.manager r1');
    expect(snap.context.traderPlan).toBe('trader.trader r1');
    expect(snap.context.finalText).toBe('portfolio_manager.manager r1');
    expect(snap.context.decision?.raw_text).toBe('portfolio_manager.manager r1 | decision r1');
    expect(snap.context.error).toBeNull();
  });

  it('records start and end times of every phase and agent from the injected clock', async () => {
    const actor = startRun(scriptedSteps());
    await toPromise(actor);
    const { nodes } = actor.getSnapshot().context;
    for (const phase of RUN_PHASES) {
      const r = nodes[phase];
      expect(r?.status, phase).toBe('completed');
      expect(r!.started_at).toBeGreaterThan(1_000);
      expect(r!.ended_at).toBeGreaterThan(r!.started_at!);
    }
    expect(nodes[AGENT_NODE.portfolioManager]!.ended_at).toBeLessThanOrEqual(nodes['portfolio_manager']!.ended_at!);
    expect(Object.values(nodes).every((n) => n.status === 'completed')).toBe(true);
  });

  it('keeps its context plain JSON in the persisted snapshot', async () => {
    const actor = startRun(scriptedSteps());
    await toPromise(actor);
    const persisted = actor.getPersistedSnapshot();
    expect(JSON.parse(JSON.stringify(persisted))).toEqual(persisted);
  });
});

describe('run machine: round counting', () => {
  it.each([1, 2, 3])('runs %i research debate round(s) of bull then bear', async (rounds) => {
    const steps = scriptedSteps();
    const actor = startRun(steps, { max_debate_rounds: rounds });
    await toPromise(actor);
    const debaters = steps.calls.filter((c) => c.agentId.startsWith('research_debate.'));
    expect(debaters.map((c) => c.agentId)).toEqual(
      Array.from({ length: rounds }, () => ['research_debate.bull', 'research_debate.bear']).flat(),
    );
    expect(debaters.map((c) => c.input['round'])).toEqual(Array.from({ length: rounds }, (_, i) => [i + 1, i + 1]).flat());
    const turns = actor.getSnapshot().context.researchDebate;
    expect(turns).toHaveLength(2 * rounds);
    expect(turns.at(-1)).toEqual({ speaker: 'bear_researcher', round: rounds, text: `research_debate.bear r${rounds}` });
    // Each turn sees the debate so far.
    expect(debaters.at(-1)!.input['debate']).toHaveLength(2 * rounds - 1);
  });

  it.each([1, 2, 3])('runs %i risk round(s) of aggressive, conservative, neutral', async (rounds) => {
    const steps = scriptedSteps();
    const actor = startRun(steps, { max_risk_discuss_rounds: rounds });
    await toPromise(actor);
    const risk = steps.calls.filter((c) => c.agentId.startsWith('risk_debate.')).map((c) => c.agentId);
    expect(risk).toEqual(
      Array.from({ length: rounds }, () => ['risk_debate.aggressive', 'risk_debate.conservative', 'risk_debate.neutral']).flat(),
    );
    expect(actor.getSnapshot().context.riskDebate.map((t) => t.round)).toEqual(
      Array.from({ length: rounds }, (_, i) => [i + 1, i + 1, i + 1]).flat(),
    );
    expect(actor.getSnapshot().value).toBe('completed');
  });

  it('keeps a debater in progress between its turns and completes it with its last turn', async () => {
    const steps = scriptedSteps({ hold: ['research_debate.bear'] });
    const actor = startRun(steps, { max_debate_rounds: 2 });
    let call = await steps.next();
    while (call.agentId !== 'research_debate.bear') call = await steps.next();
    expect(actor.getSnapshot().context.nodes[AGENT_NODE.bull]?.status).toBe('in_progress');
    call.resolve('bear one');
    call = await steps.next(); // bull, round 2
    expect(call.agentId).toBe('research_debate.bull');
    call = await steps.next(); // bear, round 2
    expect(actor.getSnapshot().context.nodes[AGENT_NODE.bull]?.status).toBe('completed');
    expect(actor.getSnapshot().context.nodes[AGENT_NODE.bear]?.status).toBe('in_progress');
    call.resolve('bear two');
    await toPromise(actor);
    expect(actor.getSnapshot().context.nodes[AGENT_NODE.bear]?.status).toBe('completed');
  });
});

describe('run machine: analysts', () => {
  it('skips unselected analysts straight to a final state', async () => {
    const steps = scriptedSteps();
    const actor = startRun(steps, { analysts: ['news', 'market'] });
    await toPromise(actor);
    const analysts = steps.order().filter((id) => id.startsWith('analysts.'));
    expect(new Set(analysts)).toEqual(new Set(['analysts.market', 'analysts.news']));
    const { nodes, reports } = actor.getSnapshot().context;
    expect(nodes['analysts.social']).toEqual({ status: 'skipped', started_at: null, ended_at: null });
    expect(nodes['analysts.fundamentals']?.status).toBe('skipped');
    expect(Object.keys(reports).sort()).toEqual(['market', 'news']);
  });

  it('starts every selected analyst at once in parallel mode', async () => {
    const steps = scriptedSteps({ hold: 'all' });
    const actor = startRun(steps);
    expect(steps.order()).toEqual(ALL_ANALYSTS);
    actor.stop();
  });

  it('runs analysts one after another in sequential mode', async () => {
    const steps = scriptedSteps({ hold: ALL_ANALYSTS });
    const actor = startRun(steps, { sequential_analysts: true, analysts: ['fundamentals', 'social', 'market'] });
    for (const expected of ['analysts.market', 'analysts.social', 'analysts.fundamentals']) {
      const call = await steps.next();
      expect(call.agentId).toBe(expected);
      // Nothing else started while this analyst works.
      expect(steps.calls.filter((c) => c.agentId.startsWith('analysts.'))).toHaveLength(steps.calls.length);
      expect(steps.calls.at(-1)).toBe(call);
      call.resolve(`${expected} done`);
    }
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('completed');
    const { nodes } = actor.getSnapshot().context;
    expect(nodes['analysts.market']!.ended_at!).toBeLessThanOrEqual(nodes['analysts.social']!.started_at!);
    expect(nodes['analysts.social']!.ended_at!).toBeLessThanOrEqual(nodes['analysts.fundamentals']!.started_at!);
  });
});

describe('run machine: errors', () => {
  it('ends in error when an analyst fails, keeping the message and stopping the others', async () => {
    const steps = scriptedSteps({
      hold: ['analysts.market', 'analysts.social', 'analysts.fundamentals'],
      fail: { 'analysts.news': new Error('no data for ACME') },
    });
    const actor = startRun(steps);
    await toPromise(actor);
    const snap = actor.getSnapshot();
    expect(snap.value).toBe('error');
    expect(snap.context.error).toBe('no data for ACME');
    expect(snap.context.errorNode).toBe('analysts.news');
    expect(snap.context.nodes['analysts.news']?.status).toBe('error');
    expect(snap.context.nodes['analysts']?.status).toBe('error');
    expect(snap.context.nodes['analysts.market']?.status).toBe('canceled');
    // The analysts still working were stopped: their signals aborted.
    expect(steps.calls.filter((c) => c.agentId !== 'analysts.news').every((c) => c.signal.aborted)).toBe(true);
    expect(steps.order()).not.toContain('research_debate.bull');
  });

  it('ends in error when the portfolio manager fails', async () => {
    const steps = scriptedSteps({ fail: { 'portfolio_manager.manager': new Error('model refused') } });
    const actor = startRun(steps);
    await toPromise(actor);
    const snap = actor.getSnapshot();
    expect(snap.value).toBe('error');
    expect(snap.context.error).toBe('model refused');
    expect(snap.context.nodes['portfolio_manager']).toMatchObject({ status: 'error' });
    expect(snap.context.nodes['risk_debate']?.status).toBe('completed');
    expect(steps.order()).not.toContain('decision');
  });

  it('ends in error when the decision cannot be extracted', async () => {
    const steps = scriptedSteps({ fail: { decision: new Error('unparseable') } });
    const actor = startRun(steps);
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('error');
    expect(actor.getSnapshot().context).toMatchObject({ error: 'unparseable', errorNode: AGENT_NODE.portfolioManager, decision: null });
  });

  it('keeps the text of a non-Error rejection', async () => {
    const steps = scriptedSteps({ fail: { 'trader.trader': 'plain string failure' as unknown as Error } });
    const actor = startRun(steps);
    await toPromise(actor);
    expect(actor.getSnapshot().context.error).toBe('plain string failure');
  });
});

/** The first step of each phase, where the tests below cancel. */
const PHASE_FIRST_STEP: Record<string, string> = {
  analysts: 'analysts.market',
  research_debate: 'research_debate.bull',
  research_manager: 'research_manager.manager',
  trader: 'trader.trader',
  risk_debate: 'risk_debate.aggressive',
  portfolio_manager: 'portfolio_manager.manager',
};

describe('run machine: cancellation', () => {
  it('cancels from pending without running anything', async () => {
    const steps = scriptedSteps();
    const machine = createRunMachine(steppingClock()).provide({ actors: steps.actors });
    const actor = createActor(machine, { input: { config: testConfig() } }).start();
    actor.send({ type: 'CANCEL' });
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('canceled');
    expect(actor.getSnapshot().context.cancelRequested).toBe(true);
    expect(steps.calls).toHaveLength(0);
  });

  it.each(Object.entries(PHASE_FIRST_STEP))('CANCEL during %s stops at once and aborts the step in flight', async (phase, stepId) => {
    const steps = scriptedSteps({ hold: [stepId] });
    const actor = startRun(steps);
    let call = await steps.next();
    while (call.agentId !== stepId) call = await steps.next();
    const before = steps.calls.length;
    actor.send({ type: 'CANCEL' });
    await toPromise(actor);
    const snap = actor.getSnapshot();
    expect(snap.value).toBe('canceled');
    expect(call.signal.aborted).toBe(true);
    expect(steps.calls).toHaveLength(before);
    expect(snap.context.nodes[phase]?.status).toBe('canceled');
    expect(snap.context.nodes[stepId]?.status).toBe('canceled');
    expect(snap.context.nodes[phase]?.ended_at).not.toBeNull();
  });

  it.each(Object.entries(PHASE_FIRST_STEP))(
    'a graceful CANCEL during %s lets the step finish and stops at the next boundary',
    async (phase, stepId) => {
      const steps = scriptedSteps({ hold: [stepId] });
      const actor = startRun(steps);
      let call = await steps.next();
      while (call.agentId !== stepId) call = await steps.next();
      actor.send({ type: 'CANCEL', graceful: true });
      // Only the flag is raised: the step keeps running, its signal untouched.
      expect(actor.getSnapshot().context.cancelRequested).toBe(true);
      expect(actor.getSnapshot().value).toMatchObject({ in_progress: expect.anything() });
      expect(call.signal.aborted).toBe(false);
      const before = steps.calls.length;
      call.resolve('finished anyway');
      await toPromise(actor);
      expect(actor.getSnapshot().value).toBe('canceled');
      // The boundary guard stopped the run before any further step.
      expect(steps.calls).toHaveLength(before);
      expect(JSON.stringify(actor.getSnapshot().context)).toContain('finished anyway');
      expect(actor.getSnapshot().context.nodes[phase]?.status).toBe('canceled');
    },
  );

  it('a graceful cancel in sequential mode stops before the next analyst starts', async () => {
    const steps = scriptedSteps({ hold: ALL_ANALYSTS });
    const actor = startRun(steps, { sequential_analysts: true });
    const first = await steps.next();
    actor.send({ type: 'CANCEL', graceful: true });
    first.resolve('market done');
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('canceled');
    expect(steps.order()).toEqual(['analysts.market']);
    expect(actor.getSnapshot().context.reports).toEqual({ market: 'market done' });
  });
});

import { ANALYST_KINDS, errorMessage, type AnalystKind, type Decision } from '@tradingfloor/shared';
import { and, assign, fromPromise, setup } from 'xstate';
import type { AgentResult, DebateTurn } from '../agents/agent-context.js';
import { AGENT_NODE, ANALYST_NODE } from './tree-layout.js';
import { beginNode, endNode, settleOpenNodes, skipNode } from './node-records.js';
import { applyToolCallChanges, settleToolCalls } from './tool-call-records.js';
import {
  initialRunContext,
  SPEAKER,
  type AnalystStepInput,
  type DecisionStepInput,
  type PortfolioManagerStepInput,
  type ResearcherStepInput,
  type ResearchManagerStepInput,
  type RiskStepInput,
  type RunContext,
  type RunMachineEvent,
  type RunMachineInput,
  type TraderStepInput,
} from './run-context.js';

/** Bumped whenever the statechart or its context changes shape, so an old `state.json` is not resumed blindly. */
export const RUN_MACHINE_VERSION = 1;

/** Epoch milliseconds. Injected so the machine stays pure and tests control time. */
export type RunClock = () => number;

// Placeholders: the definition only declares each step's input/output; `runMachineWithSteps` binds the real agents
// and tests bind fakes with `.provide()`.
const unbound = <TOutput, TInput>(step: string) =>
  fromPromise<TOutput, TInput>(() => Promise.reject(new Error(`run step "${step}" has no implementation (bind it with runMachineWithSteps)`)));

type Debater = ResearcherStepInput['side'] | RiskStepInput['stance'];
const DEBATER_NODE: Record<Debater, string> = {
  bull: AGENT_NODE.bull,
  bear: AGENT_NODE.bear,
  aggressive: AGENT_NODE.aggressive,
  conservative: AGENT_NODE.conservative,
  neutral: AGENT_NODE.neutral,
};

/**
 * Builds the run statechart (docs/architecture.md, "The run statechart"). The clock is bound here rather than kept in context, so the
 * context stays plain JSON for `state.json` while node timings still come from an injected time source.
 *
 * Sequential analysts: all four regions of the parallel `analysts` state still exist, but each selected
 * region waits in `waiting` until every selected analyst before it (in `ANALYST_KINDS` order) has its
 * report. One definition serves both modes and the tree keeps one shape.
 */
export function createRunMachine(clock: RunClock) {
  const run = setup({
    types: {} as { context: RunContext; events: RunMachineEvent; input: RunMachineInput },
    actors: {
      analyst: unbound<AgentResult, AnalystStepInput>('analyst'),
      researcher: unbound<AgentResult, ResearcherStepInput>('researcher'),
      researchManager: unbound<AgentResult, ResearchManagerStepInput>('researchManager'),
      trader: unbound<AgentResult, TraderStepInput>('trader'),
      riskAnalyst: unbound<AgentResult, RiskStepInput>('riskAnalyst'),
      portfolioManager: unbound<AgentResult, PortfolioManagerStepInput>('portfolioManager'),
      extractDecision: unbound<Decision, DecisionStepInput>('extractDecision'),
    },
    guards: {
      isCancelRequested: ({ context }) => context.cancelRequested,
      isGracefulCancel: ({ event }) => event.type === 'CANCEL' && event.graceful === true,
      isSelected: ({ context }, params: { kind: AnalystKind }) => context.config.analysts.includes(params.kind),
      isAnalystTurn: ({ context }, params: { kind: AnalystKind }) => {
        if (!context.config.sequential_analysts) return true;
        const before = ANALYST_KINDS.slice(0, ANALYST_KINDS.indexOf(params.kind));
        return before.every((k) => !context.config.analysts.includes(k) || context.reports[k] !== undefined);
      },
      hasDebateRoundsLeft: ({ context }) => context.researchRound < context.config.max_debate_rounds,
      hasRiskRoundsLeft: ({ context }) => context.riskRound < context.config.max_risk_discuss_rounds,
    },
    actions: {
      flagCancel: assign({ cancelRequested: true }),
      beginNode: assign(({ context }, params: { id: string }) => ({ nodes: beginNode(context.nodes, params.id, clock()) })),
      endNode: assign(({ context }, params: { id: string }) => ({ nodes: endNode(context.nodes, params.id, clock()) })),
      skipNode: assign(({ context }, params: { id: string }) => ({ nodes: skipNode(context.nodes, params.id) })),
      nextResearchRound: assign(({ context }) => ({ researchRound: context.researchRound + 1 })),
      nextRiskRound: assign(({ context }) => ({ riskRound: context.riskRound + 1 })),
      storeReport: assign(({ context }, params: { kind: AnalystKind; text: string }) => ({
        reports: { ...context.reports, [params.kind]: params.text },
        nodes: endNode(context.nodes, ANALYST_NODE[params.kind], clock()),
      })),
      // A debater's node stays in progress between its turns and completes with its last one.
      recordTurn: assign(({ context }, params: { speaker: Debater; text: string }) => {
        const research = params.speaker === 'bull' || params.speaker === 'bear';
        const round = research ? context.researchRound : context.riskRound;
        const last = round >= (research ? context.config.max_debate_rounds : context.config.max_risk_discuss_rounds);
        const turn: DebateTurn = { speaker: SPEAKER[params.speaker], round, text: params.text };
        const nodes = last ? endNode(context.nodes, DEBATER_NODE[params.speaker], clock()) : context.nodes;
        return research
          ? { researchDebate: [...context.researchDebate, turn], nodes }
          : { riskDebate: [...context.riskDebate, turn], nodes };
      }),
      fail: assign((_, params: { node: string; error: unknown }) => ({ error: errorMessage(params.error), errorNode: params.node })),
      settleAsError: assign(({ context }) => ({
        nodes: settleOpenNodes(context.nodes, 'error', clock(), context.errorNode),
        toolCalls: settleToolCalls(context.toolCalls, clock()),
      })),
      settleAsCanceled: assign(({ context }) => ({
        nodes: settleOpenNodes(context.nodes, 'canceled', clock(), null),
        toolCalls: settleToolCalls(context.toolCalls, clock()),
      })),
      // Sent by the run (what the tool loop reported through `RunEnvironment.recordToolCall`) while analysts work.
      recordToolCalls: assign(({ context, event }) =>
        event.type === 'TOOL_CALLS' ? { toolCalls: applyToolCallChanges(context.toolCalls ?? {}, event.changes) } : {},
      ),
    },
  });

  const failAt = (node: string) => ({
    type: 'fail' as const,
    params: ({ event }: { event: { error: unknown } }) => ({ node, error: event.error }),
  });
  const begin = (id: string) => ({ type: 'beginNode' as const, params: { id } });
  const end = (id: string) => ({ type: 'endNode' as const, params: { id } });
  const toCanceled = { guard: 'isCancelRequested', target: '#run.canceled' } as const;

  const analystRegion = (kind: AnalystKind) =>
    run.createStateConfig({
      initial: 'checking',
      states: {
        checking: { always: [{ guard: { type: 'isSelected', params: { kind } }, target: 'waiting' }, { target: 'skipped' }] },
        // The cancel flag is checked when this analyst's turn comes, so a graceful cancel lets the one in flight finish.
        waiting: {
          always: [
            { guard: and([{ type: 'isAnalystTurn', params: { kind } }, 'isCancelRequested']), target: '#run.canceled' },
            { guard: { type: 'isAnalystTurn', params: { kind } }, target: 'running' },
          ],
        },
        running: {
          entry: begin(ANALYST_NODE[kind]),
          invoke: {
            src: 'analyst',
            input: { kind, agentId: ANALYST_NODE[kind] },
            onDone: { target: 'done', actions: { type: 'storeReport', params: ({ event }) => ({ kind, text: event.output.text }) } },
            onError: { target: '#run.error', actions: failAt(ANALYST_NODE[kind]) },
          },
        },
        done: { type: 'final' },
        skipped: { type: 'final', entry: { type: 'skipNode', params: { id: ANALYST_NODE[kind] } } },
      },
    });

  const turn = (speaker: Debater) => ({
    type: 'recordTurn' as const,
    params: ({ event }: { event: { output: AgentResult } }) => ({ speaker, text: event.output.text }),
  });

  /** After a turn: stop if a graceful cancel is pending, else loop for another round or move on. */
  const afterTurn = (speaker: Debater, then: string, loop?: { guard: 'hasDebateRoundsLeft' | 'hasRiskRoundsLeft'; target: string }) => [
    { ...toCanceled, actions: turn(speaker) },
    ...(loop ? [{ guard: loop.guard, target: loop.target, actions: turn(speaker) }] : []),
    { target: then, actions: turn(speaker) },
  ];

  // The first speaker of a round opens it (round counter + 1); its node keeps its first start time.
  const researchTurn = (side: ResearcherStepInput['side'], then: string, loop?: { guard: 'hasDebateRoundsLeft'; target: string }) =>
    run.createStateConfig({
      entry: side === 'bull' ? ['nextResearchRound', begin(DEBATER_NODE[side])] : [begin(DEBATER_NODE[side])],
      invoke: {
        src: 'researcher',
        input: ({ context }) => ({
          side,
          agentId: DEBATER_NODE[side],
          round: context.researchRound,
          reports: context.reports,
          debate: context.researchDebate,
        }),
        onDone: afterTurn(side, then, loop),
        onError: { target: '#run.error', actions: failAt(DEBATER_NODE[side]) },
      },
    });

  const riskTurn = (stance: RiskStepInput['stance'], then: string, loop?: { guard: 'hasRiskRoundsLeft'; target: string }) =>
    run.createStateConfig({
      entry: stance === 'aggressive' ? ['nextRiskRound', begin(DEBATER_NODE[stance])] : [begin(DEBATER_NODE[stance])],
      invoke: {
        src: 'riskAnalyst',
        input: ({ context }) => ({
          stance,
          agentId: DEBATER_NODE[stance],
          round: context.riskRound,
          reports: context.reports,
          traderPlan: context.traderPlan ?? '',
          debate: context.riskDebate,
        }),
        onDone: afterTurn(stance, then, loop),
        onError: { target: '#run.error', actions: failAt(DEBATER_NODE[stance]) },
      },
    });

  return run.createMachine({
    id: 'run',
    context: ({ input }) => initialRunContext(input.config),
    initial: 'pending',
    states: {
      pending: {
        on: {
          START: [toCanceled, { target: 'in_progress' }],
          CANCEL: { target: 'canceled', actions: 'flagCancel' },
        },
      },
      in_progress: {
        initial: 'analysts',
        on: {
          TOOL_CALLS: { actions: 'recordToolCalls' },
          CANCEL: [
            { guard: 'isGracefulCancel', actions: 'flagCancel' },
            { target: 'canceled', actions: 'flagCancel' },
          ],
        },
        states: {
          analysts: {
            type: 'parallel',
            entry: begin('analysts'),
            states: {
              market: analystRegion('market'),
              social: analystRegion('social'),
              news: analystRegion('news'),
              fundamentals: analystRegion('fundamentals'),
            },
            onDone: [toCanceled, { target: 'research_debate', actions: end('analysts') }],
          },
          research_debate: {
            entry: begin('research_debate'),
            initial: 'bull',
            states: {
              bull: researchTurn('bull', 'bear'),
              bear: researchTurn('bear', 'done', { guard: 'hasDebateRoundsLeft', target: 'bull' }),
              done: { type: 'final' },
            },
            onDone: [toCanceled, { target: 'research_manager', actions: end('research_debate') }],
          },
          research_manager: {
            entry: [begin('research_manager'), begin(AGENT_NODE.researchManager)],
            invoke: {
              src: 'researchManager',
              input: ({ context }) => ({ agentId: AGENT_NODE.researchManager, reports: context.reports, debate: context.researchDebate }),
              onDone: [
                { ...toCanceled, actions: assign({ investmentPlan: ({ event }) => event.output.text }) },
                {
                  target: 'trader',
                  actions: [
                    assign({ investmentPlan: ({ event }) => event.output.text }),
                    end(AGENT_NODE.researchManager),
                    end('research_manager'),
                  ],
                },
              ],
              onError: { target: '#run.error', actions: failAt(AGENT_NODE.researchManager) },
            },
          },
          trader: {
            entry: [begin('trader'), begin(AGENT_NODE.trader)],
            invoke: {
              src: 'trader',
              input: ({ context }) => ({
                agentId: AGENT_NODE.trader,
                reports: context.reports,
                investmentPlan: context.investmentPlan ?? '',
              }),
              onDone: [
                { ...toCanceled, actions: assign({ traderPlan: ({ event }) => event.output.text }) },
                {
                  target: 'risk_debate',
                  actions: [assign({ traderPlan: ({ event }) => event.output.text }), end(AGENT_NODE.trader), end('trader')],
                },
              ],
              onError: { target: '#run.error', actions: failAt(AGENT_NODE.trader) },
            },
          },
          risk_debate: {
            entry: begin('risk_debate'),
            initial: 'aggressive',
            states: {
              aggressive: riskTurn('aggressive', 'conservative'),
              conservative: riskTurn('conservative', 'neutral'),
              neutral: riskTurn('neutral', 'done', { guard: 'hasRiskRoundsLeft', target: 'aggressive' }),
              done: { type: 'final' },
            },
            onDone: [toCanceled, { target: 'portfolio_manager', actions: end('risk_debate') }],
          },
          portfolio_manager: {
            entry: [begin('portfolio_manager'), begin(AGENT_NODE.portfolioManager)],
            initial: 'deciding',
            states: {
              deciding: {
                invoke: {
                  src: 'portfolioManager',
                  input: ({ context }) => ({
                    agentId: AGENT_NODE.portfolioManager,
                    reports: context.reports,
                    investmentPlan: context.investmentPlan ?? '',
                    traderPlan: context.traderPlan ?? '',
                    riskDebate: context.riskDebate,
                  }),
                  onDone: [
                    { ...toCanceled, actions: assign({ finalText: ({ event }) => event.output.text }) },
                    { target: 'extracting', actions: assign({ finalText: ({ event }) => event.output.text }) },
                  ],
                  onError: { target: '#run.error', actions: failAt(AGENT_NODE.portfolioManager) },
                },
              },
              // The decision is part of the portfolio manager's step: its node completes once it is parsed.
              extracting: {
                invoke: {
                  src: 'extractDecision',
                  input: ({ context }) => ({ text: context.finalText ?? '' }),
                  onDone: {
                    target: '#run.completed',
                    actions: [
                      assign({ decision: ({ event }) => event.output }),
                      end(AGENT_NODE.portfolioManager),
                      end('portfolio_manager'),
                    ],
                  },
                  onError: { target: '#run.error', actions: failAt(AGENT_NODE.portfolioManager) },
                },
              },
            },
          },
        },
      },
      completed: { type: 'final' },
      error: { type: 'final', entry: 'settleAsError' },
      canceled: { type: 'final', entry: 'settleAsCanceled' },
    },
  });
}

/** The run statechart type, for actors and `.provide()`. */
export type RunMachine = ReturnType<typeof createRunMachine>;

const machines = new WeakMap<RunClock, RunMachine>();

/**
 * The run statechart for `clock`, built once per clock and shared: building it (setup, then parsing the
 * state tree) is a few ms, and every run of a RunManager uses the manager's one clock. Runs bind their own
 * steps with `runMachineWithSteps` + `attachRunEnvironment`, which leave the shared definition untouched.
 */
export function runMachineFor(clock: RunClock): RunMachine {
  let machine = machines.get(clock);
  if (!machine) machines.set(clock, (machine = createRunMachine(clock)));
  return machine;
}

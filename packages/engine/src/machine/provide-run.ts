import {
  FLAT_POSITION,
  errorMessage,
  type AgentRole,
  type AnalystKind,
  type Decision,
  type Lesson,
  type Position,
  type RunConfig,
} from '@tradingfloor/shared';
import { fromPromise } from 'xstate';
import type { AgentContext, AgentResult, DebateTurn, Reports, ToolCallReporter } from '../agents/agent-context.js';
import type { DataTool } from '../data/data-tool.js';
import type { InstrumentContext, MarketDataVendor } from '../data/vendor.js';
import { agentSink } from '../logs/run-log.js';
import type { LogSink } from '../logs/log-sink.js';
import type { LlmProvider } from '../providers/provider.js';
import { agentSlot } from './tree-layout.js';
import type {
  AnalystStepInput,
  DecisionStepInput,
  PortfolioManagerStepInput,
  ResearcherStepInput,
  ResearchManagerStepInput,
  RiskStepInput,
  TraderStepInput,
} from './run-context.js';
import type { ToolCallChange } from './tool-call-records.js';
import type { RunMachine } from './run-machine.js';
import { runReflector } from '../agents/reflector.js';
import { createRunMemory, type RunMemorySetup } from '../memory/run-memory.js';
import { goesThroughLane, runLane } from './turn-lane.js';

/** Log and usage id of the reflection calls (not a node of the execution tree). */
const REFLECTOR_ID = 'memory.reflector';

/**
 * The agent functions, data tools and decision parser a run is made of. `AGENT_STEPS` (agent-steps.ts)
 * binds the real ones; tests pass their own.
 */
export interface RunSteps {
  analyst(kind: AnalystKind, ctx: AgentContext): Promise<AgentResult>;
  researcher(side: 'bull' | 'bear', ctx: AgentContext, input: { reports: Reports; debate: DebateTurn[] }): Promise<AgentResult>;
  /** `lessons`: the reflection memory's lessons (null with memory off: no lessons section at all). */
  researchManager(
    ctx: AgentContext,
    input: { reports: Reports; debate: DebateTurn[]; lessons?: readonly Lesson[] | null },
  ): Promise<AgentResult>;
  trader(ctx: AgentContext, input: { reports: Reports; investmentPlan: string }): Promise<AgentResult>;
  riskAnalyst(
    stance: RiskStepInput['stance'],
    ctx: AgentContext,
    input: { reports: Reports; traderPlan: string; debate: DebateTurn[] },
  ): Promise<AgentResult>;
  portfolioManager(
    ctx: AgentContext,
    input: { reports: Reports; investmentPlan: string; traderPlan: string; riskDebate: DebateTurn[]; lessons?: readonly Lesson[] | null },
  ): Promise<AgentResult>;
  /** The data tools of one analyst kind. */
  tools(kind: AnalystKind, options: { vendor: MarketDataVendor; ticker: string; tradeDate: string }): DataTool[];
  /** Throws `DataUnavailableError` when the vendor has no data for the ticker on the trade date. */
  checkData(vendor: MarketDataVendor, ticker: string, tradeDate: string): Promise<void>;
  parseDecision(text: string, options: { ticker: string; tradeDate: string; position: Position; lastClose: number | null }): Decision;
}

/** Everything of one run that its steps need. */
export interface RunEnvironment {
  runId: string;
  config: RunConfig;
  vendor: MarketDataVendor;
  /** Already wrapped (limiter, retries) and metered. */
  provider: LlmProvider;
  models: { quick: string; deep: string };
  log: LogSink;
  /** Appends a line to an agent's messages (node content and `message_tool.log`). */
  appendMessage(agentId: string, text: string): void;
  /**
   * Hears the start and end of every tool call (the run records them for the agent's tool-call nodes). It may
   * hold them back a while (a turn of the event loop): `flushToolCalls` hands over the ones held.
   */
  recordToolCall?(change: ToolCallChange): void;
  /** Called as each step ends (before the machine hears of it), so its tool calls are recorded first. */
  flushToolCalls?(): void;
  /** Sees every error a step fails with (the run keeps only the message in context; this keeps the stack). */
  onStepError?(agentId: string, error: unknown): void;
  now(): number;
  steps: RunSteps;
  /** The reflection memory, when the run has `memory` on. */
  memory?: RunMemorySetup;
  /** Tool turns per analyst (`LLM_MAX_TOOL_TURNS`); absent = the tool loop's default. */
  maxToolTurns?: number;
}

function toolCallReporter(agentId: string, record: (change: ToolCallChange) => void, now: () => number): ToolCallReporter {
  return {
    started: (name, args) => record({ agentId, at: now(), started: { name, args } }),
    ended: (outcome) => record({ agentId, at: now(), ended: outcome }),
  };
}

/** One run's step implementations, bound to its environment: what each invoked step of its actor runs. */
interface BoundSteps {
  analyst(input: AnalystStepInput, signal: AbortSignal): Promise<AgentResult>;
  researcher(input: ResearcherStepInput, signal: AbortSignal): Promise<AgentResult>;
  researchManager(input: ResearchManagerStepInput, signal: AbortSignal): Promise<AgentResult>;
  trader(input: TraderStepInput, signal: AbortSignal): Promise<AgentResult>;
  riskAnalyst(input: RiskStepInput, signal: AbortSignal): Promise<AgentResult>;
  portfolioManager(input: PortfolioManagerStepInput, signal: AbortSignal): Promise<AgentResult>;
  extractDecision(input: DecisionStepInput, signal: AbortSignal): Promise<Decision>;
}

/** Each run's bound steps, by its actor system (one per run actor, shared by the steps it invokes). */
const runsBySystem = new WeakMap<object, BoundSteps>();
/** The machine with the step actors provided, once per machine definition. */
const withSteps = new WeakMap<RunMachine, RunMachine>();

function stepsOf(system: object): BoundSteps {
  const steps = runsBySystem.get(system);
  if (!steps) throw new Error('run step invoked in an actor with no run environment (attachRunEnvironment after createActor)');
  return steps;
}

/**
 * The run machine with its step actors provided — once per machine definition, not once per run (issue 13:
 * `machine.provide()` cost ~0.8 ms a run). Each step actor finds its run's environment by the actor system
 * it runs in, which `attachRunEnvironment` registered when the run's actor was created.
 */
export function runMachineWithSteps(machine: RunMachine): RunMachine {
  let provided = withSteps.get(machine);
  if (!provided) {
    provided = machine.provide({
      actors: {
        analyst: fromPromise<AgentResult, AnalystStepInput>(({ input, signal, system }) => stepsOf(system).analyst(input, signal)),
        researcher: fromPromise<AgentResult, ResearcherStepInput>(({ input, signal, system }) => stepsOf(system).researcher(input, signal)),
        researchManager: fromPromise<AgentResult, ResearchManagerStepInput>(({ input, signal, system }) =>
          stepsOf(system).researchManager(input, signal),
        ),
        trader: fromPromise<AgentResult, TraderStepInput>(({ input, signal, system }) => stepsOf(system).trader(input, signal)),
        riskAnalyst: fromPromise<AgentResult, RiskStepInput>(({ input, signal, system }) => stepsOf(system).riskAnalyst(input, signal)),
        portfolioManager: fromPromise<AgentResult, PortfolioManagerStepInput>(({ input, signal, system }) =>
          stepsOf(system).portfolioManager(input, signal),
        ),
        extractDecision: fromPromise<Decision, DecisionStepInput>(({ input, signal, system }) =>
          stepsOf(system).extractDecision(input, signal),
        ),
      },
    });
    withSteps.set(machine, provided);
  }
  return provided;
}

/**
 * Binds a run's real step implementations to its actor (`createActor(runMachineWithSteps(...))`), before the
 * actor starts: each invoked step builds the agent's `AgentContext` (wrapped provider, tools for analysts,
 * the instrument context fetched once per run, the position, a log sink and a messages appender bound to
 * the agent) and passes the step's `signal` down. The binding goes when the actor system is collected.
 */
export function attachRunEnvironment(actor: { system: object }, env: RunEnvironment): void {
  runsBySystem.set(actor.system, bindSteps(env));
}

function bindSteps(env: RunEnvironment): BoundSteps {
  const { config, vendor, steps } = env;
  const position = config.position ?? FLAT_POSITION;
  const laned = goesThroughLane(env.provider);

  // Fetched once per run, by whichever step asks first. Checking data coverage first turns an unknown
  // ticker into a clear run error before any model is called.
  let instrument: Promise<InstrumentContext> | undefined;
  const instrumentOf = (signal: AbortSignal) =>
    (instrument ??= (async () => {
      await steps.checkData(vendor, config.ticker, config.trade_date);
      return vendor.instrument(config.ticker, signal);
    })());

  const reflectorContext = async (signal: AbortSignal): Promise<AgentContext> => ({
    ...(await contextFor('portfolio_manager.manager', signal)),
    // Not a node of the tree: its calls are counted and logged under this id.
    agentId: REFLECTOR_ID,
    role: 'reflector',
    log: agentSink(env.log, REFLECTOR_ID),
    appendMessage: () => {},
  });
  const memory = env.memory
    ? createRunMemory(env.memory, {
        runId: env.runId,
        config,
        vendor,
        log: env.log,
        reflect: async (input, signal) => runReflector(await reflectorContext(signal), input),
        reflectedBy: env.provider.name === 'offline' ? env.provider.label : `${env.provider.name} ${env.models.quick}`,
      })
    : null;
  /** The lessons the managers see; null with memory off. */
  const lessonsFor = (reports: Reports, signal: AbortSignal) => (memory ? memory.lessons(reports, signal) : Promise.resolve(null));

  const contextFor = async (agentId: string, signal: AbortSignal, tools: DataTool[] = []): Promise<AgentContext> => ({
    runId: env.runId,
    config,
    instrument: await instrumentOf(signal),
    position,
    provider: env.provider,
    models: env.models,
    tools,
    ...(env.maxToolTurns !== undefined ? { maxToolTurns: env.maxToolTurns } : {}),
    signal,
    log: agentSink(env.log, agentId),
    agentId,
    role: roleOf(agentId),
    appendMessage: (text) => env.appendMessage(agentId, text),
    ...(env.recordToolCall ? { toolCalls: toolCallReporter(agentId, env.recordToolCall, env.now) } : {}),
  });

  /**
   * Runs one step; a stop by a cancel is logged, a failure logged and reported (with its stack), both rethrown. The tool calls
   * held back are handed over before the step's end reaches the machine (a failed call's error included). The
   * step's work starts after the transition that invoked it: a batch of runs begun in one turn
   * (`RunExecutor.start`) makes all its transitions, and reports them, before any analyst builds its tools
   * and prompt. With a network model it starts in a later turn, a few a turn (`runLane`), so the first
   * requests leave early; the offline model's steps, whose calls wait for nothing, only wait for the
   * microtasks before them.
   */
  const step = async <T>(agentId: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> => {
    if (laned) await runLane.enter('step');
    else await undefined;
    // No line of its own at the start or the end of a step: the agent node's status lines (`<node> completed
    // after N ms`, `LiveRun.logChange`) and the agent's own lines (`… started (…)`) tell both once.
    try {
      const result = await work();
      env.flushToolCalls?.();
      return result;
    } catch (error) {
      env.flushToolCalls?.();
      if (signal.aborted) {
        env.log({ severity: 'INFO', source: 'run', agent_id: agentId, message: 'step stopped: run canceled' });
      } else {
        env.onStepError?.(agentId, error);
        env.log({
          severity: 'ERROR',
          source: 'run',
          agent_id: agentId,
          message: `step failed: ${errorMessage(error)}`,
        });
      }
      throw error;
    }
  };

  return {
    analyst: (input, signal) =>
      step(input.agentId, signal, async () => {
        const tools = steps.tools(input.kind, {
          vendor,
          ticker: config.ticker,
          tradeDate: config.trade_date,
        });
        return steps.analyst(input.kind, await contextFor(input.agentId, signal, tools));
      }),
    researcher: (input, signal) =>
      step(input.agentId, signal, async () =>
        steps.researcher(input.side, await contextFor(input.agentId, signal), { reports: input.reports, debate: input.debate }),
      ),
    researchManager: (input, signal) =>
      step(input.agentId, signal, async () =>
        steps.researchManager(await contextFor(input.agentId, signal), {
          reports: input.reports,
          debate: input.debate,
          lessons: await lessonsFor(input.reports, signal),
        }),
      ),
    trader: (input, signal) =>
      step(input.agentId, signal, async () =>
        steps.trader(await contextFor(input.agentId, signal), { reports: input.reports, investmentPlan: input.investmentPlan }),
      ),
    riskAnalyst: (input, signal) =>
      step(input.agentId, signal, async () =>
        steps.riskAnalyst(input.stance, await contextFor(input.agentId, signal), {
          reports: input.reports,
          traderPlan: input.traderPlan,
          debate: input.debate,
        }),
      ),
    portfolioManager: (input, signal) =>
      step(input.agentId, signal, async () =>
        steps.portfolioManager(await contextFor(input.agentId, signal), {
          reports: input.reports,
          investmentPlan: input.investmentPlan,
          traderPlan: input.traderPlan,
          riskDebate: input.riskDebate,
          lessons: await lessonsFor(input.reports, signal),
        }),
      ),
    extractDecision: (input, signal) =>
      step('portfolio_manager.manager', signal, async () => {
        const lastClose = await lastCloseOf(vendor, config.ticker, config.trade_date, signal).catch((error: unknown) => {
          if (signal.aborted) throw error;
          // Without a last close the parser only loses the entry price for its risk figures.
          env.log({
            severity: 'WARN',
            source: 'data',
            agent_id: 'portfolio_manager.manager',
            message: `no last close for the decision: ${String(error)}`,
          });
          return null;
        });
        const decision = steps.parseDecision(input.text, { ticker: config.ticker, tradeDate: config.trade_date, position, lastClose });
        env.log({
          severity: 'INFO',
          source: 'decision',
          agent_id: 'portfolio_manager.manager',
          message: `decision: ${decision.action} (${decision.rating})`,
        });
        return decision;
      }),
  };
}

/** Close of the last bar on or before the trade date, or null when the vendor has none. */
async function lastCloseOf(vendor: MarketDataVendor, ticker: string, tradeDate: string, signal: AbortSignal): Promise<number | null> {
  const from = new Date(Date.parse(`${tradeDate}T00:00:00Z`) - 14 * 86_400_000).toISOString().slice(0, 10);
  const bars = await vendor.bars(ticker, { from, asOf: tradeDate }, signal);
  return bars.at(-1)?.close ?? null;
}

function roleOf(agentId: string): AgentRole {
  const slot = agentSlot(agentId);
  if (!slot) throw new Error(`no agent with node id "${agentId}"`);
  return slot.role;
}

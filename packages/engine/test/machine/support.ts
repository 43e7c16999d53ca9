import { deferred, RunConfigSchema, type Decision, type RunConfig, type RunOptionsInput } from '@tradingfloor/shared';
import { fromPromise } from 'xstate';
import type { AgentResult } from '../../src/agents/agent-context.js';
import type {
  AnalystStepInput,
  DecisionStepInput,
  PortfolioManagerStepInput,
  ResearcherStepInput,
  ResearchManagerStepInput,
  RiskStepInput,
  TraderStepInput,
} from '../../src/machine/run-context.js';

/** A valid run config for ACME with the given options. */
export function testConfig(options: Partial<RunOptionsInput> = {}): RunConfig {
  return RunConfigSchema.parse({
    ticker: 'ACME',
    trade_date: '2024-05-10',
    quick_think_llm: 'quick-model',
    deep_think_llm: 'deep-model',
    ...options,
  });
}

/** A clock that advances 10 ms every time it is read, so every timing is distinct and predictable. */
export function steppingClock(start = 1_000): () => number {
  let t = start;
  return () => (t += 10);
}

export function fakeDecision(text: string): Decision {
  return {
    version: 1,
    ticker: 'ACME',
    trade_date: '2024-05-10',
    rating: 'Buy',
    action: 'BUY',
    position_action: 'open_long',
    summary: text.slice(0, 40),
    confidence: 0.5,
    confidence_basis: 'fake',
    rationale: [],
    risk_metrics: { entry_price: null, stop_loss: null, take_profit: null, reward_risk: null },
    notes: [],
    raw_text: text,
  };
}

/** One invocation of a fake step. */
export interface StepCall {
  agentId: string;
  input: Record<string, unknown>;
  signal: AbortSignal;
  resolve(text: string): void;
  reject(error: unknown): void;
}

/**
 * Fake step implementations for `machine.provide({ actors })`. Every call is recorded in order. By default a
 * step answers at once with `<agentId> r<round>`; steps named in `hold` wait until the test settles them
 * (see `next()`), and steps named in `fail` reject.
 */
export function scriptedSteps(options: { hold?: 'all' | string[]; fail?: Record<string, Error> } = {}) {
  const calls: StepCall[] = [];
  const waiters: Array<(call: StepCall) => void> = [];
  const held = (id: string) => options.hold === 'all' || (options.hold ?? []).includes(id);

  const step = (agentId: string, input: Record<string, unknown>, signal: AbortSignal): Promise<string> => {
    const d = deferred<string>();
    const call: StepCall = { agentId, input, signal, resolve: d.resolve, reject: d.reject };
    calls.push(call);
    signal.addEventListener('abort', () => d.reject(signal.reason), { once: true });
    const failure = options.fail?.[agentId];
    if (failure) d.reject(failure);
    else if (!held(agentId)) d.resolve(`${agentId} r${String(input['round'] ?? 1)}`);
    waiters.shift()?.(call);
    return d.promise;
  };
  const agent = <I extends { agentId: string }>() =>
    fromPromise<AgentResult, I>(async ({ input, signal }) => ({
      text: await step(input.agentId, input as unknown as Record<string, unknown>, signal),
    }));
  const actors = {
    analyst: agent<AnalystStepInput>(),
    researcher: agent<ResearcherStepInput>(),
    researchManager: agent<ResearchManagerStepInput>(),
    trader: agent<TraderStepInput>(),
    riskAnalyst: agent<RiskStepInput>(),
    portfolioManager: agent<PortfolioManagerStepInput>(),
    extractDecision: fromPromise<Decision, DecisionStepInput>(async ({ input, signal }) => {
      const text = await step('decision', { ...input }, signal);
      return fakeDecision(`${input.text} | ${text}`);
    }),
  };
  let seen = 0;
  /** Resolves with the next call not yet returned by `next()` (already made, or the next one to come). */
  const next = (): Promise<StepCall> => {
    const index = seen++;
    const made = calls[index];
    if (made) return Promise.resolve(made);
    return new Promise((resolve) => waiters.push(resolve));
  };
  return { actors, calls, next, order: () => calls.map((c) => c.agentId) };
}

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataUnavailableError, deferred, type RunConfig } from '@tradingfloor/shared';
import type { AgentContext } from '../../src/agents/agent-context.js';
import type { Bar, MarketDataVendor } from '../../src/data/vendor.js';
import type { ChatRequest, ChatResponse, LlmProvider } from '../../src/providers/provider.js';
import type { RunSteps } from '../../src/machine/provide-run.js';
import type { EngineDeps, RunView } from '../../src/runs/run-manager-api.js';
import type { RunManager } from '../../src/runs/run-manager.js';
import { expect } from 'vitest';
import { REPORT_NAMES } from '../../src/results/report-files.js';
import { fakeDecision } from '../machine/support.js';

/** 2024-05-10 12:00:00 UTC: "today" for these tests. */
export const TODAY = Date.UTC(2024, 4, 10, 12, 0, 0);

export async function tempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tf-run-manager-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A vendor with data from 2020-01-02 to 2024-05-09 for ACME and GLOBEX; bars close at 100. */
function fakeVendor(): MarketDataVendor {
  const bar = (date: string): Bar => ({ date, open: 99, high: 101, low: 98, close: 100, adj_close: 100, volume: 1000 });
  return {
    name: 'fake',
    label: 'fake test data',
    coverage: async () => ({ first_date: '2020-01-02', last_date: '2024-05-09', tickers: ['ACME', 'GLOBEX'] }),
    instrument: async (ticker) => ({
      ticker,
      name: `${ticker} Corp`,
      sector: null,
      industry: null,
      exchange: null,
      currency: 'USD',
      description: null,
      demo: true,
    }),
    // Like a real vendor: only bars inside [from, asOf] and inside the data (2020-01-02 … 2024-05-09).
    bars: async (_ticker, range) =>
      ['2020-01-02', '2024-05-08', '2024-05-09']
        .filter((d) => d <= range.asOf && (range.from === undefined || d >= range.from))
        .map(bar),
    fundamentals: async () => [],
    news: async () => [],
  };
}

/** One call waiting in a controlled provider. */
export interface HeldCall {
  request: ChatRequest;
  signal: AbortSignal;
  answer(text: string): void;
  fail(error: unknown): void;
}

/**
 * A provider the test drives. In `auto` mode it answers every call at once; in `manual` mode each call waits
 * until the test answers it (`next()` hands out calls in order). Aborting the call's signal rejects it.
 */
export function controlledProvider(mode: 'auto' | 'manual' = 'auto') {
  const calls: HeldCall[] = [];
  const waiters: Array<(call: HeldCall) => void> = [];
  let handed = 0;
  const provider: LlmProvider = {
    name: 'offline',
    label: 'controlled test provider',
    chat(request, signal) {
      const d = deferred<ChatResponse>();
      const respond = (text: string) =>
        d.resolve({ text, toolCalls: [], usage: { input_tokens: 10, output_tokens: 5 }, model: request.model, finishReason: 'stop' });
      const call: HeldCall = { request, signal, answer: respond, fail: d.reject };
      calls.push(call);
      if (signal.aborted) d.reject(signal.reason);
      signal.addEventListener('abort', () => d.reject(signal.reason), { once: true });
      if (mode === 'auto') respond(`${request.meta.agentId} says hello`);
      waiters.shift()?.(call);
      return d.promise;
    },
  };
  const next = (): Promise<HeldCall> => {
    const index = handed++;
    const made = calls[index];
    return made ? Promise.resolve(made) : new Promise((resolve) => waiters.push(resolve));
  };
  return { provider, calls, next };
}

/**
 * Steps that behave like agents without depending on them: each asks the run's provider once (through the
 * AgentContext that provide-run built), appends its messages, and returns the answer.
 */
export function fakeSteps(): RunSteps & { seen: AgentContext[] } {
  const seen: AgentContext[] = [];
  const talk = async (ctx: AgentContext, tier: 'quick' | 'deep' = 'quick') => {
    seen.push(ctx);
    ctx.appendMessage(`→ asking ${ctx.models[tier]}`);
    ctx.log({ severity: 'INFO', source: 'agent', agent_id: null, message: 'thinking' });
    const response = await ctx.provider.chat(
      {
        model: ctx.models[tier],
        tier,
        messages: [{ role: 'user', content: `you are ${ctx.role} for ${ctx.instrument.name}` }],
        meta: { runId: ctx.runId, agentRole: ctx.role, agentId: ctx.agentId },
      },
      ctx.signal,
    );
    ctx.appendMessage(`← ${response.text}`);
    return { text: `${response.text}\nFINAL TRANSACTION PROPOSAL: **BUY**` };
  };
  return {
    seen,
    analyst: (_kind, ctx) => talk(ctx),
    researcher: (_side, ctx) => talk(ctx),
    researchManager: (ctx) => talk(ctx, 'deep'),
    trader: (ctx) => talk(ctx),
    riskAnalyst: (_stance, ctx) => talk(ctx),
    portfolioManager: (ctx) => talk(ctx, 'deep'),
    tools: () => [],
    checkData: async (_vendor, ticker) => {
      if (ticker === 'NODATA') throw new DataUnavailableError(`no market data for ${ticker}`);
    },
    parseDecision: (text, options) => ({
      ...fakeDecision(text),
      ticker: options.ticker,
      trade_date: options.tradeDate,
      risk_metrics: { entry_price: options.lastClose, stop_loss: null, take_profit: null, reward_risk: null },
    }),
  };
}

/** Engine deps around a vendor and one controlled provider per ticker. */
export function fakeDeps(options: { mode?: 'auto' | 'manual'; now?: () => number } = {}) {
  const providers = new Map<string, ReturnType<typeof controlledProvider>>();
  const providerOf = (ticker: string) => {
    let p = providers.get(ticker);
    if (!p) providers.set(ticker, (p = controlledProvider(options.mode ?? 'auto')));
    return p;
  };
  const deps: EngineDeps = {
    vendor: fakeVendor(),
    providerFor: (config: RunConfig) => {
      if (config.llm_provider === 'anthropic') throw new Error('ANTHROPIC_API_KEY is not set');
      return providerOf(config.ticker).provider;
    },
    defaultModels: () => ({ quick: 'fake-quick', deep: 'fake-deep' }),
    priceOf: (model) => (model === 'fake-quick' ? { input: 1, output: 2 } : null),
    now: options.now ?? (() => TODAY),
  };
  return { deps, providerOf };
}

/** Asserts a finished run's results directory holds every file of the layout and one report per report name. */
export async function expectCompleteResultsDir(dir: string): Promise<void> {
  expect((await readdir(dir)).sort()).toEqual([
    'RUN_ID',
    'config.json',
    'decision.json',
    'message_tool.log',
    'reports',
    'run.log',
    'state.json',
    'usage.json',
  ]);
  expect((await readdir(join(dir, 'reports'))).sort()).toEqual(REPORT_NAMES.map((n) => `${n}.md`).sort());
}

/** Resolves once the run's view satisfies `predicate` (checked now and on every event of the run). */
export function until(m: RunManager, runId: string, predicate: (view: RunView) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const view = m.get(runId);
      if (!view || !predicate(view)) return;
      off();
      resolve();
    };
    const off = m.subscribe((e) => {
      if (e.run_id === runId) check();
    });
    check();
  });
}

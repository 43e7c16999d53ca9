import { ANALYST_KINDS, ANALYST_ROLE, type AnalystKind, type Decision, type Position, type RunConfig } from '@tradingfloor/shared';
import type { DebateTurn, Reports } from '../../src/agents/agent-context.js';
import { runAnalyst, runPortfolioManager, runResearcher, runResearchManager, runRiskAnalyst, runTrader } from '../../src/agents/index.js';
import { parseDecision } from '../../src/decision/parse-decision.js';
import type { DataTool } from '../../src/data/data-tool.js';
import type { InstrumentContext } from '../../src/data/vendor.js';
import type { LlmProvider } from '../../src/providers/provider.js';
import { fakeTools, KIND_TOOLS, makeContext, regimePayloads, TRADE_DATE, type Regime } from './fake-data.js';

/** Everything a whole offline pipeline produced. */
export interface PipelineResult {
  reports: Reports;
  debate: DebateTurn[];
  investmentPlan: string;
  traderPlan: string;
  riskDebate: DebateTurn[];
  finalText: string;
  decision: Decision;
}

/**
 * Runs the whole agent team over fake tools for a regime, phase by phase as the run statechart does, and parses
 * the portfolio manager's text.
 */
export async function runPipeline(
  provider: LlmProvider,
  regime: Regime,
  opts: { position?: Position; config?: Partial<RunConfig>; rounds?: number } = {},
): Promise<PipelineResult> {
  const payloads = regimePayloads(regime);
  const lastClose = JSON.parse(payloads['get_indicators'] ?? '{}').last_close ?? null;
  return runTeam(provider, { ...opts, tools: (kind) => fakeTools(KIND_TOOLS[kind], payloads), lastClose });
}

/** Runs the team with any tools (fake or real) for one instrument. */
export async function runTeam(
  provider: LlmProvider,
  opts: {
    tools: (kind: AnalystKind) => DataTool[];
    lastClose: number | null;
    instrument?: InstrumentContext;
    position?: Position;
    config?: Partial<RunConfig>;
    rounds?: number;
  },
): Promise<PipelineResult> {
  const base = {
    provider,
    position: opts.position,
    instrument: opts.instrument,
    config: { max_debate_rounds: opts.rounds ?? 1, max_risk_discuss_rounds: opts.rounds ?? 1, ...opts.config },
  };
  const reports: Reports = {};
  for (const kind of ANALYST_KINDS) {
    const { ctx } = makeContext({ ...base, role: ANALYST_ROLE[kind], tools: opts.tools(kind) });
    reports[kind] = (await runAnalyst(kind, ctx)).text;
  }
  const rounds = opts.rounds ?? 1;
  const debate: DebateTurn[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const side of ['bull', 'bear'] as const) {
      const role = side === 'bull' ? 'bull_researcher' : 'bear_researcher';
      const { ctx } = makeContext({ ...base, role });
      debate.push({ speaker: role, round, text: (await runResearcher(side, ctx, { reports, debate: [...debate] })).text });
    }
  }
  const investmentPlan = (await runResearchManager(makeContext({ ...base, role: 'research_manager' }).ctx, { reports, debate })).text;
  const traderPlan = (await runTrader(makeContext({ ...base, role: 'trader' }).ctx, { reports, investmentPlan })).text;
  const riskDebate: DebateTurn[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const stance of ['aggressive', 'conservative', 'neutral'] as const) {
      const role = `${stance}_analyst` as const;
      const { ctx } = makeContext({ ...base, role });
      riskDebate.push({
        speaker: role,
        round,
        text: (await runRiskAnalyst(stance, ctx, { reports, traderPlan, debate: [...riskDebate] })).text,
      });
    }
  }
  const finalText = (
    await runPortfolioManager(makeContext({ ...base, role: 'portfolio_manager' }).ctx, { reports, investmentPlan, traderPlan, riskDebate })
  ).text;
  const decision = parseDecision(finalText, {
    ticker: opts.instrument?.ticker ?? 'ACME',
    tradeDate: opts.config?.trade_date ?? TRADE_DATE,
    position: opts.position ?? { side: 'none' },
    lastClose: opts.lastClose,
  });
  return { reports, debate, investmentPlan, traderPlan, riskDebate, finalText, decision };
}

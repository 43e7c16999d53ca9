import { runAnalyst, runPortfolioManager, runResearcher, runResearchManager, runRiskAnalyst, runTrader } from '../agents/index.js';
import { createAnalystTools } from '../data/analyst-tools.js';
import { assertTradeDateCovered } from '../data/trade-date-coverage.js';
import { parseDecision } from '../decision/parse-decision.js';
import type { RunSteps } from './provide-run.js';

/** The real steps of a run: the agents of `agents/`, the data tools of `data/` and the decision parser. */
export const AGENT_STEPS: RunSteps = {
  analyst: (kind, ctx) => runAnalyst(kind, ctx),
  researcher: (side, ctx, input) => runResearcher(side, ctx, input),
  researchManager: (ctx, input) => runResearchManager(ctx, input),
  trader: (ctx, input) => runTrader(ctx, input),
  riskAnalyst: (stance, ctx, input) => runRiskAnalyst(stance, ctx, input),
  portfolioManager: (ctx, input) => runPortfolioManager(ctx, input),
  tools: (kind, options) => createAnalystTools(kind, options),
  checkData: async (vendor, ticker, tradeDate) => {
    await assertTradeDateCovered(vendor, ticker, tradeDate);
  },
  parseDecision: (text, options) => parseDecision(text, options),
};

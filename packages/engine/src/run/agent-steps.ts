import { DataUnavailableError } from '@tradingfloor/shared';
import { runAnalyst, runPortfolioManager, runResearcher, runResearchManager, runRiskAnalyst, runTrader } from '../agents/index.js';
import { createAnalystTools } from '../data/analyst-tools.js';
import type { MarketDataVendor } from '../data/vendor.js';
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
  checkData: checkTradeDateCovered,
  parseDecision: (text, options) => parseDecision(text, options),
};

/** Days before the trade date in which a price bar must exist (covers weekends and holiday runs). */
const LOOKBACK_DAYS = 10;

/**
 * Fails the run early with a clear `DataUnavailableError` when the vendor has no prices for the ticker
 * shortly before the trade date (an unknown ticker or a date outside its data throws from the vendor).
 */
async function checkTradeDateCovered(vendor: MarketDataVendor, ticker: string, tradeDate: string): Promise<void> {
  const from = new Date(Date.parse(`${tradeDate}T00:00:00Z`) - LOOKBACK_DAYS * 86_400_000).toISOString().slice(0, 10);
  const bars = await vendor.bars(ticker, { from, asOf: tradeDate });
  if (bars.length === 0) throw new DataUnavailableError(`${vendor.label} has no prices for ${ticker} between ${from} and ${tradeDate}`);
}

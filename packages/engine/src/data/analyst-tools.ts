import { ValidationError, type AnalystKind } from '@tradingfloor/shared';
import type { DataTool } from './data-tool.js';
import { isIsoDate } from './dates.js';
import type { ToolContext } from './tools/define-tool.js';
import { fundamentalsTool } from './tools/fundamentals-tool.js';
import { indicatorsTool } from './tools/indicators-tool.js';
import { companyNewsTool, marketNewsTool } from './tools/news-tools.js';
import { priceHistoryTool } from './tools/price-history-tool.js';
import { socialSentimentTool } from './tools/social-sentiment-tool.js';
import type { MarketDataVendor } from './vendor.js';

const TOOLS_BY_KIND: Record<AnalystKind, ReadonlyArray<(ctx: ToolContext) => DataTool>> = {
  market: [priceHistoryTool, indicatorsTool],
  social: [socialSentimentTool, companyNewsTool],
  news: [companyNewsTool, marketNewsTool],
  fundamentals: [fundamentalsTool, priceHistoryTool],
};

/**
 * The data tools of one analyst, bound to the run's ticker and trade date: market → price history and
 * indicators; social → sentiment and company news; news → company and market news; fundamentals →
 * filings and price history. Every answer is JSON dated on or before `tradeDate`, or a
 * `DATA UNAVAILABLE: …` / `INVALID ARGUMENTS: …` text.
 */
export function createAnalystTools(
  kind: AnalystKind,
  opts: { vendor: MarketDataVendor; ticker: string; tradeDate: string },
): DataTool[] {
  if (!isIsoDate(opts.tradeDate)) throw new ValidationError(`trade date ${JSON.stringify(opts.tradeDate)} is not a YYYY-MM-DD date`);
  const ctx: ToolContext = { ...opts, ticker: opts.ticker.trim().toUpperCase() };
  return TOOLS_BY_KIND[kind].map((make) => make(ctx));
}

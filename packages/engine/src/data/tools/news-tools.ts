import { z } from 'zod';
import { DataUnavailableError } from '@tradingfloor/shared';
import type { DataTool } from '../data-tool.js';
import type { NewsItem } from '../vendor.js';
import { defineTool, intArg, type ToolContext } from './define-tool.js';
import { round, windowStart } from './format.js';

const Args = z.strictObject({
  lookback_days: intArg(1, 60, 14, 'Calendar days of headlines ending on the trade date (1-60, default 14).'),
  limit: intArg(1, 50, 20, 'Most headlines to return, newest first (1-50, default 20).'),
});

/** The sentiment of a headline for `ticker`, or the headline's overall sentiment (market news). */
function sentimentOf(item: NewsItem, ticker: string | null): { score: number; label: string } | null {
  return (ticker === null ? undefined : item.ticker_sentiment[ticker]) ?? item.overall_sentiment ?? null;
}

function newsTool(ctx: ToolContext, market: boolean): DataTool {
  return defineTool(ctx, {
    name: market ? 'get_market_news' : 'get_company_news',
    description: market
      ? 'Market-wide and macroeconomic headlines published in the calendar days up to and including the trade date, newest first, with sentiment scores (-1 bearish … 1 bullish) where the source has them.'
      : "Headlines about the instrument published in the calendar days up to and including the trade date, newest first, with the source's sentiment score for this ticker (-1 bearish … 1 bullish).",
    args: Args,
    async run({ lookback_days, limit }, { vendor, ticker, tradeDate, signal }) {
      const from = windowStart(tradeDate, lookback_days);
      const items = await vendor.news(market ? null : ticker, { from, asOf: tradeDate }, signal);
      if (items.length === 0) {
        throw new DataUnavailableError(`no ${market ? 'market-wide' : ticker} headlines published between ${from} and ${tradeDate}`);
      }
      return {
        ticker: market ? null : ticker,
        as_of: tradeDate,
        from,
        items: items.slice(0, limit).map((item) => {
          const sentiment = sentimentOf(item, market ? null : ticker);
          return {
            date: item.date,
            headline: item.headline,
            source: item.source,
            sentiment_score: round(sentiment?.score, 3),
            sentiment_label: sentiment?.label ?? null,
          };
        }),
      };
    },
  });
}

/** `get_company_news`: the instrument's own headlines. */
export const companyNewsTool = (ctx: ToolContext): DataTool => newsTool(ctx, false);

/** `get_market_news`: market-wide headlines (no ticker). */
export const marketNewsTool = (ctx: ToolContext): DataTool => newsTool(ctx, true);

import { z } from 'zod';
import { DataUnavailableError } from '@tradingfloor/shared';
import type { DataTool } from '../data-tool.js';
import { BULLISH_THRESHOLD } from '../sentiment.js';
import { defineTool, intArg, type ToolContext } from './define-tool.js';
import { round, windowStart } from './format.js';

const Args = z.strictObject({
  lookback_days: intArg(1, 60, 14, 'Calendar days ending on the trade date (1-60, default 14).'),
});

const SOURCE_NOTE =
  'Computed from the per-ticker sentiment scores of news headlines, the only sentiment data available: no social-media posts are included.';
const TOP = 3;

interface Scored {
  date: string;
  headline: string;
  score: number;
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** `get_social_sentiment`: how the instrument has been talked about, from headline sentiment. */
export function socialSentimentTool(ctx: ToolContext): DataTool {
  return defineTool(ctx, {
    name: 'get_social_sentiment',
    description:
      'Sentiment about the instrument over the calendar days up to the trade date: number of mentions, average score (-1 bearish … 1 bullish), ' +
      `bullish / bearish / neutral counts (score >= ${BULLISH_THRESHOLD} / <= -${BULLISH_THRESHOLD}), a daily breakdown, and the most positive and negative headlines. ` +
      'Built from news-headline sentiment; there is no social-media feed.',
    args: Args,
    async run({ lookback_days }, { vendor, ticker, tradeDate, signal }) {
      const from = windowStart(tradeDate, lookback_days);
      const items = await vendor.news(ticker, { from, asOf: tradeDate }, signal);
      const scored: Scored[] = items.flatMap((n) => {
        const s = n.ticker_sentiment[ticker];
        return s ? [{ date: n.date, headline: n.headline, score: s.score }] : [];
      });
      if (scored.length === 0)
        throw new DataUnavailableError(`no ${ticker} headlines with sentiment published between ${from} and ${tradeDate}`);
      const byDay = new Map<string, number[]>();
      for (const s of scored) byDay.set(s.date, [...(byDay.get(s.date) ?? []), s.score]);
      const ranked = [...scored].sort((a, b) => b.score - a.score);
      const view = (s: Scored) => ({ date: s.date, headline: s.headline, score: round(s.score, 3) });
      return {
        ticker,
        as_of: tradeDate,
        from,
        source_note: SOURCE_NOTE,
        mentions: scored.length,
        average_score: round(mean(scored.map((s) => s.score)), 3),
        bullish: scored.filter((s) => s.score >= BULLISH_THRESHOLD).length,
        bearish: scored.filter((s) => s.score <= -BULLISH_THRESHOLD).length,
        neutral: scored.filter((s) => Math.abs(s.score) < BULLISH_THRESHOLD).length,
        daily: [...byDay.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([date, scores]) => ({ date, mentions: scores.length, average_score: round(mean(scores), 3) })),
        top_positive: ranked
          .filter((s) => s.score > 0)
          .slice(0, TOP)
          .map(view),
        top_negative: ranked
          .filter((s) => s.score < 0)
          .reverse()
          .slice(0, TOP)
          .map(view),
      };
    },
  });
}

import type { Bar, FundamentalsSnapshot, NewsItem } from '../vendor.js';

/** `ohlcv/<TICKER>.csv` text: the csv vendor's header and one row per bar, numbers written so they read back exactly. */
export function ohlcvCsv(bars: readonly Bar[]): string {
  const rows = bars.map((b) => [b.date, b.open, b.high, b.low, b.close, b.adj_close, b.volume].map(String).join(','));
  return ['date,open,high,low,close,adj_close,volume', ...rows].join('\n') + '\n';
}

/**
 * One `fundamentals/*.jsonl` line. An estimated filing date is written as `filed: null`, so the csv vendor
 * estimates it again by the same SEC-deadline rule and the snapshot stays visible from the same day.
 */
export function fundamentalsLine(s: FundamentalsSnapshot): string {
  return JSON.stringify({
    ticker: s.ticker,
    form: s.form,
    fiscal_year: s.fiscal_year,
    fiscal_period: s.fiscal_period,
    period_end: s.period_end,
    filed: s.filed_estimated ? null : s.filed,
    metrics: s.metrics,
  });
}

/** One `news/*.jsonl` line in the csv vendor's fields. */
export function newsLine(n: NewsItem): string {
  return JSON.stringify({
    date: n.date,
    published_at: n.published_at,
    headline: n.headline,
    source: n.source,
    ...(n.url ? { url: n.url } : {}),
    ...(n.summary ? { summary: n.summary } : {}),
    tickers: n.tickers,
    ticker_sentiment: n.ticker_sentiment,
    ...(n.overall_sentiment
      ? { overall_sentiment_score: n.overall_sentiment.score, overall_sentiment_label: n.overall_sentiment.label }
      : {}),
  });
}

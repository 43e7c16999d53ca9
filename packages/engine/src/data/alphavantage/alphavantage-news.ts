import { VendorBadResponseError } from '../online/vendor-errors.js';
import { sentimentLabel } from '../sentiment.js';
import type { NewsItem } from '../vendor.js';
import { avNumber } from './alphavantage-client.js';

/** `20240105T133000` (Alpha Vantage's `time_published`; its date is the day the item carries) → ISO timestamp without zone. */
function isoOf(stamp: unknown): string | null {
  if (typeof stamp !== 'string') return null;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?$/.exec(stamp);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}`;
  return Number.isFinite(Date.parse(`${iso}Z`)) ? iso : null;
}

/** `YYYY-MM-DD` → Alpha Vantage's `YYYYMMDDTHHMM` at the start (or end) of that day. */
export function avTime(date: string, endOfDay: boolean): string {
  return `${date.replaceAll('-', '')}T${endOfDay ? '2359' : '0000'}`;
}

/** Headlines of a `NEWS_SENTIMENT` answer; items without a title or a readable time are skipped. */
export function parseNewsSentiment(body: Record<string, unknown>): NewsItem[] {
  if (!Array.isArray(body.feed)) throw new VendorBadResponseError('alphavantage', 'NEWS_SENTIMENT answer has no "feed" list');
  const items: NewsItem[] = [];
  for (const raw of body.feed as Array<Record<string, unknown>>) {
    if (typeof raw !== 'object' || raw === null) continue;
    const published = isoOf(raw.time_published);
    if (!published || typeof raw.title !== 'string' || raw.title.trim() === '') continue;
    const sentiment: NewsItem['ticker_sentiment'] = {};
    for (const t of Array.isArray(raw.ticker_sentiment) ? (raw.ticker_sentiment as Array<Record<string, unknown>>) : []) {
      const score = avNumber(t?.ticker_sentiment_score);
      if (typeof t?.ticker !== 'string' || score === null) continue;
      sentiment[t.ticker.toUpperCase()] = {
        relevance: avNumber(t.relevance_score) ?? 0,
        score,
        label: typeof t.ticker_sentiment_label === 'string' ? t.ticker_sentiment_label : sentimentLabel(score),
      };
    }
    const item: NewsItem = {
      date: published.slice(0, 10),
      published_at: published,
      headline: raw.title.trim(),
      source: typeof raw.source === 'string' ? raw.source : 'Alpha Vantage',
      tickers: Object.keys(sentiment),
      ticker_sentiment: sentiment,
    };
    if (typeof raw.url === 'string') item.url = raw.url;
    if (typeof raw.summary === 'string' && raw.summary !== '') item.summary = raw.summary;
    const overall = avNumber(raw.overall_sentiment_score);
    if (overall !== null)
      item.overall_sentiment = {
        score: overall,
        label: typeof raw.overall_sentiment_label === 'string' ? raw.overall_sentiment_label : sentimentLabel(overall),
      };
    items.push(item);
  }
  return items;
}

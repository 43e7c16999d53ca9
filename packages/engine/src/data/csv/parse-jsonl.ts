import { DataUnavailableError } from '@tradingfloor/shared';
import { addDays, datePart, isIsoDate } from '../dates.js';
import { sentimentLabel } from '../sentiment.js';
import type { FundamentalsSnapshot, NewsItem } from '../vendor.js';

type Row = Record<string, unknown>;

/** Parses JSON lines, calling `map` on each object; blank lines are skipped; errors name file and line. */
function parseLines<T>(text: string, file: string, map: (row: Row, fail: (why: string) => Error) => T): T[] {
  const out: T[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const fail = (why: string) => new DataUnavailableError(`${file} line ${i + 1}: ${why}`);
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw fail(`not valid JSON (${(error as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw fail('expected a JSON object');
    out.push(map(row as Row, fail));
  });
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Days after period end by which the SEC requires the slowest filers to file (10-K: 90, 10-Q: 45). A
 * snapshot without a filing date becomes visible only then, so it can never leak into an earlier trade date.
 */
const FILING_DEADLINE_DAYS: Record<string, number> = { '10-K': 90, '10-Q': 45 };

/** Parses `fundamentals/*.jsonl`: one filing snapshot a line (ticker, form, fiscal_year, fiscal_period, period_end, filed, metrics). */
export function parseFundamentalsJsonl(text: string, file: string): FundamentalsSnapshot[] {
  return parseLines(text, file, (row, fail) => {
    const ticker = str(row.ticker)?.toUpperCase();
    const form = str(row.form);
    const periodEnd = row.period_end;
    if (!ticker) throw fail('"ticker" is missing');
    if (!form) throw fail('"form" is missing');
    if (!isIsoDate(periodEnd)) throw fail(`"period_end" ${JSON.stringify(periodEnd)} is not a YYYY-MM-DD date`);
    if (row.filed !== null && row.filed !== undefined && !isIsoDate(row.filed))
      throw fail(`"filed" ${JSON.stringify(row.filed)} is not a date`);
    if (typeof row.metrics !== 'object' || row.metrics === null) throw fail('"metrics" must be an object');
    // Null prototype: metric names come from the data file.
    const metrics = Object.create(null) as Record<string, number | null>;
    // Only numbers are metrics; a null stays as "not reported", anything else (e.g. a date) is not a metric.
    for (const [key, value] of Object.entries(row.metrics)) if (value === null || finite(value) !== null) metrics[key] = finite(value);
    const shares = finite(row.shares_outstanding_cover);
    if (shares !== null && metrics.shares_outstanding === undefined) metrics.shares_outstanding = shares;
    const filed = isIsoDate(row.filed) ? row.filed : addDays(periodEnd, FILING_DEADLINE_DAYS[form] ?? 90);
    return {
      ticker,
      form,
      fiscal_year: finite(row.fiscal_year) ?? Number(periodEnd.slice(0, 4)),
      fiscal_period: str(row.fiscal_period) ?? (form === '10-K' ? 'FY' : '?'),
      period_end: periodEnd,
      filed,
      metrics,
      ...(isIsoDate(row.filed) ? {} : { filed_estimated: true }),
    };
  });
}

/** Parses `news/*.jsonl`: one headline a line (date, published_at, headline, source, url, tickers, ticker_sentiment). */
export function parseNewsJsonl(text: string, file: string): NewsItem[] {
  return parseLines(text, file, (row, fail) => {
    const headline = str(row.headline);
    if (!headline) throw fail('"headline" is missing');
    const published = str(row.published_at);
    // The publication date decides visibility; `date` is a fallback when there is no timestamp.
    const date = (published ? datePart(published) : null) ?? (isIsoDate(row.date) ? row.date : null);
    if (!date) throw fail('neither "published_at" nor "date" holds a date');
    const tickers = Array.isArray(row.tickers)
      ? row.tickers.filter((t): t is string => typeof t === 'string').map((t) => t.toUpperCase())
      : [];
    const sentiment: NewsItem['ticker_sentiment'] = {};
    if (typeof row.ticker_sentiment === 'object' && row.ticker_sentiment !== null) {
      for (const [key, value] of Object.entries(row.ticker_sentiment as Record<string, Row>)) {
        const score = finite(value?.score);
        if (score === null) continue;
        sentiment[key.toUpperCase()] = { relevance: finite(value.relevance) ?? 0, score, label: str(value.label) ?? sentimentLabel(score) };
      }
    }
    const overall = finite(row.overall_sentiment_score);
    const item: NewsItem = {
      date,
      published_at: published ?? `${date}T00:00:00`,
      headline,
      source: str(row.source) ?? 'unknown source',
      tickers,
      ticker_sentiment: sentiment,
    };
    const summary = str(row.summary);
    const url = str(row.url);
    if (summary) item.summary = summary;
    if (url) item.url = url;
    if (overall !== null) item.overall_sentiment = { score: overall, label: str(row.overall_sentiment_label) ?? sentimentLabel(overall) };
    return item;
  });
}

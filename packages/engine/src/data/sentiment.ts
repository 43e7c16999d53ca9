/** Sentiment buckets, from most bearish to most bullish. */
export type SentimentBucket = 'very_negative' | 'negative' | 'neutral' | 'positive' | 'very_positive';

/**
 * The bucket of a sentiment score (−1..1). The cut-offs are the ones Alpha Vantage documents for its news
 * feed (±0.15 and ±0.35), so generated and real headlines are labelled alike.
 */
export function sentimentBucket(score: number): SentimentBucket {
  if (score <= -0.35) return 'very_negative';
  if (score <= -0.15) return 'negative';
  if (score < 0.15) return 'neutral';
  if (score < 0.35) return 'positive';
  return 'very_positive';
}

const LABELS: Record<SentimentBucket, string> = {
  very_negative: 'Bearish',
  negative: 'Somewhat-Bearish',
  neutral: 'Neutral',
  positive: 'Somewhat-Bullish',
  very_positive: 'Bullish',
};

/** The label of a sentiment score, in the feed's wording (`Bearish` … `Bullish`). */
export function sentimentLabel(score: number): string {
  return LABELS[sentimentBucket(score)];
}

/** Scores at or above this count as bullish, at or below its negative as bearish. */
export const BULLISH_THRESHOLD = 0.15;

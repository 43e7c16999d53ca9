import type { PromptFacts } from './read-prompt.js';
import { analystReport, fmt, plural, type Factor } from './report-format.js';
import { NewsPayload, readPayload, type HeadlinePayload } from './tool-payloads.js';

/** Sentiment scores at or beyond ±this count as positive / negative (the news feed's own cut-off). */
const TONE_CUTOFF = 0.15;

/** Counts and average tone of a set of headlines. */
export interface Tone {
  count: number;
  scored: number;
  positive: number;
  negative: number;
  average: number | null;
}

export function toneOf(items: readonly HeadlinePayload[]): Tone {
  const scores = items.map((i) => i.sentiment_score).filter((s): s is number => typeof s === 'number');
  return {
    count: items.length,
    scored: scores.length,
    positive: scores.filter((s) => s >= TONE_CUTOFF).length,
    negative: scores.filter((s) => s <= -TONE_CUTOFF).length,
    average: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
  };
}

/** One headline as a bullet: date, source, score and the headline itself. */
export function headlineBullet(i: HeadlinePayload): string {
  const score = typeof i.sentiment_score === 'number' ? ` (sentiment ${i.sentiment_score >= 0 ? '+' : ''}${fmt(i.sentiment_score)})` : '';
  return `- ${i.date} · ${i.source ?? 'unknown source'}${score}: "${i.headline}"`;
}

function toneFactor(name: string, t: Tone, what: string): Factor | null {
  if (t.average === null) return null;
  const s = t.average >= 0.1 ? 1 : t.average <= -0.1 ? -1 : 0;
  const word = s > 0 ? 'positive' : s < 0 ? 'negative' : 'mixed to neutral';
  const over = `${plural(t.scored, 'scored headline')}`;
  return {
    name,
    reading: `average sentiment ${fmt(t.average)} over ${over}`,
    score: s,
    comment: `${what} average a sentiment of ${fmt(t.average)} across ${over}: ${word}.`,
  };
}

/** The news analyst's report, from get_company_news and get_market_news answers. */
export function writeNewsReport(facts: PromptFacts, answers: Map<string, string>): string {
  const company = readPayload(answers.get('get_company_news'), NewsPayload);
  const market = readPayload(answers.get('get_market_news'), NewsPayload);
  const companyItems = company.ok ? company.data.items : [];
  const marketItems = market.ok ? market.data.items : [];
  const ct = toneOf(companyItems);
  const mt = toneOf(marketItems);
  const factors: Factor[] = [];
  const tone = toneFactor('Company news tone', ct, `${facts.ticker} headlines`);
  if (tone) factors.push(tone);
  if (ct.scored >= 2) {
    const s = ct.positive >= 2 && ct.positive > ct.negative * 1.5 ? 1 : ct.negative >= 2 && ct.negative > ct.positive * 1.5 ? -1 : 0;
    const word = s > 0 ? 'good news dominates' : s < 0 ? 'bad news dominates' : 'no side dominates';
    factors.push({
      name: 'News balance',
      reading: `${ct.positive} positive / ${ct.negative} negative`,
      score: s,
      comment: `${ct.positive} positive against ${ct.negative} negative headlines: ${word}.`,
    });
  }
  const backdrop = toneFactor('Market backdrop', mt, 'market-wide headlines');
  if (backdrop) factors.push(backdrop);

  const window = company.ok ? `${company.data.from ?? '?'} → ${company.data.as_of ?? facts.tradeDate ?? '?'}` : 'the window';
  const body = [
    '### Company news',
    company.ok
      ? `${plural(ct.count, 'headline')} on ${facts.ticker} in ${window}: ${ct.positive} positive, ${ct.negative} negative, ${ct.scored - ct.positive - ct.negative} neutral.`
      : `Company news is unavailable (${company.reason}).`,
    ...companyItems.slice(0, 6).map(headlineBullet),
    '',
    '### Market backdrop',
    market.ok
      ? `${plural(mt.count, 'market-wide headline')}; average sentiment ${fmt(mt.average)}.`
      : `Market news is unavailable (${market.reason}).`,
    ...marketItems.slice(0, 4).map(headlineBullet),
  ];
  return analystReport({
    heading: 'News analysis',
    facts,
    source: 'the company and market headlines its tools returned',
    factors,
    body,
    noFactors: 'There were no scored headlines to weigh.',
  });
}

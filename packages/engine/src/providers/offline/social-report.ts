import { headlineBullet, toneOf } from './news-report.js';
import type { PromptFacts } from './read-prompt.js';
import { analystReport, fmt, plural, type Factor } from './report-format.js';
import { NewsPayload, readPayload, SocialPayload, type SocialPayload as Social } from './tool-payloads.js';

function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** Sentiment drift: the later half of the days against the earlier half. */
function drift(daily: Social['daily']): { earlier: number; later: number } | null {
  // The contract does not fix the order of `daily`; sort by date to compare old with new.
  const sorted = [...daily].filter((d) => typeof d.average_score === 'number').sort((a, b) => a.date.localeCompare(b.date));
  const values = sorted.map((d) => d.average_score as number);
  if (values.length < 4) return null;
  const half = Math.floor(values.length / 2);
  const earlier = mean(values.slice(0, half));
  const later = mean(values.slice(half));
  return earlier === null || later === null ? null : { earlier, later };
}

function scoreFactors(s: Social): Factor[] {
  const factors: Factor[] = [];
  if (typeof s.average_score === 'number') {
    const v = s.average_score;
    const score = v >= 0.1 ? 1 : v <= -0.1 ? -1 : 0;
    factors.push({
      name: 'Mood',
      reading: `average score ${fmt(v)} over ${s.mentions ?? '?'} mentions`,
      score,
      comment: `the average sentiment is ${fmt(v)} over ${s.mentions ?? '?'} mentions: ${score > 0 ? 'upbeat' : score < 0 ? 'downbeat' : 'indifferent'}.`,
    });
  }
  const bull = s.bullish ?? 0;
  const bear = s.bearish ?? 0;
  if (bull + bear > 0) {
    const score = bull >= 2 && bull > bear * 1.5 ? 1 : bear >= 2 && bear > bull * 1.5 ? -1 : 0;
    factors.push({
      name: 'Bull/bear balance',
      reading: `${bull} bullish / ${bear} bearish / ${s.neutral ?? 0} neutral`,
      score,
      comment: `${bull} bullish against ${bear} bearish items (${s.neutral ?? 0} neutral): ${score > 0 ? 'bulls are louder' : score < 0 ? 'bears are louder' : 'an even split'}.`,
    });
  }
  const d = drift(s.daily);
  if (d) {
    const change = d.later - d.earlier;
    const score = change >= 0.05 ? 1 : change <= -0.05 ? -1 : 0;
    factors.push({
      name: 'Sentiment trend',
      reading: `${fmt(d.earlier)} → ${fmt(d.later)}`,
      score,
      comment: `the daily mood moved from ${fmt(d.earlier)} in the first half of the window to ${fmt(d.later)} in the second: ${score > 0 ? 'improving' : score < 0 ? 'fading' : 'flat'}.`,
    });
  }
  return factors;
}

/** The sentiment analyst's report, from get_social_sentiment and get_company_news answers. */
export function writeSocialReport(facts: PromptFacts, answers: Map<string, string>): string {
  const social = readPayload(answers.get('get_social_sentiment'), SocialPayload);
  const news = readPayload(answers.get('get_company_news'), NewsPayload);
  const factors = social.ok ? scoreFactors(social.data) : [];
  const body: string[] = ['### Mood and volume'];
  if (social.ok) {
    const s = social.data;
    body.push(
      `${plural(s.mentions ?? 0, 'mention')} of ${facts.ticker} from ${s.from ?? '?'} to ${s.as_of ?? facts.tradeDate ?? '?'}, ` +
        `average score ${fmt(s.average_score)}.` +
        (s.source_note ? ` Source: ${s.source_note}` : ''),
    );
    if (s.top_positive.length)
      body.push('', 'Most positive:', ...s.top_positive.slice(0, 3).map((t) => `- ${t.date} (${fmt(t.score)}): "${t.headline}"`));
    if (s.top_negative.length)
      body.push('', 'Most negative:', ...s.top_negative.slice(0, 3).map((t) => `- ${t.date} (${fmt(t.score)}): "${t.headline}"`));
  } else {
    body.push(`Sentiment data is unavailable (${social.reason}).`);
  }
  if (news.ok && news.data.items.length) {
    const t = toneOf(news.data.items);
    body.push(
      '',
      '### What people are reading',
      `${plural(t.count, 'recent headline')}, ${t.positive} positive and ${t.negative} negative:`,
      ...news.data.items.slice(0, 3).map(headlineBullet),
    );
  }
  return analystReport({
    heading: 'Sentiment analysis',
    facts,
    source: 'the sentiment data and headlines its tools returned',
    factors,
    body,
    noFactors: 'There was no sentiment data to weigh.',
  });
}

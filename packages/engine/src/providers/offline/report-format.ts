/** The label every text of the offline model carries, so that no one mistakes it for an LLM's work. */
export const OFFLINE_LABEL = 'offline rule-based model (no LLM)';

/** One factor an analyst weighed: +1 supportive, −1 adverse, 0 mixed or unscored. */
export interface Factor {
  name: string;
  /** The figures, e.g. "182.31 vs 160.30 (+13.7%)". */
  reading: string;
  score: -1 | 0 | 1;
  /** One sentence in words, quoting the figures. */
  comment: string;
}

/**
 * Markers of a factor's direction in observation bullets; the researchers pick their points by them. The
 * neutral one is not a bullet glyph: after a list item's own bullet a `•` read as a doubled bullet.
 */
export const UP = '▲';
export const DOWN = '▼';
export const FLAT = '◆';

function marker(score: number): string {
  return score > 0 ? UP : score < 0 ? DOWN : FLAT;
}

/** A number with fixed decimals, or "n/a". */
export function fmt(n: number | null | undefined, digits = 2): string {
  return n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
}

/** A signed percentage, e.g. "+12.3%"; the input is already in percent. */
export function pct(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  return `${n > 0 ? '+' : ''}${n.toFixed(digits)}%`;
}

/** A large amount, e.g. 1.23B, 45.6M, 7.8K. */
export function compact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  const abs = Math.abs(n);
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) if (abs >= size) return `${(n / size).toFixed(2)}${unit}`;
  return n.toFixed(0);
}

/** The verdict word of a score out of `max`. */
function signalLabel(score: number, max: number): string {
  if (max <= 0) return 'neutral';
  const r = score / max;
  if (r >= 0.7) return 'strongly bullish';
  if (r >= 0.2) return 'bullish';
  if (r <= -0.7) return 'strongly bearish';
  if (r <= -0.2) return 'bearish';
  return 'neutral';
}

/** The signal line, e.g. `Signal: bullish (score +3 of 5)`. */
export function signalLine(factors: readonly Factor[]): string {
  const { score, max } = tally(factors);
  return `Signal: ${signalLabel(score, max)} (score ${score > 0 ? '+' : ''}${score} of ${max})`;
}

/** Sum of the factor scores and how many factors were weighed. */
function tally(factors: readonly Factor[]): { score: number; max: number } {
  return { score: factors.reduce((s, f) => s + f.score, 0), max: factors.length };
}

/** The heading and the offline label that start every offline report. */
export function reportHeader(heading: string, ticker: string, demo: boolean, source: string): string[] {
  const data = demo ? ' It used demo data (a fictional company), not market data.' : '';
  return [`## ${heading}: ${ticker}`, '', `*Written by the ${OFFLINE_LABEL} from ${source}.${data}*`];
}

/** The observations list: one bullet per factor, marked ▲ ▼ •. */
export function observations(factors: readonly Factor[]): string[] {
  return factors.map((f) => `- ${marker(f.score)} ${f.name}: ${f.comment}`);
}

/** The summary table that ends every analyst report. */
export function summaryTable(factors: readonly Factor[]): string[] {
  const { score, max } = tally(factors);
  const verdict = (s: number) => (s > 0 ? `${UP} bullish` : s < 0 ? `${DOWN} bearish` : `${FLAT} neutral`);
  const cell = (s: string) => s.replace(/\|/g, '/');
  return [
    '| Factor | Reading | Signal |',
    '| --- | --- | --- |',
    ...factors.map((f) => `| ${cell(f.name)} | ${cell(f.reading)} | ${verdict(f.score)} |`),
    `| Overall | score ${score > 0 ? '+' : ''}${score} of ${max} | ${signalLabel(score, max)} |`,
  ];
}

/** What an analyst report is written from; see {@link analystReport}. */
export interface AnalystReportParts {
  heading: string;
  facts: { ticker: string; demo: boolean };
  /** What the report was written from, e.g. "the filings and ratios its tools returned". */
  source: string;
  factors: readonly Factor[];
  body: readonly string[];
  /** The observation shown when no factor could be weighed. */
  noFactors: string;
}

/** A whole analyst report: header, signal line, body, observations (or `noFactors`) and the summary table. */
export function analystReport(r: AnalystReportParts): string {
  return [
    ...reportHeader(r.heading, r.facts.ticker, r.facts.demo, r.source),
    '',
    signalLine(r.factors),
    '',
    ...r.body,
    '',
    '### Observations',
    ...(r.factors.length ? observations(r.factors) : [`- ${FLAT} ${r.noFactors}`]),
    '',
    ...summaryTable(r.factors),
  ].join('\n');
}

/** `1 headline`, `3 headlines`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Clamps a score to the factor range. */
export function sign(n: number): -1 | 0 | 1 {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

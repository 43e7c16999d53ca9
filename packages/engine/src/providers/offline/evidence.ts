import type { AnalystKind } from '@tradingfloor/shared';
import { DOWN, UP } from './report-format.js';

/** One point of a report: a bullet with its direction (+1 supportive, −1 adverse, 0 neutral). */
export interface Point {
  kind: AnalystKind;
  tone: -1 | 0 | 1;
  text: string;
}

/** What a report says overall and point by point. */
export interface ReportReading {
  kind: AnalystKind;
  label: string;
  /** The score and how many factors, when the report states them. */
  score: number | null;
  max: number | null;
  /** −1..1. */
  normalized: number;
  points: Point[];
}

/** The evidence of all reports together. */
export interface Evidence {
  readings: ReportReading[];
  /** Weighted mean of the normalized signals of the reports that weighed something, −1..1. */
  composite: number;
  lastClose: number | null;
  atr: number | null;
}

/** How much each report counts in the composite: price and business first, then news and mood. */
const REPORT_WEIGHTS: Record<AnalystKind, number> = { market: 0.35, fundamentals: 0.3, news: 0.2, social: 0.15 };

const LABEL_VALUE: Record<string, number> = { 'strongly bullish': 0.8, bullish: 0.4, neutral: 0, bearish: -0.4, 'strongly bearish': -0.8 };
const SIGNAL_RE =
  /Signal:\s*\**\s*(strongly bullish|bullish|neutral|bearish|strongly bearish)\s*\**\s*(?:\(score\s*([+\-−]?\d+)\s*of\s*(\d+)\))?/i;
const POSITIVE_WORDS = /\b(bullish|positive|uptrend|upside|growth|growing|strong|beat|upgrade|outperform|improving|above)\b/gi;
const NEGATIVE_WORDS = /\b(bearish|negative|downtrend|downside|decline|declining|weak|miss|downgrade|underperform|fading|below|loss)\b/gi;

function wordTone(text: string): number {
  return (text.match(POSITIVE_WORDS)?.length ?? 0) - (text.match(NEGATIVE_WORDS)?.length ?? 0);
}

/** Reads a report: its signal line (or, for a report without one, the balance of its wording) and its points. */
function readReport(kind: AnalystKind, text: string): ReportReading {
  const points: Point[] = [];
  let marked = false;
  for (const m of text.matchAll(/^\s*[-*]\s+(▲|▼|◆|•)\s*(.+)$/gm)) {
    marked = true;
    points.push({ kind, tone: m[1] === UP ? 1 : m[1] === DOWN ? -1 : 0, text: (m[2] ?? '').trim() });
  }
  if (!marked) {
    // A report written by a real model has plain bullets: judge each by its wording.
    for (const m of text.matchAll(/^\s*[-*]\s+(.{12,})$/gm)) {
      const t = wordTone(m[1] ?? '');
      points.push({ kind, tone: t > 0 ? 1 : t < 0 ? -1 : 0, text: (m[1] ?? '').replace(/\*\*/g, '').trim() });
    }
  }
  const signal = text.match(SIGNAL_RE);
  if (signal?.[1]) {
    const label = signal[1].toLowerCase();
    const score = signal[2] === undefined ? null : Number(signal[2].replace('−', '-'));
    const max = signal[3] === undefined ? null : Number(signal[3]);
    const normalized = score !== null && max ? score / max : (LABEL_VALUE[label] ?? 0);
    return { kind, label, score, max, normalized, points };
  }
  const t = wordTone(text);
  const normalized = Math.max(-1, Math.min(1, t / (Math.abs(t) + 4)));
  const label = normalized >= 0.2 ? 'bullish' : normalized <= -0.2 ? 'bearish' : 'neutral';
  return { kind, label, score: null, max: null, normalized, points };
}

function firstNumber(texts: Array<string | undefined>, re: RegExp): number | null {
  for (const t of texts) {
    const m = t?.match(re);
    const n = m?.[1] === undefined ? NaN : Number(m[1].replace(/,/g, ''));
    if (Number.isFinite(n) && n > 0) return n;
  }
  return null;
}

/** Reads every report and weighs them into one composite signal. */
export function gatherEvidence(reports: Partial<Record<AnalystKind, string>>): Evidence {
  const kinds = (Object.keys(REPORT_WEIGHTS) as AnalystKind[]).filter((k) => reports[k] !== undefined);
  const readings = kinds.map((k) => readReport(k, reports[k] ?? ''));
  // A report that weighed no factor (its data was unavailable) is no evidence either way: it must not dilute the rest.
  const counted = readings.filter((r) => r.max !== 0);
  const weight = counted.reduce((s, r) => s + REPORT_WEIGHTS[r.kind], 0);
  const composite = weight > 0 ? counted.reduce((s, r) => s + REPORT_WEIGHTS[r.kind] * r.normalized, 0) / weight : 0;
  return {
    readings,
    composite: Math.round(composite * 100) / 100,
    lastClose: firstNumber([reports.market, reports.fundamentals], /last close\s*:?\s*\$?([\d,]+(?:\.\d+)?)/i),
    atr: firstNumber([reports.market], /ATR\s*\(14\)\s*:?\s*\$?([\d,]+(?:\.\d+)?)/i),
  };
}

/** e.g. "market bullish (+3 of 5), news neutral (0 of 3)". */
export function describeReadings(readings: readonly ReportReading[]): string {
  return readings
    .map((r) => `${r.kind} ${r.label}` + (r.score !== null && r.max !== null ? ` (${r.score > 0 ? '+' : ''}${r.score} of ${r.max})` : ''))
    .join(', ');
}

/** A signed composite, e.g. "+0.32". */
export function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${n.toFixed(2)}`;
}

/** Points of one direction, the most heavily weighted reports first. */
export function pointsOf(evidence: Evidence, tone: 1 | -1): Point[] {
  return [...evidence.readings]
    .sort((a, b) => REPORT_WEIGHTS[b.kind] - REPORT_WEIGHTS[a.kind])
    .flatMap((r) => r.points.filter((p) => p.tone === tone));
}

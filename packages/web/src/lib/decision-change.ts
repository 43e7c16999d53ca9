import type { Decision } from '@tradingfloor/shared';
import { formatPercent } from './format.js';

/** What changed between two decisions of one ticker, in one line a trader reads at a glance. */
export interface DecisionChange {
  /** "was Hold at 62%, now Buy at 71%" or "still Hold, 62% → 58%". */
  headline: string;
  /** The newer decision's first reason, when it gave one ("momentum turned"). */
  because: string | null;
  /** True when the action or rating changed. */
  changed: boolean;
}

/** Compares a run's decision with the previous run's decision of the same ticker. */
export function describeChange(previous: Decision, current: Decision): DecisionChange {
  const changed = previous.action !== current.action || previous.rating !== current.rating;
  const was = `${previous.rating} (${previous.action}) at ${formatPercent(previous.confidence)}`;
  const now = `${current.rating} (${current.action}) at ${formatPercent(current.confidence)}`;
  const headline = changed
    ? `was ${was}, now ${now}`
    : `still ${current.rating} (${current.action}), confidence ${formatPercent(previous.confidence)} → ${formatPercent(current.confidence)}`;
  const because = current.rationale[0] ?? (current.summary || null);
  return { headline, because, changed };
}

/** The key points of a decision shown side by side: its summary and first reasons. */
export function keyPoints(decision: Decision, max = 4): string[] {
  return decision.rationale.slice(0, max);
}

import { DECISION_VERSION, type Action, type Decision, type Position, type PositionAction, type Rating } from '@tradingfloor/shared';
import { parsePositionSize, readClosingLines, withoutClosingLines } from './closing-lines.js';
import { allowedPositionActions, defaultPositionAction } from './position-action.js';
import { readRationale } from './rationale.js';
import { actionOfRating, findWordings, settle, type Wording } from './read-wording.js';
import { readRiskMetrics } from './risk-metrics.js';
import { firstSentences } from './summary.js';

/** What the parser needs besides the text: whose decision it is and the position it applies to. */
export interface ParseDecisionInput {
  ticker: string;
  tradeDate: string;
  position: Position;
  /** Last close on the trade date: the entry of a new position. */
  lastClose: number | null;
}

const RATING_OF_ACTION: Record<Action, Rating> = { BUY: 'Buy', HOLD: 'Hold', SELL: 'Sell' };
const STRENGTH: Record<Rating, number> = { Buy: 0.7, Sell: 0.7, Overweight: 0.6, Underweight: 0.6, Hold: 0.5 };
const CONFIDENCE_RE = [
  /\bconfidence(?:\s+(?:level|score))?\s*(?:is|of|at|:|=)?\s*(?:about|around|roughly)?\s*[*_]*(\d{1,3}(?:\.\d+)?)\s*%/i,
  /\b(\d{1,3}(?:\.\d+)?)\s*%\s+(?:confidence|confident)\b/i,
  /\bconfidence(?:\s+(?:level|score))?\s*(?:is|of|at|:|=)\s*[*_]*(0?\.\d+)\b/i,
];

function statedConfidence(text: string): number | undefined {
  for (const re of CONFIDENCE_RE) {
    const m = text.match(re);
    if (!m?.[1]) continue;
    const n = Number(m[1]);
    const fraction = m[1].includes('.') && n <= 1 && !m[0].includes('%') ? n : n / 100;
    if (fraction >= 0 && fraction <= 1) return fraction;
  }
  return undefined;
}

/** A "Size: half" / "Position size: 50%" line of the prose, as a share of a full position. */
function statedSize(prose: string): number | undefined {
  const m = prose.match(/^[\s>*_-]*(?:position\s+)?size[\s*_]*[:=][\s*_]*(.+)$/im);
  return m?.[1] ? parsePositionSize(m[1]) : undefined;
}

function direction(x: Rating | Action): number {
  return x === 'Buy' || x === 'Overweight' || x === 'BUY' ? 1 : x === 'Hold' || x === 'HOLD' ? 0 : -1;
}

function conflictNote(what: string, found: { value: string; conflicts: string[]; phrase: string }): string {
  return `conflicting ${what} wordings (${[...found.conflicts, found.value].join(', ')}); used the last explicit one: "${found.phrase}"`;
}

/**
 * Turns the portfolio manager's text into the structured decision. Rating and action come from the text — the
 * closing lines first, then looser wordings ("Rating: Underweight", "we recommend selling", "**HOLD**"); when
 * nothing is clear the decision is Hold / HOLD with a note saying so. Everything assumed is noted.
 */
export function parseDecision(text: string, input: ParseDecisionInput): Decision {
  const raw = typeof text === 'string' ? text : '';
  const notes: string[] = [];
  const closing = readClosingLines(raw);
  // Looser readings look at the prose only: a copied or half-filled closing line must not count as a wording.
  const wordings = findWordings(withoutClosingLines(raw));
  const isActionOnly = (w: Wording) => w.rating === undefined && w.action !== undefined;

  let rating: Rating | undefined = closing.rating;
  const worded = settle(wordings, (w) => w.rating);
  if (rating === undefined && worded) {
    rating = worded.value;
    if (worded.conflicts.length) notes.push(conflictNote('rating', worded));
  } else if (rating !== undefined) {
    const other = wordings.find((w) => w.level === 1 && w.rating !== undefined && w.rating !== rating);
    if (other) notes.push(`the text also says "${other.phrase}"; the closing line (${rating}) wins`);
  }

  let action: Action | undefined = closing.action;
  if (action === undefined) {
    const labelled = settle(
      wordings.filter((w) => isActionOnly(w) && w.level === 1),
      (w) => w.action,
    );
    if (labelled) action = labelled.value;
    else if (rating !== undefined) action = actionOfRating(rating);
    else action = settle(wordings.filter(isActionOnly), (w) => w.action)?.value;
  }
  if (rating === undefined && action !== undefined) {
    rating = RATING_OF_ACTION[action];
    notes.push(`no rating stated; ${rating} inferred from the ${action} transaction`);
  }
  const clear = rating !== undefined && action !== undefined;
  if (rating === undefined || action === undefined) {
    rating = 'Hold';
    action = 'HOLD';
    notes.push('no clear rating or transaction found in the text; defaulted to Hold / HOLD');
  }
  if (direction(rating) * direction(action) < 0) {
    notes.push(`the rating (${rating}) and the transaction (${action}) point in opposite directions; both kept as stated`);
  }

  const side = input.position.side;
  const allowed = allowedPositionActions(side, action);
  let positionAction: PositionAction =
    side === 'none' && action === 'SELL' && rating === 'Underweight' ? 'none' : defaultPositionAction(side, action);
  if (closing.positionAction !== undefined) {
    if (allowed.includes(closing.positionAction)) positionAction = closing.positionAction;
    else
      notes.push(`stated position action ${closing.positionAction} does not fit ${action} with position "${side}"; used ${positionAction}`);
  }

  let confidence = closing.confidence ?? statedConfidence(raw);
  let basis = 'stated by the model';
  if (confidence === undefined) {
    const conflicted = notes.some((n) => n.startsWith('conflicting') || n.includes('opposite directions'));
    confidence = clear ? STRENGTH[rating] - (conflicted ? 0.1 : 0) : 0.3;
    basis = clear
      ? `derived: no confidence stated; ${confidence.toFixed(2)} from the strength of the ${rating} rating${conflicted ? ', less 0.10 for conflicting wordings' : ''}`
      : 'derived: no clear decision in the text, so a low 0.30';
  }

  const lastClose = input.lastClose !== null && Number.isFinite(input.lastClose) && input.lastClose > 0 ? input.lastClose : null;
  const entry = side !== 'none' ? (input.position.entry_price ?? lastClose) : lastClose;
  const risk = readRiskMetrics(raw, closing, entry, positionAction, notes);
  const summary = firstSentences(raw, 2) || `${rating} / ${action} (the text has no summary sentence)`;

  return {
    version: DECISION_VERSION,
    ticker: input.ticker,
    trade_date: input.tradeDate,
    rating,
    action,
    position_action: positionAction,
    summary,
    confidence: Math.round(confidence * 100) / 100,
    confidence_basis: basis,
    rationale: readRationale(raw),
    risk_metrics: risk,
    position_size: closing.positionSize ?? statedSize(withoutClosingLines(raw)) ?? null,
    notes,
    raw_text: raw,
  };
}

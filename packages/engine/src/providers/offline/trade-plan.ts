import type { Action, PositionAction, Rating } from '@tradingfloor/shared';
import { defaultPositionAction } from '../../decision/position-action.js';
import type { StatedPosition } from './read-prompt.js';
import { fmt } from './report-format.js';

/** Composite thresholds of the five ratings (the composite is −1..1). */
export function ratingFromComposite(composite: number): Rating {
  if (composite >= 0.45) return 'Buy';
  if (composite >= 0.15) return 'Overweight';
  if (composite > -0.15) return 'Hold';
  if (composite > -0.45) return 'Underweight';
  return 'Sell';
}

function actionFromRating(rating: Rating): Action {
  return rating === 'Buy' || rating === 'Overweight' ? 'BUY' : rating === 'Hold' ? 'HOLD' : 'SELL';
}

/** A ticket size assumed when no quantity is known, to weigh the cost per trade against the expected gain. */
const ASSUMED_TICKET = 10_000;
/** Without an ATR in the reports, a daily range of this share of the price is assumed. */
const FALLBACK_ATR_SHARE = 0.025;

export interface PlanInput {
  rating: Rating;
  composite: number;
  position: StatedPosition;
  lastClose: number | null;
  atr: number | null;
  costPerTrade: number | null;
  currency: string;
  /** Stop and target distances in ATRs. */
  stopAtr: number;
  targetAtr: number;
}

/** A concrete plan: what to do, where the stop and target are, and why in notes. */
export interface TradePlan {
  rating: Rating;
  action: Action;
  positionAction: PositionAction;
  entry: number | null;
  stopLoss: number | null;
  takeProfit: number | null;
  rewardRisk: number | null;
  confidence: number;
  notes: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function levels(input: PlanInput, pa: PositionAction, notes: string[]): { stopLoss: number | null; takeProfit: number | null } {
  const close = input.lastClose;
  const long = pa === 'open_long' || pa === 'maintain_long';
  const short = pa === 'open_short' || pa === 'maintain_short';
  if (close === null || (!long && !short)) return { stopLoss: null, takeProfit: null };
  let atr = input.atr;
  if (atr === null) {
    atr = close * FALLBACK_ATR_SHARE;
    notes.push(`no ATR in the reports: assumed a daily range of ${FALLBACK_ATR_SHARE * 100}% of price (${fmt(atr)})`);
  }
  const held = input.position;
  if (long) {
    let stopLoss = round2(close - input.stopAtr * atr);
    // Holding: the stop only ever trails up, and a target the price has not reached yet stays.
    if (pa === 'maintain_long' && held.stopLoss !== null && held.stopLoss > stopLoss) stopLoss = held.stopLoss;
    const keepTarget = pa === 'maintain_long' && held.takeProfit !== null && held.takeProfit > close;
    return { stopLoss, takeProfit: keepTarget ? held.takeProfit : round2(close + input.targetAtr * atr) };
  }
  let stopLoss = round2(close + input.stopAtr * atr);
  if (pa === 'maintain_short' && held.stopLoss !== null && held.stopLoss < stopLoss) stopLoss = held.stopLoss;
  const keepTarget = pa === 'maintain_short' && held.takeProfit !== null && held.takeProfit < close;
  return { stopLoss, takeProfit: keepTarget ? held.takeProfit : round2(Math.max(0.01, close - input.targetAtr * atr)) };
}

function rewardRisk(entry: number | null, sl: number | null, tp: number | null): number | null {
  if (entry === null || sl === null || tp === null) return null;
  const long = sl < entry && entry < tp;
  const short = tp < entry && entry < sl;
  if (!long && !short) return null;
  return round2(long ? (tp - entry) / (entry - sl) : (entry - tp) / (sl - entry));
}

/**
 * Turns a rating into a trade for the position held: the transaction, the position action, ATR-based levels and
 * a confidence. An opening trade whose round-trip cost eats more than half the expected gain is not made.
 */
export function planTrade(input: PlanInput): TradePlan {
  const notes: string[] = [];
  let rating = input.rating;
  let action = actionFromRating(rating);
  const side = input.position.side;
  // Flat and only mildly bearish: stay out rather than open a short.
  let pa: PositionAction = side === 'none' && rating === 'Underweight' ? 'none' : defaultPositionAction(side, action);
  let { stopLoss, takeProfit } = levels(input, pa, notes);
  const close = input.lastClose;
  if ((pa === 'open_long' || pa === 'open_short') && input.costPerTrade !== null && close !== null && takeProfit !== null) {
    const shares = input.position.quantity ?? Math.max(1, Math.floor(ASSUMED_TICKET / close));
    const gain = shares * Math.abs(takeProfit - close);
    const roundTrip = 2 * input.costPerTrade;
    if (roundTrip > gain / 2) {
      notes.push(
        `trading costs ${fmt(roundTrip)} ${input.currency} in and out against an expected gain of ${fmt(gain)} ${input.currency} ` +
          `on ${shares} shares: not worth trading`,
      );
      rating = 'Hold';
      action = 'HOLD';
      pa = 'none';
      stopLoss = null;
      takeProfit = null;
    } else {
      notes.push(
        `trading costs ${fmt(roundTrip)} ${input.currency} in and out against an expected gain of ${fmt(gain)} ${input.currency} on ${shares} shares`,
      );
    }
  }
  const entry = side !== 'none' ? input.position.entry : close;
  const strength = Math.abs(input.composite);
  const confidence = action === 'HOLD' ? Math.max(0.35, 0.6 - strength) : Math.min(0.9, Math.max(0.35, 0.45 + 0.5 * strength));
  return {
    rating,
    action,
    positionAction: pa,
    entry,
    stopLoss,
    takeProfit,
    rewardRisk: rewardRisk(entry, stopLoss, takeProfit),
    confidence: round2(confidence),
    notes,
  };
}

/** What a position action means in words. */
export function describePositionAction(pa: PositionAction): string {
  const words: Record<PositionAction, string> = {
    open_long: 'open a long position',
    close_long: 'close the long position',
    maintain_long: 'keep the long position',
    open_short: 'open a short position',
    close_short: 'close the short position',
    maintain_short: 'keep the short position',
    none: 'stay out (no position)',
  };
  return words[pa];
}

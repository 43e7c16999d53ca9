import type { PositionAction, RiskMetrics } from '@tradingfloor/shared';
import { PRICE_PATTERN as PRICE, type ClosingLines } from './closing-lines.js';

// The gap between a label and its price may not run into the other label ("stop) and a target of 112").
const STOP_RE = new RegExp(`\\bstop(?:[\\s-]*loss)?\\b(?:(?!target|profit)[^0-9\\n]){0,25}?${PRICE}`, 'gi');
const TARGET_RE = new RegExp(
  `\\b(?:take[\\s-]*profit|profit[\\s-]*target|price[\\s-]*target|target(?:\\s+price)?)\\b(?:(?!stop)[^0-9\\n]){0,25}?${PRICE}`,
  'gi',
);

/** The last price the text states after one of the labels, or null. */
function lastPrice(text: string, re: RegExp): number | null {
  let value: number | null = null;
  for (const m of text.matchAll(re)) {
    const n = Number((m[1] ?? '').replace(/,/g, ''));
    if (Number.isFinite(n) && n > 0) value = n;
  }
  return value;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Stop loss and take profit from the closing lines (or, failing those, the wording), the entry price, and the
 * reward-to-risk measured from the entry: (tp − entry) / (entry − sl) for a long, mirrored for a short. Null when a
 * figure is missing or the levels are not on the two sides of the entry in the trade's direction.
 */
export function readRiskMetrics(
  text: string,
  closing: ClosingLines,
  entry: number | null,
  positionAction: PositionAction,
  notes: string[],
): RiskMetrics {
  const stop_loss = closing.stopLoss !== undefined ? closing.stopLoss : lastPrice(text, STOP_RE);
  const take_profit = closing.takeProfit !== undefined ? closing.takeProfit : lastPrice(text, TARGET_RE);
  const metrics: RiskMetrics = { entry_price: entry, stop_loss, take_profit, reward_risk: null };
  if (entry === null || stop_loss === null || take_profit === null) return metrics;
  const longShape = stop_loss < entry && entry < take_profit;
  const shortShape = take_profit < entry && entry < stop_loss;
  const wantsLong = positionAction === 'open_long' || positionAction === 'maintain_long';
  const wantsShort = positionAction === 'open_short' || positionAction === 'maintain_short';
  if ((longShape && !wantsShort) || (shortShape && !wantsLong)) {
    metrics.reward_risk = round2(longShape ? (take_profit - entry) / (entry - stop_loss) : (entry - take_profit) / (stop_loss - entry));
  } else {
    notes.push(
      `stop loss ${stop_loss} and take profit ${take_profit} do not bracket the entry ${entry} for a ${wantsShort ? 'short' : wantsLong ? 'long' : 'position'}; reward/risk not computed`,
    );
  }
  return metrics;
}

import type { Action, Position, PositionAction } from '@tradingfloor/shared';

type Side = Position['side'];

/**
 * Which position actions fit a transaction given the position held. The first one is the default.
 * Selling while flat may mean "open a short" or "stay out"; adding to a long is still maintaining it.
 */
const ALLOWED: Record<Side, Record<Action, readonly PositionAction[]>> = {
  none: { BUY: ['open_long'], SELL: ['open_short', 'none'], HOLD: ['none'] },
  long: { BUY: ['maintain_long'], SELL: ['close_long'], HOLD: ['maintain_long'] },
  short: { BUY: ['close_short'], SELL: ['maintain_short'], HOLD: ['maintain_short'] },
};

/** The position actions consistent with `action` when holding `side`. */
export function allowedPositionActions(side: Side, action: Action): readonly PositionAction[] {
  return ALLOWED[side][action];
}

/** The position action that `action` implies for the position held. */
export function defaultPositionAction(side: Side, action: Action): PositionAction {
  return ALLOWED[side][action][0] ?? 'none';
}

/** The rules above in words, for the trader's and portfolio manager's prompts. */
export function positionRulesText(): string {
  return [
    'How the transaction maps to the position held (use exactly these position actions):',
    '- flat: BUY → open_long · SELL → open_short (or none to simply stay out) · HOLD → none',
    '- long: BUY or HOLD → maintain_long · SELL → close_long',
    '- short: SELL or HOLD → maintain_short · BUY → close_short',
  ].join('\n');
}

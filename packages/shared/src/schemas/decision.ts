import { z } from 'zod';

export const RATINGS = ['Buy', 'Overweight', 'Hold', 'Underweight', 'Sell'] as const;
export const RatingSchema = z.enum(RATINGS);
export type Rating = z.infer<typeof RatingSchema>;

export const ACTIONS = ['BUY', 'SELL', 'HOLD'] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

export const POSITION_ACTIONS = ['open_long', 'close_long', 'maintain_long', 'open_short', 'close_short', 'maintain_short', 'none'] as const;
export const PositionActionSchema = z.enum(POSITION_ACTIONS);
export type PositionAction = z.infer<typeof PositionActionSchema>;

/**
 * Risk figures stated in the decision text. `reward_risk` is (take_profit − entry) / (entry − stop_loss) for a
 * long (mirrored for a short), never take_profit / stop_loss; null when a figure it needs is missing.
 */
export const RiskMetricsSchema = z.object({
  entry_price: z.number().nullable(),
  stop_loss: z.number().nullable(),
  take_profit: z.number().nullable(),
  reward_risk: z.number().nullable(),
});
export type RiskMetrics = z.infer<typeof RiskMetricsSchema>;

export const DECISION_VERSION = 1;

/** The structured decision parsed from the portfolio manager's text. */
export const DecisionSchema = z.object({
  version: z.literal(DECISION_VERSION),
  ticker: z.string(),
  trade_date: z.string(),
  rating: RatingSchema,
  action: ActionSchema,
  position_action: PositionActionSchema,
  summary: z.string(),
  /** 0..1. */
  confidence: z.number().min(0).max(1),
  /** How the confidence figure was obtained (stated by the model, or derived, and from what). */
  confidence_basis: z.string(),
  rationale: z.array(z.string()),
  risk_metrics: RiskMetricsSchema,
  /**
   * Share of a full position the decision takes (0..1), from the `POSITION SIZE` closing line or a "Size:"
   * line of the text; null when the text states none. Absent in decisions written before it was read.
   */
  position_size: z.number().min(0).max(1).nullable().optional(),
  /** Things the parser had to assume, e.g. "no clear rating found; defaulted to Hold". */
  notes: z.array(z.string()),
  raw_text: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

import { z } from 'zod';
import { ActionSchema, PositionActionSchema, RatingSchema } from './decision.js';
import { RunStatusSchema } from './run-status.js';

/**
 * What the board shows of a run besides its status: the decision's figures, usage, models and where it came
 * from. Every field is optional so that summaries from older servers (and placeholders) still parse.
 */
export const RunBoardFieldsSchema = z.object({
  /** Id shared by every run started by one request (`/start-multi`, one CLI batch); null for runs from before batches. */
  batch_id: z.string().nullable().optional(),
  /** The backtest a run belongs to, when it was scheduled by one. */
  backtest_id: z.string().nullable().optional(),
  rating: RatingSchema.nullable().optional(),
  /** 0..1, once decided. */
  confidence: z.number().nullable().optional(),
  entry_price: z.number().nullable().optional(),
  stop_loss: z.number().nullable().optional(),
  take_profit: z.number().nullable().optional(),
  reward_risk: z.number().nullable().optional(),
  position_action: PositionActionSchema.nullable().optional(),
  /** Input + output tokens so far. */
  tokens: z.number().int().nonnegative().optional(),
  /** USD so far; null when a model's price is unknown. */
  cost_usd: z.number().nullable().optional(),
  quick_model: z.string().optional(),
  deep_model: z.string().optional(),
  /** The market data the run reads: its `data_vendors` chain, or the server's default (`demo`, `csv`, …). */
  data_source: z.string().optional(),
});
export type RunBoardFields = z.infer<typeof RunBoardFieldsSchema>;

/** What lists of runs show: `/runs`, `init_all`, the CLI table, the board. Times are epoch milliseconds. */
export const RunSummarySchema = z.object({
  run_id: z.string(),
  ticker: z.string(),
  trade_date: z.string(),
  status: RunStatusSchema,
  overall_progress: z.number().min(0).max(100),
  created_at: z.number(),
  updated_at: z.number(),
  /** Id of the deepest running phase node, or null. */
  current_phase: z.string().nullable(),
  provider: z.string(),
  error: z.string().nullable(),
  action: ActionSchema.nullable(),
  results_path: z.string(),
  /**
   * Queue mode only: the run's place among the runs waiting for a queue worker (1 = taken next), while it is
   * `pending` and not yet taken. Absent otherwise.
   */
  queue_position: z.number().int().positive().optional(),
  ...RunBoardFieldsSchema.shape,
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

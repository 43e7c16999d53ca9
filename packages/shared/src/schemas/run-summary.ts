import { z } from 'zod';
import { ActionSchema } from './decision.js';
import { RunStatusSchema } from './run-status.js';

/** What lists of runs show: `/runs`, `init_all`, the CLI table. Times are epoch milliseconds. */
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
  /** The backtest this run is a cell of; absent for ordinary runs. */
  backtest_id: z.string().optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

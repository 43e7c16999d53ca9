import { z } from 'zod';
import { ActionSchema } from './decision.js';
import { IsoDateSchema } from './run-config.js';
import { TickerSchema } from './ticker.js';

/**
 * One lesson of the reflection memory (DESIGN.md §8, "memory is data with a date"): a decision taken on
 * `decision_date`, judged at the close of `outcome_date` (`horizon` trading days later), and what to keep or
 * change. A run on date D may only ever see lessons whose `outcome_date` ≤ D.
 */
export const LessonSchema = z
  .object({
    ticker: TickerSchema,
    /** The run whose decision this lesson judges. */
    run_id: z.string().min(1),
    decision_date: IsoDateSchema,
    outcome_date: IsoDateSchema,
    horizon: z.number().int().min(1),
    action: ActionSchema,
    rating: z.string(),
    /** Close-to-close return of the instrument from the decision date to the outcome date (0.031 = +3.1 %). */
    realised_return: z.number(),
    /** What the decision earned: the return for BUY, its negative for SELL, 0 for HOLD. */
    decision_return: z.number(),
    /** SPY's return over the same dates, when the data has SPY. */
    benchmark_return: z.number().nullable(),
    /** `realised_return - benchmark_return`, when SPY is there. */
    alpha: z.number().nullable(),
    /** The reports' key points at the decision. */
    situation: z.string(),
    /** The reflection: what went right or wrong, what to keep or change. */
    text: z.string(),
    /** Who wrote the reflection, e.g. "offline rule-based model (no LLM)" or a model name. */
    reflected_by: z.string(),
  })
  .strict();
export type Lesson = z.infer<typeof LessonSchema>;

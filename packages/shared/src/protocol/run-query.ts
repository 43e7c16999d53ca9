import { z } from 'zod';
import { ActionSchema } from '../schemas/decision.js';
import { IsoDateSchema } from '../schemas/run-config.js';
import { RunStatusSchema } from '../schemas/run-status.js';
import { RunSummarySchema } from '../schemas/run-summary.js';

/** Columns `GET /runs` can sort by; `-name` sorts descending. Runs without a value sort last either way. */
export const RUN_SORT_KEYS = [
  'created_at',
  'updated_at',
  'ticker',
  'trade_date',
  'status',
  'progress',
  'action',
  'rating',
  'confidence',
  'reward_risk',
  'cost',
  'tokens',
  'duration',
] as const;
export const RunSortKeySchema = z.enum(RUN_SORT_KEYS);
export type RunSortKey = z.infer<typeof RunSortKeySchema>;

/** A parsed `sort` parameter. */
export interface RunSort {
  key: RunSortKey;
  desc: boolean;
}

const csv = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : v;

/**
 * Query of `GET /runs`. Without `limit` or `cursor` the answer is today's `{ runs }` (every run matching the
 * filters); with either it is one page, `{ runs, total, next_cursor }`. Filters: `status` and `action` take a
 * comma list, `q` is a case-insensitive ticker search, `from`/`to` bound the trade date (inclusive), `batch`
 * and `backtest` select one batch / backtest. `sort` is a column, `-column` for descending (default
 * `created_at`). `cursor` is the opaque `next_cursor` of the previous page and only valid with the same sort.
 */
export const RunListQuerySchema = z
  .object({
    status: z.preprocess(csv, z.array(RunStatusSchema).min(1).optional()),
    action: z.preprocess(csv, z.array(ActionSchema).min(1).optional()),
    q: z.string().trim().max(40).optional(),
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    batch: z.string().min(1).max(100).optional(),
    backtest: z.string().min(1).max(100).optional(),
    sort: z
      .string()
      .optional()
      .transform((s, ctx): RunSort | undefined => {
        if (s === undefined || s === '') return undefined;
        const desc = s.startsWith('-');
        const key = RunSortKeySchema.safeParse(desc ? s.slice(1) : s);
        if (!key.success) {
          ctx.addIssue({
            code: 'custom',
            message: `sort must be one of ${RUN_SORT_KEYS.join(', ')} (prefix - for descending), got "${s}"`,
          });
          return z.NEVER;
        }
        return { key: key.data, desc };
      }),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type RunListQuery = z.output<typeof RunListQuerySchema>;

/** `GET /runs` without paging: every run (matching the filters), oldest first unless sorted. */
export const RunListResponseSchema = z.object({ runs: z.array(RunSummarySchema) });
export type RunListResponse = z.infer<typeof RunListResponseSchema>;

/** `GET /runs?limit=…`: one page, how many runs match in all, and the cursor of the next page (null at the end). */
export const RunPageResponseSchema = z.object({
  runs: z.array(RunSummarySchema),
  total: z.number().int(),
  next_cursor: z.string().nullable(),
});
export type RunPageResponse = z.infer<typeof RunPageResponseSchema>;

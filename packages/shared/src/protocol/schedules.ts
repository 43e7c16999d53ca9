import { z } from 'zod';
import { RunOptionsSchema, type RunOptions, type RunOptionsInput } from '../schemas/run-config.js';
import { StartRunOptionsBodySchema } from './rest.js';

/** A schedule id: `sch-` and 10 lower-case hex digits, safe in a path. */
export const ScheduleIdSchema = z.string().regex(/^sch-[0-9a-f]{10}$/, 'a schedule id looks like sch-0123456789');

/** The path parameter of every `/schedules/:id` route. */
export const ScheduleIdParamsSchema = z.object({ id: ScheduleIdSchema });

/**
 * What a schedule does about fires it missed while the server was down: `run_once` starts one batch at
 * start-up however many fires were missed; `skip` waits for the next fire.
 */
export const MISSED_POLICIES = ['run_once', 'skip'] as const;
export const MissedPolicySchema = z.enum(MISSED_POLICIES);
export type MissedPolicy = z.infer<typeof MissedPolicySchema>;

/**
 * Body of `POST /schedules`: the tickers (CSV or list), a cron expression read in an IANA `timezone`, an
 * optional name and missed-fire policy, plus every run option a `/start-multi` body takes (derived from
 * the start body schema, so a new run option is accepted here too), except the trade date: each fire
 * analyses the data's latest day. The cron expression and time zone are checked by the server.
 */
const CreateScheduleBodyObject = StartRunOptionsBodySchema.extend({
  tickers: z.union([z.string().max(2000), z.array(z.string().max(50)).max(1000)]),
  cron: z.string().trim().min(1, 'cron is empty: give an expression such as "0 9 * * 1-5"').max(200),
  timezone: z.string().trim().min(1, 'timezone is empty: give an IANA name such as "America/New_York"').max(100),
  name: z.string().trim().min(1).max(100).optional(),
  missed: MissedPolicySchema.optional(),
});
export type CreateScheduleBody = z.output<typeof CreateScheduleBodyObject>;

/** What a JSON client posts to `/schedules`: the tickers, when, and any run option by its `RunOptionsSchema` name. */
export type CreateScheduleRequest = {
  tickers: string | string[];
  cron: string;
  timezone: string;
  name?: string;
  missed?: MissedPolicy;
} & Partial<Omit<RunOptions, 'trade_date' | 'backtest_id'>>;

/**
 * The create body schema, typed with the JSON client's input (the run options' form coercions make zod's own
 * input type `unknown`), so a typed client derived from the route table posts exactly `CreateScheduleRequest`.
 */
export const CreateScheduleBodySchema: z.ZodType<CreateScheduleBody, CreateScheduleRequest> = CreateScheduleBodyObject as unknown as z.ZodType<
  CreateScheduleBody,
  CreateScheduleRequest
>;

/** One fire time: the instant (UTC ISO), the same instant with the schedule's offset, and a readable label. */
export const FireTimeSchema = z.object({
  /** UTC, e.g. `2026-12-07T14:00:00.000Z`. */
  at: z.string(),
  /** In the schedule's time zone, ISO 8601 with its offset, e.g. `2026-12-07T09:00:00-05:00`. */
  local: z.string(),
  /** Readable in that zone, e.g. `Mon, 7 Dec 2026, 09:00 (America/New_York)`. */
  label: z.string(),
});
export type FireTime = z.infer<typeof FireTimeSchema>;

/** What one fire did: started a batch, skipped (previous batch still running, or a missed fire skipped) or failed to start. */
const FireOutcomeSchema = z.enum(['started', 'skipped', 'failed']);
export type FireOutcome = z.infer<typeof FireOutcomeSchema>;

/** One fire of a schedule, as recorded. */
export const ScheduleFireSchema = z.object({
  /** The cron time this fire belongs to (UTC ISO). */
  scheduled_for: z.string(),
  /** When it was handled (UTC ISO); later than `scheduled_for` for a missed fire run at start-up. */
  fired_at: z.string(),
  /** `cron`: on time; `missed`: a fire missed while the server was down, handled at start-up. */
  trigger: z.enum(['cron', 'missed']),
  outcome: FireOutcomeSchema,
  /** Why it was skipped or failed; null when started. */
  reason: z.string().nullable(),
  batch_id: z.string().nullable(),
  run_ids: z.array(z.string()),
});
export type ScheduleFire = z.infer<typeof ScheduleFireSchema>;

/**
 * The run options a schedule set, as given: every `RunOptionsSchema` field optional and without its
 * default, so a stored schedule keeps only what its creator chose (the defaults apply at each fire).
 */
const ScheduleRunOptionsSchema = z
  .object(
    Object.fromEntries(
      Object.entries(RunOptionsSchema.shape).map(([key, schema]) => [key, (schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema).optional()]),
    ),
  )
  .strict() as unknown as z.ZodType<Partial<RunOptionsInput>>;

/** A schedule as stored in `schedules.json`: what was asked, and its recent fires (newest first). */
export const ScheduleRecordSchema = z.object({
  schedule_id: ScheduleIdSchema,
  name: z.string().nullable(),
  tickers: z.array(z.string()).min(1),
  cron: z.string(),
  timezone: z.string(),
  missed: MissedPolicySchema,
  /** The run options every fire starts its runs with (`RunOptionsSchema` fields the request set). */
  options: ScheduleRunOptionsSchema,
  created_at: z.string(),
  fires: z.array(ScheduleFireSchema),
});
export type ScheduleRecord = z.infer<typeof ScheduleRecordSchema>;

/** A schedule as the API answers it: the record plus its next fire times and whether its last batch is still running. */
export const ScheduleSchema = ScheduleRecordSchema.extend({
  /** The next fire, or null when the expression has no future time. */
  next_fire: FireTimeSchema.nullable(),
  /** The next few fires (at most 5), for a preview. */
  next_fires: z.array(FireTimeSchema),
  /** The most recent fire (`fires[0]`), or null before the first. */
  last_fire: ScheduleFireSchema.nullable(),
  /** True while a run of the last started batch is still active (a fire then is skipped). */
  running: z.boolean(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const ScheduleListResponseSchema = z.object({ schedules: z.array(ScheduleSchema) });
export type ScheduleListResponse = z.infer<typeof ScheduleListResponseSchema>;

export const DeleteScheduleResponseSchema = z.object({ schedule_id: z.string(), deleted: z.literal(true) });
export type DeleteScheduleResponse = z.infer<typeof DeleteScheduleResponseSchema>;

/** Query of `GET /schedules/preview`: an expression and zone to check, and how many fire times to list. */
export const SchedulePreviewQuerySchema = z
  .object({
    cron: z.string().trim().min(1, 'cron is empty: give an expression such as "0 9 * * 1-5"').max(200),
    timezone: z.string().trim().min(1, 'timezone is empty: give an IANA name such as "America/New_York"').max(100),
    count: z.coerce.number().int().min(1).max(20).default(5),
  })
  .strict();
export type SchedulePreviewQuery = z.output<typeof SchedulePreviewQuerySchema>;

export const SchedulePreviewResponseSchema = z.object({
  cron: z.string(),
  timezone: z.string(),
  next_fires: z.array(FireTimeSchema),
});
export type SchedulePreviewResponse = z.infer<typeof SchedulePreviewResponseSchema>;

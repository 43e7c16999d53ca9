import { z } from 'zod';
import { numberOrNumericText } from './numeric.js';
import { ANALYST_KINDS, AnalystKindSchema } from './roles.js';
import { parseDataVendorSpec, RunDataSourceSchema } from './data-vendors.js';
import { PositionSchema } from './position.js';
import { TickerSchema } from './ticker.js';

/** The model providers a run can use. `offline` is the deterministic rule-based stand-in (no LLM). */
export const PROVIDER_NAMES = ['offline', 'openai', 'anthropic'] as const;
export const ProviderNameSchema = z.enum(PROVIDER_NAMES);
export type ProviderName = z.infer<typeof ProviderNameSchema>;

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are written YYYY-MM-DD')
  // zod 4 still runs the refinement after a failed regex: an invalid Date must not throw from toISOString.
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a real calendar date');
export type IsoDate = z.infer<typeof IsoDateSchema>;

/** How a run uses its cassette: `record` stores every answer, `replay` answers only from it, `replay_or_record` fills gaps. */
export const CASSETTE_MODES = ['record', 'replay', 'replay_or_record'] as const;
export const CassetteModeSchema = z.enum(CASSETTE_MODES);
export type CassetteMode = z.infer<typeof CassetteModeSchema>;

/** A model-call cassette: a directory of recorded answers, one JSON file per request hash. */
export const CassetteSchema = z
  .object({
    mode: CassetteModeSchema,
    dir: z.string().trim().min(1, 'the cassette dir is empty').max(1000),
  })
  .strict();
export type Cassette = z.infer<typeof CassetteSchema>;

/** Default `memory_horizon`: an outcome is judged at the close 5 trading days after the decision. */
export const DEFAULT_MEMORY_HORIZON = 5;

/** A backtest id: `bt-<YYYYMMDD>-<HHMMSS>-<6 hex>` (UTC), safe as a directory name. */
export const BacktestIdSchema = z.string().regex(/^bt-\d{8}-\d{6}-[0-9a-f]{6}$/, 'a backtest id looks like bt-20240102-153000-a1b2c3');

const Rounds = numberOrNumericText(z.number().int('rounds must be a whole number').min(1, 'at least 1 round').max(10, 'at most 10 rounds'));

/** Fields a run can set besides its ticker; shared by the REST body, the CLI and the run config. */
export const RunOptionsSchema = z
  .object({
    /** The trading day analysed; tools never return data dated after it. Defaults to the data's last date. */
    trade_date: IsoDateSchema.optional(),
    analysts: z
      .array(AnalystKindSchema)
      .min(1, 'select at least one analyst')
      .refine((a) => new Set(a).size === a.length, 'an analyst is listed twice')
      .default([...ANALYST_KINDS]),
    max_debate_rounds: Rounds.default(1),
    max_risk_discuss_rounds: Rounds.default(1),
    llm_provider: ProviderNameSchema.default('offline'),
    /** Model for analysts and debaters; defaults per provider. */
    quick_think_llm: z.string().min(1).max(200).optional(),
    /** Model for the research manager and portfolio manager; defaults per provider. */
    deep_think_llm: z.string().min(1).max(200).optional(),
    /** Simulated latency of each offline-model call, so offline runs stream like real ones. */
    offline_latency_ms: numberOrNumericText(z.number().int().min(0).max(60_000)).default(0),
    /** Run the analysts one after another instead of in parallel (for comparison). */
    sequential_analysts: z.boolean().default(false),
    /** Cost of one trade in the account currency, which the trader weighs against the expected move. */
    cost_per_trade: numberOrNumericText(z.number().min(0).max(1_000_000)).optional(),
    /** Market data vendor chains of this run, e.g. `prices:yahoo,csv;news:yahoo` (default: the server's `DATA_VENDORS`). */
    data_vendors: z
      .string()
      .max(500)
      .superRefine((spec, ctx) => {
        const parsed = parseDataVendorSpec(spec);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
      })
      .optional(),
    /** Reflection memory (issue 14): settle past decisions into lessons and show the relevant ones to the managers. */
    memory: z.boolean().default(false),
    /** Trading days after a decision at whose close its outcome is judged (memory only). */
    memory_horizon: numberOrNumericText(
      z.number().int().min(1, 'the horizon is at least 1 trading day').max(60, 'the horizon is at most 60 trading days'),
    ).optional(),
    /** Record or replay every model call of the run (absent = neither). */
    cassette: CassetteSchema.optional(),
    /** The backtest this run is a cell of (issue 14 §1). */
    backtest_id: BacktestIdSchema.optional(),
  })
  .strict();
export type RunOptions = z.output<typeof RunOptionsSchema>;
export type RunOptionsInput = z.input<typeof RunOptionsSchema>;

/** Everything one run needs: one ticker, its options resolved, and the position held in it. */
export const RunConfigSchema = RunOptionsSchema.extend({
  ticker: TickerSchema,
  trade_date: IsoDateSchema,
  quick_think_llm: z.string().min(1).max(200),
  deep_think_llm: z.string().min(1).max(200),
  position: PositionSchema.optional(),
  /** The request that started this run (every run of one `/start-multi` shares it); set by the RunManager. */
  batch_id: z.string().max(100).optional(),
  /** Where the run's market data comes from, resolved at its creation (absent in runs written before it was recorded). */
  data_source: RunDataSourceSchema.optional(),
}).strict();
export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;

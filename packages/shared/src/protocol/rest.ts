import { z } from 'zod';
import { AnalystKindSchema } from '../schemas/roles.js';
import { PositionSchema } from '../schemas/position.js';
import { RunOptionsSchema } from '../schemas/run-config.js';
import { RunSummarySchema } from '../schemas/run-summary.js';
import { LogEntrySchema, SeveritySchema } from '../schemas/log-entry.js';
import { RunStatusSchema } from '../schemas/run-status.js';

/** Every error body: `{ "error": "<message>" }`. */
export const ErrorBodySchema = z.object({ error: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Form posts send every value as a string: turn "a,b" into a list and "true"/"1"/"on" into booleans. */
const csvList = (v: unknown) => (typeof v === 'string' ? v.split(/[\s,]+/).filter((s) => s !== '') : v);
const formBool = (v: unknown) => (typeof v === 'string' ? ['1', 'true', 'on', 'yes'].includes(v.toLowerCase()) : v);
const jsonString = (v: unknown) => {
  if (typeof v !== 'string') return v;
  if (v.trim() === '') return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v; // left as a string, so the object schema reports it
  }
};
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/**
 * Body of `POST /start-multi` (JSON or form-encoded) and, with one symbol, `POST /start-process`.
 * `company_symbols` is a comma/space separated list (or an array); the run options use the seed's
 * snake_case names, with `analysis_date` accepted for `trade_date`. Unknown fields are refused.
 * Ticker validation happens after parsing, so that every bad ticker can be named at once.
 */
export const StartRunsBodySchema = z
  .object({
    company_symbols: z.union([z.string(), z.array(z.string())]).optional(),
    /** Legacy single-run field name (`/start-process`). */
    company_symbol: z.string().optional(),
    ticker: z.string().optional(),
    analysis_date: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.trade_date),
    trade_date: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.trade_date),
    analysts: z.preprocess(csvList, z.array(AnalystKindSchema).optional()),
    max_debate_rounds: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.max_debate_rounds.optional()),
    max_risk_discuss_rounds: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.max_risk_discuss_rounds.optional()),
    llm_provider: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.llm_provider.optional()),
    quick_think_llm: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.quick_think_llm),
    deep_think_llm: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.deep_think_llm),
    offline_latency_ms: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.offline_latency_ms.optional()),
    sequential_analysts: z.preprocess(formBool, z.boolean().optional()),
    cost_per_trade: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.cost_per_trade),
    /** Positions keyed by symbol; a JSON string in form posts. */
    instrument_positions: z.preprocess(jsonString, z.record(z.string(), PositionSchema).optional()),
  })
  .strict();
export type StartRunsBody = z.output<typeof StartRunsBodySchema>;

export const StartRunsResponseSchema = z.object({
  runs: z.array(z.object({ run_id: z.string(), ticker: z.string() })),
  count: z.number().int(),
});
export type StartRunsResponse = z.infer<typeof StartRunsResponseSchema>;

export const RunListQuerySchema = z.object({ status: RunStatusSchema.optional() }).strict();
export const RunListResponseSchema = z.object({ runs: z.array(RunSummarySchema) });
export type RunListResponse = z.infer<typeof RunListResponseSchema>;

/** Query of `GET /runs/:id/logs`. `severity`: one level = inclusive threshold; a comma list = exact set. */
export const LogsQuerySchema = z
  .object({
    severity: z
      .string()
      .default('INFO')
      .transform((s, ctx) => {
        const levels = s.split(',').map((x) => x.trim().toUpperCase()).filter((x) => x !== '');
        const parsed = z.array(SeveritySchema).min(1).safeParse(levels);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: `severity must be one of TRACE, DEBUG, INFO, WARN, ERROR (or a comma list of them), got "${s}"` });
          return z.NEVER;
        }
        return parsed.data.length === 1 ? { threshold: parsed.data[0]! } : { exact: parsed.data };
      }),
    sources: z.preprocess(csvList, z.array(z.string()).optional()),
    q: z.string().optional(),
    after_seq: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();
export type LogsQuery = z.output<typeof LogsQuerySchema>;

export const LogsResponseSchema = z.object({
  run_id: z.string(),
  entries: z.array(LogEntrySchema),
  returned: z.number().int(),
  /** seq of the last entry returned (or `after_seq` when none), for the next page. */
  last_seq: z.number().int(),
  /** The highest seq the run has produced. */
  total_seq: z.number().int(),
});
export type LogsResponse = z.infer<typeof LogsResponseSchema>;

/** One provider offered by `GET /config/providers`. */
export const ProviderInfoSchema = z.object({
  name: z.string(),
  label: z.string(),
  configured: z.boolean(),
  quick_models: z.array(z.string()),
  deep_models: z.array(z.string()),
  default_quick: z.string(),
  default_deep: z.string(),
});
export const ProvidersResponseSchema = z.object({
  providers: z.array(ProviderInfoSchema),
  /** What the market data covers, so a form can default the trade date and suggest tickers. */
  data: z.object({
    vendor: z.string(),
    label: z.string(),
    first_date: z.string(),
    last_date: z.string(),
    tickers: z.array(z.string()),
  }),
});
export type ProvidersResponse = z.infer<typeof ProvidersResponseSchema>;

/** One layer of the LLM concurrency limiter (`global`, `openai`, `openai:gpt-4o`, …). */
export const LimiterLayerSchema = z.object({
  key: z.string(),
  /** Configured limit; null = unlimited. */
  limit: z.number().int().nullable(),
  /** Limit in force now (lowered after 429s); null = unlimited. */
  effective_limit: z.number().int().nullable(),
  in_use: z.number().int(),
  waiting: z.number().int(),
});
export const ConcurrencyMetricsSchema = z.object({ layers: z.array(LimiterLayerSchema) });
export type ConcurrencyMetrics = z.infer<typeof ConcurrencyMetricsSchema>;
export type LimiterLayer = z.infer<typeof LimiterLayerSchema>;

export const PhaseMetricsSchema = z.object({
  runs: z.number().int(),
  phases: z.record(z.string(), z.object({ count: z.number().int(), avg_ms: z.number(), p95_ms: z.number() })),
  by_status: z.record(z.string(), z.number().int()),
});
export type PhaseMetrics = z.infer<typeof PhaseMetricsSchema>;

const ChartPointSchema = z.object({ date: z.string(), value: z.number() });
/** Indicator series of `GET /runs/:id/chart`, one point per session once warmed up. */
export const CHART_SERIES = ['sma_50', 'sma_200', 'ema_10', 'boll_upper', 'boll_middle', 'boll_lower', 'rsi', 'macd', 'macd_signal', 'macd_hist'] as const;
/** `GET /runs/:id/chart`: about a year of daily bars up to the run's trade date, with the market analyst's indicators. */
export const ChartDataSchema = z.object({
  ticker: z.string(),
  trade_date: z.string(),
  data_label: z.string(),
  bars: z.array(z.object({ date: z.string(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() })),
  indicators: z.partialRecord(z.enum(CHART_SERIES), z.array(ChartPointSchema)),
});
export type ChartData = z.infer<typeof ChartDataSchema>;

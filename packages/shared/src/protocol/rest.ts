import { z } from 'zod';
import { PositionSchema, type Position } from '../schemas/position.js';
import { ownRecord } from '../schemas/own-record.js';
import { RunOptionsSchema, type RunOptions } from '../schemas/run-config.js';
import { LogEntrySchema, SeveritySchema } from '../schemas/log-entry.js';
import { QueueSnapshotSchema } from './queue-metrics.js';
import { RunStatusSchema } from '../schemas/run-status.js';
import { InspectionRecordSchema } from '../schemas/inspection.js';
import { LessonSchema } from '../schemas/lesson.js';
import { TickerSchema } from '../schemas/ticker.js';
import { MultitaskSchema, type Multitask } from '../schemas/multitask.js';
import { WebhookSubscriptionSchema } from '../schemas/webhook.js';

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

/** The form coercion of one run option: a form sends strings, so lists come as CSV, booleans as "on" / "1". */
function formCoercion(schema: z.ZodType): (v: unknown) => unknown {
  let inner: z.ZodType = schema;
  if (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  if (inner instanceof z.ZodArray) return csvList;
  if (inner instanceof z.ZodBoolean) return formBool;
  // Objects (a cassette) come as a JSON string in form posts.
  if (inner instanceof z.ZodObject) return jsonString;
  return emptyToUndefined;
}

type RunOptionsShape = typeof RunOptionsSchema.shape;
/** Every run option as a start-body field: optional, with its form coercion in front. */
type RunOptionFields = { [K in keyof RunOptionsShape]: z.ZodPipe<z.ZodTransform<unknown, unknown>, z.ZodOptional<RunOptionsShape[K]>> };

/**
 * The run options of a start body, derived from `RunOptionsSchema`: a new run option is accepted by
 * `POST /start-multi` (JSON or form) without touching this file.
 */
const runOptionFields = Object.fromEntries(
  Object.entries(RunOptionsSchema.shape).map(([key, schema]) => [key, z.preprocess(formCoercion(schema), schema.optional())]),
) as unknown as RunOptionFields;

/** Names of the run options (the keys of `RunOptionsSchema`), e.g. to copy them out of a parsed start body. */
export const RUN_OPTION_KEYS = Object.keys(RunOptionsSchema.shape) as Array<keyof RunOptionsShape>;

/**
 * Body of `POST /start-multi` (JSON or form-encoded) and, with one symbol, `POST /start-process`: the run
 * options of `RunOptionsSchema` (each with its form coercion) plus the symbols and positions.
 * `company_symbols` is a comma/space separated list (or an array); the run options use the seed's
 * snake_case names, with `analysis_date` accepted for `trade_date`. Unknown fields are refused.
 * Ticker validation happens after parsing, so that every bad ticker can be named at once.
 */
const StartRunsBodyObject = z
  .object({
    ...runOptionFields,
    company_symbols: z.union([z.string(), z.array(z.string())]).optional(),
    /** Legacy single-run field name (`/start-process`). */
    company_symbol: z.string().optional(),
    ticker: z.string().optional(),
    analysis_date: z.preprocess(emptyToUndefined, RunOptionsSchema.shape.trade_date),
    /** Positions keyed by symbol; a JSON string in form posts. */
    instrument_positions: z.preprocess(jsonString, ownRecord(PositionSchema).optional()),
    /** When a run of the same ticker and trade date is active: `reject` (409), `enqueue` or `allow` (default). */
    multitask: z.preprocess(emptyToUndefined, MultitaskSchema.optional()),
    /** Where to POST when each run ends (signed, retried; docs/webhooks.md); a JSON string in form posts. */
    webhook: z.preprocess(jsonString, WebhookSubscriptionSchema.optional()),
  })
  .strict();
export type StartRunsBody = z.output<typeof StartRunsBodyObject>;

/**
 * The run options of a start body without its symbols, positions, date and backtest: what a schedule
 * (`POST /schedules`) repeats at every fire. Each fire analyses the data's latest day, so `trade_date` is
 * not among them (a fixed date would rerun the same day each time).
 */
export const StartRunOptionsBodySchema = StartRunsBodyObject.omit({
  company_symbols: true,
  company_symbol: true,
  ticker: true,
  analysis_date: true,
  trade_date: true,
  backtest_id: true,
  instrument_positions: true,
});

/** What a JSON client (the SPA) posts to `/start-multi`: the symbols and any run option, by its `RunOptionsSchema` name. */
export type StartRunsRequest = {
  company_symbols: string | string[];
  instrument_positions?: Record<string, Position>;
  multitask?: Multitask;
  webhook?: z.input<typeof WebhookSubscriptionSchema>;
} & Partial<RunOptions>;

/**
 * The start body schema, typed with the JSON client's input (`StartRunsRequest`; a form post sends strings,
 * which the schema coerces) so a typed client derived from the route table posts exactly that.
 */
export const StartRunsBodySchema: z.ZodType<StartRunsBody, StartRunsRequest> = StartRunsBodyObject as unknown as z.ZodType<StartRunsBody, StartRunsRequest>;

export const StartRunsResponseSchema = z.object({
  runs: z.array(z.object({ run_id: z.string(), ticker: z.string() })),
  count: z.number().int(),
});
export type StartRunsResponse = z.infer<typeof StartRunsResponseSchema>;


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
/** One instrument the server has price data for. */
export const InstrumentInfoSchema = z.object({
  ticker: z.string(),
  first_date: z.string(),
  last_date: z.string(),
  /** True for the generated demo market's fictional companies. */
  demo: z.boolean(),
});
export type InstrumentInfo = z.infer<typeof InstrumentInfoSchema>;
/** One market data vendor listed by `GET /config/providers`. */
export const DataVendorInfoSchema = z.object({
  name: z.string(),
  label: z.string(),
  configured: z.boolean(),
  /** What it needs or uses, e.g. "ALPHAVANTAGE_API_KEY is not set". */
  detail: z.string(),
});
export type DataVendorInfoBody = z.infer<typeof DataVendorInfoSchema>;
export const ProvidersResponseSchema = z.object({
  providers: z.array(ProviderInfoSchema),
  /** Every market data vendor and whether it is configured (absent on servers that do not list them). */
  data_vendors: z.array(DataVendorInfoSchema).optional(),
  /** What the market data covers, so a form can default the trade date and suggest tickers. */
  data: z.object({
    vendor: z.string(),
    label: z.string(),
    first_date: z.string(),
    last_date: z.string(),
    tickers: z.array(z.string()),
    /**
     * Each ticker's own date range and whether it is generated demo data (the form defaults the trade date
     * to the latest date every chosen ticker covers). Absent when the data is online (ranges would cost requests).
     */
    instruments: z.array(InstrumentInfoSchema).optional(),
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
/** `GET /metrics/concurrency`: the limiter's layers and, on a queue-mode server only, the queue and its workers. */
export const ConcurrencyMetricsSchema = z.object({ layers: z.array(LimiterLayerSchema), queue: QueueSnapshotSchema.optional() });
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
  /** Why `bars` is empty when the data has no prices for the run (an unknown ticker, a date before the data). */
  unavailable: z.string().optional(),
});
export type ChartData = z.infer<typeof ChartDataSchema>;

/** Query of `GET /runs/:id/inspect`: records after `after_seq` (of the same `session`), at most `limit`. */
export const InspectQuerySchema = z
  .object({
    after_seq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();
export type InspectQuery = z.output<typeof InspectQuerySchema>;

/** `GET /runs/:id/inspect`: the run actor's recent inspection records, oldest first. */
export const InspectResponseSchema = z.object({
  run_id: z.string(),
  /**
   * Identifies the actor's life: a resumed run gets a new session and its records count from 1 again, so a
   * client that sees the session change starts over with `after_seq=0`. Null for a run read from disk
   * (no actor, no records).
   */
  session: z.string().nullable(),
  records: z.array(InspectionRecordSchema),
  returned: z.number().int(),
  /** seq of the last record returned (or `after_seq` when none), for the next page. */
  last_seq: z.number().int(),
  /** The highest seq of this session. */
  total_seq: z.number().int(),
  /** seq of the oldest record still held; older ones dropped out of the ring buffer. */
  first_seq: z.number().int(),
});
export type InspectResponse = z.infer<typeof InspectResponseSchema>;

/** One transition of a state node in `GET /machine`. */
export const MachineTransitionSchema = z.object({
  /**
   * `event`: a sent event (`START`, `CANCEL`); `always`: eventless (`event` is ""); `done`: a child state or
   * invoked actor finished (`xstate.done.*`); `error`: an invoked actor failed (`xstate.error.actor.*`).
   */
  kind: z.enum(['event', 'always', 'done', 'error']),
  event: z.string(),
  /** Ids of the target state nodes; empty for a transition that only runs actions. */
  targets: z.array(z.string()),
  /** Guard by name with its params, e.g. `isSelected(kind=market)` or `and(isAnalystTurn(kind=news), isCancelRequested)`. */
  guard: z.string().nullable(),
  actions: z.array(z.string()),
});
export type MachineTransition = z.infer<typeof MachineTransitionSchema>;

/** A state node of the run statechart, with its children in document order. */
export interface MachineStateNode {
  /** Full dotted id, e.g. `run.in_progress.analysts.market`. */
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Key of the initial child state (compound states); null otherwise. */
  initial: string | null;
  entry: string[];
  exit: string[];
  /** Actors invoked while in this state: invoke id and `src` (the step name, e.g. `analyst`). */
  invoke: Array<{ id: string; src: string }>;
  transitions: MachineTransition[];
  states: MachineStateNode[];
}
export const MachineStateNodeSchema: z.ZodType<MachineStateNode> = z.lazy(() =>
  z.object({
    id: z.string(),
    key: z.string(),
    type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']),
    initial: z.string().nullable(),
    entry: z.array(z.string()),
    exit: z.array(z.string()),
    invoke: z.array(z.object({ id: z.string(), src: z.string() })),
    transitions: z.array(MachineTransitionSchema),
    states: z.array(MachineStateNodeSchema),
  }),
);

/** `GET /machine`: the run statechart's definition, for drawing it. */
export const MachineDefinitionSchema = z.object({
  id: z.string(),
  /** `RUN_MACHINE_VERSION`: the version stamped into every `state.json`. */
  version: z.number().int(),
  root: MachineStateNodeSchema,
});
export type MachineDefinition = z.infer<typeof MachineDefinitionSchema>;

/**
 * Optional body of `POST /runs/:id/resume`: change the run's memory or cassette as it continues
 * (`cassette: null` drops it). Absent fields keep what the run started with.
 */
export const ResumeBodySchema = z
  .object({
    memory: z.preprocess(formBool, RunOptionsSchema.shape.memory.optional()),
    cassette: z.preprocess(jsonString, RunOptionsSchema.shape.cassette.nullable()),
  })
  .strict();
export type ResumeBody = z.output<typeof ResumeBodySchema>;

/** `POST /runs/:id/resume` (202): the resumed run's summary, now `in_progress` (or `pending`). */
export const ResumeResponseSchema = z.object({ run_id: z.string(), status: RunStatusSchema });
export type ResumeResponse = z.infer<typeof ResumeResponseSchema>;

/** Query of `GET /memory`: the ticker whose lessons to list. */
export const MemoryQuerySchema = z
  .object({
    ticker: z.string({ error: 'ticker is required, e.g. /memory?ticker=AAPL' }).pipe(TickerSchema),
  })
  .strict();
export type MemoryQuery = z.output<typeof MemoryQuerySchema>;

/** `GET /memory?ticker=`: every lesson stored for the ticker, oldest decision first. */
export const MemoryResponseSchema = z.object({ ticker: z.string(), lessons: z.array(LessonSchema) });
export type MemoryResponse = z.infer<typeof MemoryResponseSchema>;

/** `GET /runs/:id/lessons`: the lessons a run showed its research and portfolio managers (empty with memory off). */
export const RunLessonsResponseSchema = z.object({ run_id: z.string(), memory: z.boolean(), lessons: z.array(LessonSchema) });
export type RunLessonsResponse = z.infer<typeof RunLessonsResponseSchema>;

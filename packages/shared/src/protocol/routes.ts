import { z } from 'zod';
import { DecisionSchema } from '../schemas/decision.js';
import { RunIdSchema } from '../schemas/run-id.js';
import { BacktestIdSchema } from '../schemas/run-config.js';
import { RunStatusSchema } from '../schemas/run-status.js';
import { RunSummarySchema } from '../schemas/run-summary.js';
import { ExecutionTreeSchema } from '../schemas/tree.js';
import {
  ChartDataSchema,
  ConcurrencyMetricsSchema,
  InspectQuerySchema,
  InspectResponseSchema,
  LogsQuerySchema,
  LogsResponseSchema,
  MachineDefinitionSchema,
  PhaseMetricsSchema,
  ProvidersResponseSchema,
  ResumeResponseSchema,
  StartRunsBodySchema,
  StartRunsResponseSchema,
} from './rest.js';
import { RedisHealthSchema } from './queue-metrics.js';
import { RunListQuerySchema, RunListResponseSchema, RunPageResponseSchema } from './run-query.js';
import {
  BacktestCellSchema,
  BacktestListResponseSchema,
  BacktestRequestSchema,
  BacktestRowsQuerySchema,
  BacktestStartResponseSchema,
  BacktestStatusSchema,
  BacktestViewSchema,
  EquityRowSchema,
  TradeRowSchema,
} from '../schemas/backtest.js';
import { BacktestWebhooksResponseSchema, RunWebhooksResponseSchema, WebhookSubscriptionSchema } from '../schemas/webhook.js';
import { MemoryQuerySchema, MemoryResponseSchema, ResumeBodySchema, RunLessonsResponseSchema } from './rest.js';
import {
  CreateScheduleBodySchema,
  DeleteScheduleResponseSchema,
  ScheduleIdParamsSchema,
  ScheduleListResponseSchema,
  SchedulePreviewQuerySchema,
  SchedulePreviewResponseSchema,
  ScheduleSchema,
} from './schedules.js';

/** The path parameter of every `/backtests/:id/…` route: a valid backtest id. */
const BacktestIdParamsSchema = z.object({ id: BacktestIdSchema });
const backtestRows = <T extends z.ZodType>(row: T) => z.object({ backtest_id: z.string(), status: BacktestStatusSchema, rows: z.array(row) });

/** `POST /backtests`: the backtest request plus an optional `webhook` for `backtest.completed`. */
export const BacktestStartBodySchema = BacktestRequestSchema.extend({ webhook: WebhookSubscriptionSchema.optional() });

/** The path parameter of every `/runs/:id/…` route: a valid run id. */
export const RunIdParamsSchema = z.object({ id: RunIdSchema });

/** `GET /runs/:id/tree`: the run's execution tree and the text of every report / messages node. */
export const RunTreeResponseSchema = z.object({
  run_id: z.string(),
  ticker: z.string(),
  status: RunStatusSchema,
  overall_progress: z.number(),
  execution_tree: ExecutionTreeSchema,
  contents: z.record(z.string(), z.string()),
  /** Which market data vendor served each data kind (live runs only). */
  data_sources: z.record(z.string(), z.string()).optional(),
});
export type RunTreeResponse = z.infer<typeof RunTreeResponseSchema>;

/** `GET /runs/:id/decision`: the structured decision and its sanitized HTML. */
export const RunDecisionResponseSchema = z.object({
  run_id: z.string(),
  ticker: z.string(),
  status: RunStatusSchema,
  decision: DecisionSchema,
  decision_html: z.string(),
});
export type RunDecisionResponse = z.infer<typeof RunDecisionResponseSchema>;

/** `POST /runs/:id/cancel` (202): the run's status right after the cancel. */
export const CancelResponseSchema = z.object({ run_id: z.string(), status: RunStatusSchema });
export type CancelResponse = z.infer<typeof CancelResponseSchema>;

/** `POST /start-process` (202): as `/start-multi`, plus the one run's id at the top level for legacy clients. */
export const StartProcessResponseSchema = StartRunsResponseSchema.extend({ run_id: z.string().optional() });

/** `GET /healthz`: liveness and a count of runs; a queue-mode server adds its Redis (503 when Redis does not answer). */
export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  uptime_s: z.number().int(),
  runs: z.number().int(),
  active_runs: z.number().int(),
  redis: RedisHealthSchema.optional(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** `GET /openapi.json`: the OpenAPI 3.1 document of this table (checked loosely here; its own tests check it whole). */
const OpenApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** `GET /runs/:id/logs/download`: the same filters as `/logs`, but every severity and no page limit by default. */
export const LogsDownloadQuerySchema = z.preprocess((query) => {
  if (typeof query !== 'object' || query === null) return query;
  const { limit: _limit, ...rest } = query as Record<string, unknown>;
  return { severity: 'TRACE', ...rest };
}, LogsQuerySchema);

/**
 * Query of `GET /runs/:id/report.md|html`: by default the report is an attachment (a download); `inline=1`
 * shows it in the browser instead (to read or print the HTML).
 */
export const ReportQuerySchema = z
  .object({
    inline: z
      .enum(['0', '1', 'true', 'false'], { message: 'inline is 1 (show in the browser) or 0 (download, the default)' })
      .optional()
      .transform((v) => v === '1' || v === 'true'),
  })
  .strict();
export type ReportQuery = z.output<typeof ReportQuerySchema>;

/**
 * One REST route: method, path (`:name` marks a path parameter), the zod schemas of its params, query and
 * body, its success status and the schema of its success body. `response` is `z.string()` with a
 * `contentType` for the routes that answer text. Errors are always `ErrorBodySchema`; the OpenAPI document
 * lists the statuses a route's shape implies (400 for input, 404 for a path id, 413 for a body, 401 / 403 from
 * the guard) plus its `errors`.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * True when a request may leave the body out: a missing body is parsed as `{}` by `body`'s schema (so its
   * defaults apply), and callers may omit it. A body that is sent is checked exactly like a required one.
   */
  bodyOptional?: boolean;
  status: number;
  response: z.ZodType;
  /** For text answers (default JSON). */
  contentType?: string;
  /** Error statuses besides those the route's shape implies, e.g. 409 / 429 / 503 (OpenAPI document). */
  errors?: readonly number[];
  /** Readable without the API token: the health probe and the API's own document and reference page. */
  public?: boolean;
  /** Longer text for the reference page (markdown); `summary` is its one line. */
  description?: string;
  /**
   * The answer may carry a strong `ETag` (with `Cache-Control: no-cache`), and a GET whose `If-None-Match`
   * names it is answered 304 with no body (OpenAPI document: the header, the parameter and the 304).
   */
  etag?: boolean;
}

/**
 * The whole REST API in one table. The server registers its handlers from it (`server/routes/`), the SPA's
 * HTTP client derives its typed calls from it, and an OpenAPI document can be generated from it.
 */
export const API_ROUTES = {
  startMulti: {
    method: 'POST',
    path: '/start-multi',
    summary: 'Start one run per symbol, all or nothing',
    body: StartRunsBodySchema,
    status: 202,
    response: StartRunsResponseSchema,
    errors: [409, 429, 503],
  },
  startProcess: {
    method: 'POST',
    path: '/start-process',
    summary: 'Start one run (legacy)',
    body: StartRunsBodySchema,
    status: 202,
    response: StartProcessResponseSchema,
    errors: [409, 429, 503],
  },
  listRuns: {
    method: 'GET',
    path: '/runs',
    summary: 'Runs the server knows: every one matching the filters, or one page with `limit` / `cursor`',
    query: RunListQuerySchema,
    status: 200,
    response: z.union([RunPageResponseSchema, RunListResponseSchema]),
    // The unpaged list (no parameter, or one `status`) is kept serialised with a tag per change of any run.
    etag: true,
  },
  runStatus: { method: 'GET', path: '/runs/:id/status', summary: 'A run’s summary', params: RunIdParamsSchema, status: 200, response: RunSummarySchema },
  runTree: { method: 'GET', path: '/runs/:id/tree', summary: 'A run’s tree and contents', params: RunIdParamsSchema, status: 200, response: RunTreeResponseSchema },
  runDecision: {
    method: 'GET',
    path: '/runs/:id/decision',
    summary: 'A run’s final decision',
    params: RunIdParamsSchema,
    status: 200,
    response: RunDecisionResponseSchema,
  },
  runChart: { method: 'GET', path: '/runs/:id/chart', summary: 'Price chart up to the trade date', params: RunIdParamsSchema, status: 200, response: ChartDataSchema },
  cancelRun: {
    method: 'POST',
    path: '/runs/:id/cancel',
    summary: 'Cancel a run',
    params: RunIdParamsSchema,
    status: 202,
    response: CancelResponseSchema,
    errors: [409],
  },
  resumeRun: {
    method: 'POST',
    path: '/runs/:id/resume',
    summary: 'Resume an interrupted run, optionally changing its memory or cassette',
    params: RunIdParamsSchema,
    body: ResumeBodySchema,
    bodyOptional: true,
    status: 202,
    response: ResumeResponseSchema,
    errors: [409, 429, 503],
  },
  runLessons: {
    method: 'GET',
    path: '/runs/:id/lessons',
    summary: 'The lessons from past decisions a run’s managers were shown',
    params: RunIdParamsSchema,
    status: 200,
    response: RunLessonsResponseSchema,
  },
  runWebhooks: {
    method: 'GET',
    path: '/runs/:id/webhooks',
    summary: 'Every webhook delivery of a run: target, event, attempts and outcome',
    params: RunIdParamsSchema,
    status: 200,
    response: RunWebhooksResponseSchema,
  },
  backtestWebhooks: {
    method: 'GET',
    path: '/backtests/:id/webhooks',
    summary: 'Every webhook delivery of a backtest',
    params: BacktestIdParamsSchema,
    status: 200,
    response: BacktestWebhooksResponseSchema,
  },
  memory: { method: 'GET', path: '/memory', summary: 'Every lesson stored for a ticker', query: MemoryQuerySchema, status: 200, response: MemoryResponseSchema },
  startBacktest: {
    method: 'POST',
    path: '/backtests',
    summary: 'Start a backtest over a ticker × date grid',
    body: BacktestStartBodySchema,
    status: 202,
    response: BacktestStartResponseSchema,
    errors: [404],
  },
  listBacktests: { method: 'GET', path: '/backtests', summary: 'Every backtest', status: 200, response: BacktestListResponseSchema, errors: [404] },
  backtest: {
    method: 'GET',
    path: '/backtests/:id',
    summary: 'A backtest: status, progress, cells and metrics when done',
    params: BacktestIdParamsSchema,
    status: 200,
    response: BacktestViewSchema,
  },
  backtestEquity: {
    method: 'GET',
    path: '/backtests/:id/equity',
    summary: 'Daily equity of every series',
    params: BacktestIdParamsSchema,
    query: BacktestRowsQuerySchema,
    status: 200,
    response: backtestRows(EquityRowSchema),
  },
  backtestTrades: {
    method: 'GET',
    path: '/backtests/:id/trades',
    summary: 'Every fill of every series',
    params: BacktestIdParamsSchema,
    query: BacktestRowsQuerySchema,
    status: 200,
    response: backtestRows(TradeRowSchema),
  },
  backtestDecisions: {
    method: 'GET',
    path: '/backtests/:id/decisions',
    summary: 'The cells with their decisions',
    params: BacktestIdParamsSchema,
    status: 200,
    response: z.object({ backtest_id: z.string(), status: BacktestStatusSchema, cells: z.array(BacktestCellSchema) }),
  },
  cancelBacktest: {
    method: 'POST',
    path: '/backtests/:id/cancel',
    summary: 'Cancel a backtest (it stays resumable)',
    params: BacktestIdParamsSchema,
    status: 202,
    response: BacktestStartResponseSchema,
    errors: [409],
  },
  resumeBacktest: {
    method: 'POST',
    path: '/backtests/:id/resume',
    summary: 'Resume an interrupted or canceled backtest',
    params: BacktestIdParamsSchema,
    status: 202,
    response: BacktestStartResponseSchema,
    errors: [409],
  },
  createSchedule: {
    method: 'POST',
    path: '/schedules',
    summary: 'Create a schedule: a watchlist started as one batch on a cron expression in a time zone',
    body: CreateScheduleBodySchema,
    status: 201,
    response: ScheduleSchema,
  },
  listSchedules: { method: 'GET', path: '/schedules', summary: 'Every schedule with its last and next fires', status: 200, response: ScheduleListResponseSchema },
  previewSchedule: {
    method: 'GET',
    path: '/schedules/preview',
    summary: 'Check a cron expression and time zone and list their next fire times',
    query: SchedulePreviewQuerySchema,
    status: 200,
    response: SchedulePreviewResponseSchema,
  },
  schedule: { method: 'GET', path: '/schedules/:id', summary: 'One schedule', params: ScheduleIdParamsSchema, status: 200, response: ScheduleSchema },
  deleteSchedule: {
    method: 'DELETE',
    path: '/schedules/:id',
    summary: 'Delete a schedule (runs it started are kept)',
    params: ScheduleIdParamsSchema,
    status: 200,
    response: DeleteScheduleResponseSchema,
  },
  runLogs: {
    method: 'GET',
    path: '/runs/:id/logs',
    summary: 'A run’s log, filtered and paged',
    params: RunIdParamsSchema,
    query: LogsQuerySchema,
    status: 200,
    response: LogsResponseSchema,
  },
  runLogsDownload: {
    method: 'GET',
    path: '/runs/:id/logs/download',
    summary: 'A run’s log as a text attachment',
    params: RunIdParamsSchema,
    query: LogsDownloadQuerySchema,
    status: 200,
    response: z.string(),
    contentType: 'text/plain',
  },
  runReportMarkdown: {
    method: 'GET',
    path: '/runs/:id/report.md',
    summary: 'A finished run’s whole report as one Markdown document (decision, reports, debates, chart, provenance); 409 while it runs',
    params: RunIdParamsSchema,
    query: ReportQuerySchema,
    status: 200,
    response: z.string(),
    contentType: 'text/markdown',
  },
  runReportHtml: {
    method: 'GET',
    path: '/runs/:id/report.html',
    summary: 'A finished run’s whole report as one self-contained, printable HTML page (no scripts, no external resources); 409 while it runs',
    params: RunIdParamsSchema,
    query: ReportQuerySchema,
    status: 200,
    response: z.string(),
    contentType: 'text/html',
  },
  runInspect: {
    method: 'GET',
    path: '/runs/:id/inspect',
    summary: 'The run actor’s inspection records',
    params: RunIdParamsSchema,
    query: InspectQuerySchema,
    status: 200,
    response: InspectResponseSchema,
  },
  machine: { method: 'GET', path: '/machine', summary: 'The run statechart’s definition', status: 200, response: MachineDefinitionSchema },
  openapi: { method: 'GET', path: '/openapi.json', summary: 'This API as an OpenAPI 3.1 document', status: 200, response: OpenApiDocumentSchema, public: true },
  docs: { method: 'GET', path: '/docs', summary: 'The API reference page', status: 200, response: z.string(), contentType: 'text/html', public: true },
  providers: { method: 'GET', path: '/config/providers', summary: 'Providers, data vendors, data coverage', status: 200, response: ProvidersResponseSchema },
  concurrency: { method: 'GET', path: '/metrics/concurrency', summary: 'The LLM limiter’s layers; in queue mode the queue’s job counts and workers', status: 200, response: ConcurrencyMetricsSchema },
  phaseMetrics: { method: 'GET', path: '/metrics/phases', summary: 'Phase durations over finished runs', status: 200, response: PhaseMetricsSchema },
  metrics: { method: 'GET', path: '/metrics', summary: 'Prometheus metrics', status: 200, response: z.string(), contentType: 'text/plain' },
  healthz: { method: 'GET', path: '/healthz', summary: 'Liveness (and Redis, in queue mode)', status: 200, response: HealthResponseSchema, public: true, errors: [503] },
} as const satisfies Record<string, RouteSpec>;

export type ApiRoutes = typeof API_ROUTES;
export type ApiRouteName = keyof ApiRoutes;

type InputOf<S> = S extends z.ZodType ? z.input<S> : never;
type OutputOf<S> = S extends z.ZodType ? z.output<S> : never;

/** What a caller gives a route: its path params, query and body, each only when the route has one. */
export type RouteInput<R extends RouteSpec> = (R extends { params: z.ZodType } ? { params: InputOf<R['params']> } : { params?: never }) &
  (R extends { query: z.ZodType } ? { query?: Record<string, string | number | undefined> } : { query?: never }) &
  (R extends { body: z.ZodType }
    ? R extends { bodyOptional: true }
      ? { body?: InputOf<R['body']> }
      : { body: InputOf<R['body']> }
    : { body?: never });
/** What a route answers on success (the parsed response body). */
export type RouteResponse<R extends RouteSpec> = OutputOf<R['response']>;
/** The parsed params / query / body a route handler gets. */
export type RouteParams<R extends RouteSpec> = R extends { params: z.ZodType } ? z.output<R['params']> : Record<string, never>;
export type RouteQuery<R extends RouteSpec> = R extends { query: z.ZodType } ? z.output<R['query']> : Record<string, never>;
export type RouteBody<R extends RouteSpec> = R extends { body: z.ZodType } ? z.output<R['body']> : undefined;

/** A route's path with its parameters filled in (each URI-encoded). */
export function routePath(route: RouteSpec, params: Readonly<Record<string, string>> = {}): string {
  return route.path.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route.path} needs the path parameter "${name}"`);
    return encodeURIComponent(value);
  });
}

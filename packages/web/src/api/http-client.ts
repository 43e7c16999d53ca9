import {
  API_ROUTES,
  ErrorBodySchema,
  routePath,
  type ApiRouteName,
  type ApiRoutes,
  errorMessage,
  type ConcurrencyMetrics,
  type InspectResponse,
  type MachineDefinition,
  type PhaseMetrics,
  type ProvidersResponse,
  type ResumeResponse,
  type RunLessonsResponse,
  type RouteInput,
  type RouteResponse,
  type RouteSpec,
  type RunSummary,
  type StartRunsRequest,
  type StartRunsResponse,
  type WebhookDelivery,
} from '@tradingfloor/shared';
import { ApiError } from './api-error.js';
import type { ChartData } from './chart-data.js';

/** The JSON body the SPA posts to `/start-multi`: the symbols and run options (derived from the shared `RunOptionsSchema`). */
export type { StartRunsRequest };

/** Where the client sends requests and how it authenticates. */
export interface HttpClientOptions {
  /** Origin and path prefix, e.g. `http://127.0.0.1:3000`; empty = same origin. */
  baseUrl?: string;
  /** API token for servers bound beyond localhost; sent as a bearer token. */
  token?: string | null;
  fetch?: typeof fetch;
}

/** The REST API of the TradingFloor server, with every response checked against the shared schemas. */
export class HttpClient {
  private readonly base: string;
  private readonly token: string | null;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpClientOptions = {}) {
    this.base = (options.baseUrl ?? '').replace(/\/$/, '');
    this.token = options.token ?? null;
    // Bound so that `this` inside fetch is the global object, which browsers require.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /**
   * Calls one route of the shared `API_ROUTES` table: the path, method and body come from the table, and the
   * answer is checked against the route's response schema. Every typed method below is this call.
   */
  call<K extends ApiRouteName>(name: K, input: RouteInput<ApiRoutes[K]> = {} as RouteInput<ApiRoutes[K]>): Promise<RouteResponse<ApiRoutes[K]>> {
    const route: ApiRoutes[ApiRouteName] = API_ROUTES[name];
    const params = (input.params ?? {}) as Record<string, string>;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(input.query ?? {})) if (value !== undefined) query.set(key, String(value));
    const search = query.toString();
    const path = `${routePath(route, params)}${search ? `?${search}` : ''}`;
    return this.request(route.method, path, route.response, input.body) as Promise<RouteResponse<ApiRoutes[K]>>;
  }

  /** `GET /runs`: every run the server knows, including finished ones from history. */
  async listRuns(): Promise<RunSummary[]> {
    return (await this.call('listRuns')).runs;
  }

  /** `POST /start-multi`; a 400 or 429 becomes an `ApiError` carrying the server's reason. */
  startRuns(body: StartRunsRequest): Promise<StartRunsResponse> {
    return this.call('startMulti', { body });
  }

  /** `POST /runs/:id/cancel` (202; 409 once the run has finished). */
  async cancelRun(runId: string): Promise<void> {
    await this.call('cancelRun', { params: { id: runId } });
  }

  /** `POST /runs/:id/resume` (202); 409 when the run is not interrupted, 429 when no run slot is free. */
  resumeRun(runId: string): Promise<ResumeResponse> {
    return this.call('resumeRun', { params: { id: runId } });
  }

  /** `GET /machine`: the run statechart's definition, for the inspector's diagram. */
  machine(): Promise<MachineDefinition> {
    return this.call('machine');
  }

  /** `GET /runs/:id/inspect`: the run actor's inspection records after `afterSeq` (of the current session). */
  inspect(runId: string, afterSeq = 0, limit = 1000): Promise<InspectResponse> {
    return this.call('runInspect', { params: { id: runId }, query: { after_seq: afterSeq, limit } });
  }

  /** `GET /config/providers`: providers, their models and the market data coverage. */
  providers(): Promise<ProvidersResponse> {
    return this.call('providers');
  }

  concurrency(): Promise<ConcurrencyMetrics> {
    return this.call('concurrency');
  }

  phaseMetrics(): Promise<PhaseMetrics> {
    return this.call('phaseMetrics');
  }

  /** `GET /runs/:id/chart`; null when the server has no chart for the run (404). */
  async chart(runId: string): Promise<ChartData | null> {
    try {
      return await this.call('runChart', { params: { id: runId } });
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return null;
      throw err;
    }
  }

  /** `GET /runs/:id/lessons`: the reflection-memory lessons the run's managers were shown; null when the server has none (404). */
  async runLessons(runId: string): Promise<RunLessonsResponse | null> {
    try {
      return await this.call('runLessons', { params: { id: runId } });
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return null;
      throw err;
    }
  }

  /** `GET /runs/:id/webhooks`: the run's webhook deliveries; none when the server does not know the run (404). */
  async runWebhooks(runId: string): Promise<WebhookDelivery[]> {
    try {
      return (await this.call('runWebhooks', { params: { id: runId } })).deliveries;
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return [];
      throw err;
    }
  }

  /** Link for the plain-text log export (an attachment). */
  logsDownloadUrl(runId: string): string {
    const token = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    return `${this.base}/runs/${encodeURIComponent(runId)}/logs/download${token}`;
  }

  /** Link for a run's whole report (`GET /runs/:id/report.md|html`), which the server sends as an attachment. */
  reportDownloadUrl(runId: string, format: 'md' | 'html'): string {
    const route = format === 'md' ? API_ROUTES.runReportMarkdown : API_ROUTES.runReportHtml;
    // A link cannot send the bearer header: GETs take the token as a query parameter.
    const token = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    return `${this.base}${routePath(route, { id: runId })}${token}`;
  }

  private async request(method: RouteSpec['method'], path: string, schema: RouteSpec['response'], body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, `cannot reach the server (${errorMessage(err)})`);
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        if (res.ok) throw new ApiError(res.status, `${method} ${path}: the server answered with something that is not JSON`);
      }
    }
    if (!res.ok) {
      const parsed = ErrorBodySchema.safeParse(json);
      throw new ApiError(res.status, parsed.success ? parsed.data.error : `${method} ${path} failed with HTTP ${res.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiError(res.status, `${method} ${path}: unexpected response (${parsed.error.message})`);
    return parsed.data;
  }
}

import {
  ChartDataSchema,
  ConcurrencyMetricsSchema,
  ErrorBodySchema,
  InspectResponseSchema,
  MachineDefinitionSchema,
  PhaseMetricsSchema,
  ProvidersResponseSchema,
  ResumeResponseSchema,
  RunListResponseSchema,
  StartRunsResponseSchema,
  errorMessage,
  type ConcurrencyMetrics,
  type InspectResponse,
  type MachineDefinition,
  type PhaseMetrics,
  type ProvidersResponse,
  type ResumeResponse,
  type RunSummary,
  type StartRunsResponse,
} from '@tradingfloor/shared';
import { ApiError } from './api-error.js';
import type { ChartData } from './chart-data.js';

/** The JSON body the SPA posts to `/start-multi` (the server's `StartRunsBodySchema` accepts it). */
export interface StartRunsRequest {
  company_symbols: string;
  trade_date?: string;
  analysts: string[];
  max_debate_rounds: number;
  max_risk_discuss_rounds: number;
  llm_provider: string;
  quick_think_llm?: string;
  deep_think_llm?: string;
  offline_latency_ms?: number;
}

/** Where the client sends requests and how it authenticates. */
export interface HttpClientOptions {
  /** Origin and path prefix, e.g. `http://127.0.0.1:3000`; empty = same origin. */
  baseUrl?: string;
  /** API token for servers bound beyond localhost; sent as a bearer token. */
  token?: string | null;
  fetch?: typeof fetch;
}

/** Schema-like thing with a zod `safeParse`, so the client can check any shared response body. */
interface Parser<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } };
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

  /** `GET /runs`: every run the server knows, including finished ones from history. */
  async listRuns(): Promise<RunSummary[]> {
    return (await this.request('GET', '/runs', RunListResponseSchema)).runs;
  }

  /** `POST /start-multi`; a 400 or 429 becomes an `ApiError` carrying the server's reason. */
  startRuns(body: StartRunsRequest): Promise<StartRunsResponse> {
    return this.request('POST', '/start-multi', StartRunsResponseSchema, body);
  }

  /** `POST /runs/:id/cancel` (202; 409 once the run has finished). */
  async cancelRun(runId: string): Promise<void> {
    await this.request('POST', `/runs/${encodeURIComponent(runId)}/cancel`, null);
  }

  /** `POST /runs/:id/resume` (202); 409 when the run is not interrupted, 429 when no run slot is free. */
  resumeRun(runId: string): Promise<ResumeResponse> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/resume`, ResumeResponseSchema);
  }

  /** `GET /machine`: the run statechart's definition, for the inspector's diagram. */
  machine(): Promise<MachineDefinition> {
    return this.request('GET', '/machine', MachineDefinitionSchema);
  }

  /** `GET /runs/:id/inspect`: the run actor's inspection records after `afterSeq` (of the current session). */
  inspect(runId: string, afterSeq = 0, limit = 1000): Promise<InspectResponse> {
    const query = `after_seq=${afterSeq}&limit=${limit}`;
    return this.request('GET', `/runs/${encodeURIComponent(runId)}/inspect?${query}`, InspectResponseSchema);
  }

  /** `GET /config/providers`: providers, their models and the market data coverage. */
  providers(): Promise<ProvidersResponse> {
    return this.request('GET', '/config/providers', ProvidersResponseSchema);
  }

  concurrency(): Promise<ConcurrencyMetrics> {
    return this.request('GET', '/metrics/concurrency', ConcurrencyMetricsSchema);
  }

  phaseMetrics(): Promise<PhaseMetrics> {
    return this.request('GET', '/metrics/phases', PhaseMetricsSchema);
  }

  /** `GET /runs/:id/chart`; null when the server has no chart for the run (404). */
  async chart(runId: string): Promise<ChartData | null> {
    try {
      return await this.request('GET', `/runs/${encodeURIComponent(runId)}/chart`, ChartDataSchema);
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return null;
      throw err;
    }
  }

  /** Link for the plain-text log export (an attachment). */
  logsDownloadUrl(runId: string): string {
    const token = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    return `${this.base}/runs/${encodeURIComponent(runId)}/logs/download${token}`;
  }

  private async request<T>(method: 'GET' | 'POST', path: string, schema: Parser<T>, body?: unknown): Promise<T>;
  private async request(method: 'GET' | 'POST', path: string, schema: null, body?: unknown): Promise<unknown>;
  private async request<T>(method: 'GET' | 'POST', path: string, schema: Parser<T> | null, body?: unknown): Promise<unknown> {
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
    if (schema === null) return json;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiError(res.status, `${method} ${path}: unexpected response (${parsed.error.message})`);
    return parsed.data;
  }
}

import { DecisionSchema, ErrorBodySchema, RunPageResponseSchema, type Decision, type RunPageResponse } from '@tradingfloor/shared';
import { ApiError } from './api-error.js';

/** A query of the paged `GET /runs` (issue 17): every value as the URL carries it. */
export interface RunPageQuery {
  limit: number;
  cursor?: string;
  sort?: string;
  status?: string[];
  action?: string[];
  q?: string;
  from?: string;
  to?: string;
  batch?: string;
}

/** The URL query string of a page request (empty values left out). */
function runPageQueryString(query: RunPageQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}

/**
 * The REST calls the board and the compare view make: pages of runs and decisions. Transport only (no Vue),
 * beside `HttpClient`, with the same base URL and token.
 */
export class BoardClient {
  constructor(
    private readonly base: string,
    private readonly token: string | null,
    private readonly fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init),
  ) {}

  /** One page of `GET /runs?limit=…` with sort and filters. */
  async page(query: RunPageQuery): Promise<RunPageResponse> {
    return RunPageResponseSchema.parse(await this.get(`/runs?${runPageQueryString(query)}`));
  }

  /** Every run matching the filters, page by page (`pageSize` a request), in the query's order. */
  async all(query: Omit<RunPageQuery, 'limit' | 'cursor'>, pageSize = 500): Promise<RunPageResponse['runs']> {
    const runs: RunPageResponse['runs'] = [];
    let cursor: string | null = null;
    do {
      const page: RunPageResponse = await this.page({ ...query, limit: pageSize, ...(cursor ? { cursor } : {}) });
      runs.push(...page.runs);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return runs;
  }

  /** `GET /runs/:id/decision`; null while the run has none (404). */
  async decision(runId: string): Promise<Decision | null> {
    try {
      const body = (await this.get(`/runs/${encodeURIComponent(runId)}/decision`)) as { decision?: unknown } | null;
      return DecisionSchema.parse(body?.decision);
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return null;
      throw err;
    }
  }

  private async get(path: string): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, { headers });
    } catch (err) {
      throw new ApiError(0, `cannot reach the server (${err instanceof Error ? err.message : String(err)})`);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const parsed = ErrorBodySchema.safeParse(json);
      throw new ApiError(res.status, parsed.success ? parsed.data.error : `GET ${path} failed with HTTP ${res.status}`);
    }
    return json;
  }
}

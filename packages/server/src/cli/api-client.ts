import {
  API_ROUTES,
  ErrorBodySchema,
  errorMessage,
  routePath,
  type ApiRouteName,
  type ApiRoutes,
  type RouteResponse,
} from '@tradingfloor/shared';

/** A failed call to a running server: its HTTP status (0 when it could not be reached) and its `{ error }` message. */
export class ServerCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServerCallError';
  }

  /** The server refused the input or the credentials (400, 401, 403, 404, 409): the user can fix it (exit code 2). */
  get isUserError(): boolean {
    return [400, 401, 403, 404, 409].includes(this.status);
  }
}

/** Where a CLI command finds the server: its base URL and the API token when it needs one. */
export interface ServerTarget {
  url: string;
  token?: string | undefined;
}

/**
 * The server a CLI command talks to: `--server`, else `TRADINGFLOOR_URL`, else the address `tradingfloor
 * serve` listens on by default (`HOST` / `PORT`, 127.0.0.1:3000). The token: `--token`, else
 * `TRADINGFLOOR_TOKEN` (the variable the server reads its own from).
 */
export function serverTarget(flags: { server?: string; token?: string }, env: Record<string, string | undefined>): ServerTarget {
  const host = env.HOST?.trim() || '127.0.0.1';
  const fallback = `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT?.trim() || '3000'}`;
  const url = (flags.server ?? env.TRADINGFLOOR_URL ?? fallback).trim().replace(/\/+$/, '');
  const token = flags.token ?? env.TRADINGFLOOR_TOKEN;
  return { url, ...(token ? { token } : {}) };
}

/**
 * Calls one route of the shared `API_ROUTES` table on a running server and checks the answer against the
 * route's response schema. Throws `ServerCallError` with the server's own `{ error }` message.
 */
export async function callServer<K extends ApiRouteName>(
  target: ServerTarget,
  name: K,
  input: { params?: Record<string, string>; body?: unknown } = {},
): Promise<RouteResponse<ApiRoutes[K]>> {
  const route = API_ROUTES[name];
  const url = `${target.url}${routePath(route, input.params)}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (input.body !== undefined) headers['content-type'] = 'application/json';
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  let res: Response;
  try {
    res = await fetch(url, { method: route.method, headers, ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }) });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new ServerCallError(0, `cannot reach the server at ${target.url} (${errorMessage(cause ?? err)}); start it with "tradingfloor serve" or pass --server URL`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServerCallError(res.status, `${route.method} ${url} answered HTTP ${res.status} with something that is not JSON: is ${target.url} a TradingFloor server?`);
  }
  if (!res.ok) {
    const body = ErrorBodySchema.safeParse(json);
    const hint = res.status === 401 ? ' (set TRADINGFLOOR_TOKEN or pass --token)' : '';
    throw new ServerCallError(res.status, `${body.success ? body.data.error : `HTTP ${res.status}`}${hint}`);
  }
  const parsed = route.response.safeParse(json);
  if (!parsed.success) throw new ServerCallError(res.status, `${route.method} ${url}: unexpected answer (${parsed.error.message})`);
  return parsed.data as RouteResponse<ApiRoutes[K]>;
}

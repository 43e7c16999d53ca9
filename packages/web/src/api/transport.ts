import type { BackoffOptions } from './backoff.js';
import { BoardClient } from './board-client.js';
import { HttpClient } from './http-client.js';
import { SocketClient, type WebSocketFactory } from './socket-client.js';

/** REST and WebSocket access to one TradingFloor server. */
export interface Transport {
  http: HttpClient;
  /** Paged run lists and decisions for the board and the compare view. */
  board: BoardClient;
  /**
   * A new, not yet opened socket to `/ws` (aggregate) or `/ws?run_id=…` (focused); `inspect` adds `&inspect=1`
   * so the focused socket also carries the run actor's inspection records.
   */
  socket(runId?: string, options?: { inspect?: boolean }): SocketClient;
}

export interface TransportOptions {
  /** HTTP origin, e.g. `http://127.0.0.1:3000`; empty = the page's own origin. */
  baseUrl?: string;
  /** WebSocket origin, e.g. `ws://127.0.0.1:3000`; derived from `baseUrl` or the page when absent. */
  wsBaseUrl?: string;
  token?: string | null;
  fetch?: typeof fetch;
  factory?: WebSocketFactory;
  backoff?: Partial<BackoffOptions>;
}

/** The WebSocket origin matching an HTTP origin (or the current page when `httpBase` is empty). */
function wsOriginFor(httpBase: string, page: { protocol: string; host: string } | undefined): string {
  if (httpBase !== '') return httpBase.replace(/^http/, 'ws');
  if (!page) throw new Error('no page location: pass wsBaseUrl');
  return `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}`;
}

/** Builds the REST client and a socket maker sharing one base URL and token. */
export function createTransport(options: TransportOptions = {}): Transport {
  const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
  const http = new HttpClient({ baseUrl, token: options.token ?? null, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const page = typeof location === 'undefined' ? undefined : location;
  return {
    http,
    board: new BoardClient(baseUrl, options.token ?? null, options.fetch),
    socket(runId, socketOptions) {
      const params = new URLSearchParams();
      if (runId !== undefined) params.set('run_id', runId);
      if (runId !== undefined && socketOptions?.inspect) params.set('inspect', '1');
      if (options.token) params.set('token', options.token);
      const query = params.toString();
      const origin = options.wsBaseUrl ?? wsOriginFor(baseUrl, page);
      return new SocketClient({
        url: `${origin}/ws${query ? `?${query}` : ''}`,
        ...(options.factory ? { factory: options.factory } : {}),
        ...(options.backoff ? { backoff: options.backoff } : {}),
      });
    },
  };
}

import { deferred, ServerMessageSchema, type ServerMessage } from '@tradingfloor/shared';
import WebSocket from 'ws';

/** Why a connection attempt failed: the HTTP status of a refused upgrade, or a network error. */
export class WsConnectError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly body: string,
  ) {
    super(message);
  }
}

type Waiter = { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void; from: number };

/**
 * A real `ws` client that records every server message (each checked against the shared schema) and lets a
 * test wait for one by predicate — no sleeps. `onMessage` may intercept messages (e.g. to drop some).
 */
export class WsRecorder {
  readonly messages: ServerMessage[] = [];
  /** Messages that did not match the shared ServerMessage schema (should stay empty). */
  readonly invalid: unknown[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Waiter[] = [];
  private listeners: Array<(m: ServerMessage) => void> = [];

  private constructor(readonly ws: WebSocket) {
    const { promise, resolve } = deferred<{ code: number; reason: string }>();
    this.closed = promise;
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('message', (data) => {
      const json: unknown = JSON.parse(data.toString());
      const parsed = ServerMessageSchema.safeParse(json);
      if (!parsed.success) {
        this.invalid.push(json);
        return;
      }
      const message = parsed.data;
      this.messages.push(message);
      for (const l of this.listeners) l(message);
      const index = this.messages.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (index < w.from || !w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
  }

  /** Opens a connection; rejects with `WsConnectError` (carrying the HTTP status) when the upgrade is refused. */
  static connect(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<WsRecorder> {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
    const recorder = new WsRecorder(ws);
    const { promise, resolve, reject } = deferred<WsRecorder>();
    ws.once('open', () => resolve(recorder));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => reject(new WsConnectError(`upgrade refused with ${res.statusCode}`, res.statusCode ?? null, body)));
    });
    ws.once('error', (err) => reject(new WsConnectError(err.message, null, '')));
    return promise;
  }

  /** Calls `listener` for every later message (before waiters are checked). */
  onMessage(listener: (m: ServerMessage) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves with the first message (at index ≥ `from`) matching `match`, already received or still to come. */
  waitFor<T extends ServerMessage = ServerMessage>(match: (m: ServerMessage) => boolean, from = 0, timeoutMs = 20_000): Promise<T> {
    const found = this.messages.slice(from).find(match);
    if (found) return Promise.resolve(found as T);
    const { promise, resolve, reject } = deferred<ServerMessage>();
    // A safety net so a broken server fails the test with a message instead of hanging it.
    const timer = setTimeout(
      () =>
        reject(
          new Error(`waitFor timed out after ${timeoutMs} ms; last messages: ${JSON.stringify(this.messages.slice(-3)).slice(0, 800)}`),
        ),
      timeoutMs,
    );
    this.waiters.push({ match, from, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    return promise as Promise<T>;
  }

  /** Waits for the first message of `type` (from index `from`). */
  next<K extends ServerMessage['type']>(type: K, from = 0): Promise<Extract<ServerMessage, { type: K }>> {
    return this.waitFor((m) => m.type === type, from);
  }

  ofType<K extends ServerMessage['type']>(type: K): Array<Extract<ServerMessage, { type: K }>> {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: K }> => m.type === type);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

import { isFinalCloseCode, ServerMessageSchema, WS_CLOSE_REASONS, type ClientMessage, type ServerMessage } from '@tradingfloor/shared';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

/** The part of the browser WebSocket the client uses; `ws`'s client fits too, which tests rely on. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

/**
 * `idle` before `open()`; `connecting`; `open`; `waiting` for the next reconnect attempt (see `retryAt`);
 * `closed` after `close()` or a final close code from the server (see `closeCode`) — it never reconnects by
 * itself then.
 */
type SocketState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';

export interface SocketStatus {
  state: SocketState;
  /** Epoch ms of the next reconnect attempt while `waiting`, else null. */
  retryAt: number | null;
  /** Failed attempts since the last successful open. */
  attempt: number;
  /** When `closed` because the server refused the socket for good: its close code (see the shared `WS_CLOSE_CODES`). */
  closeCode?: number;
  /** The reason that came with `closeCode`, in plain words. */
  closeReason?: string;
}


export interface SocketClientOptions {
  url: string;
  factory?: WebSocketFactory;
  backoff?: Partial<BackoffOptions>;
  now?: () => number;
  random?: () => number;
}

const OPEN = 1;

/** The code and reason of a close event (browser `CloseEvent` or `ws`'s), when it has them. */
function closeInfo(ev: unknown): { code?: number; reason: string } {
  if (typeof ev !== 'object' || ev === null) return { reason: '' };
  const { code, reason } = ev as { code?: unknown; reason?: unknown };
  return { ...(typeof code === 'number' ? { code } : {}), reason: typeof reason === 'string' ? reason : '' };
}

/**
 * A WebSocket that reconnects with exponential backoff and hands on only messages that pass the shared
 * `ServerMessageSchema`. It knows nothing about runs: stores decide what a message means.
 */
export class SocketClient {
  private ws: WebSocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private status: SocketStatus = { state: 'idle', retryAt: null, attempt: 0 };
  private readonly messageListeners = new Set<(msg: ServerMessage) => void>();
  private readonly statusListeners = new Set<(status: SocketStatus) => void>();
  private readonly invalidListeners = new Set<(reason: string) => void>();
  private readonly factory: WebSocketFactory;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: SocketClientOptions) {
    this.factory = options.factory ?? ((url) => new WebSocket(url) as unknown as WebSocketLike);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  get url(): string {
    return this.options.url;
  }

  get current(): SocketStatus {
    return this.status;
  }

  onMessage(fn: (msg: ServerMessage) => void): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  onStatus(fn: (status: SocketStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** Called with a reason for every frame that is not a valid server message (it is then ignored). */
  onInvalid(fn: (reason: string) => void): () => void {
    this.invalidListeners.add(fn);
    return () => this.invalidListeners.delete(fn);
  }

  /** Connects (again); a no-op while connecting or open. */
  open(): void {
    if (this.status.state === 'connecting' || this.status.state === 'open') return;
    this.clearTimer();
    this.connect(this.status.state === 'closed' ? 0 : this.status.attempt);
  }

  /** Skips the rest of the backoff wait and tries at once. */
  retryNow(): void {
    if (this.status.state !== 'waiting') return;
    this.clearTimer();
    this.connect(this.status.attempt);
  }

  /** Sends a client action; false when the socket is not open (the action is dropped, not queued). */
  send(msg: ClientMessage): boolean {
    if (!this.ws || this.ws.readyState !== OPEN || this.status.state !== 'open') return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Closes for good: no reconnect until `open()` is called again. */
  close(): void {
    this.clearTimer();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      this.detach(ws);
      ws.close(1000, 'client closed');
    }
    this.setStatus({ state: 'closed', retryAt: null, attempt: 0 });
  }

  private connect(attempt: number): void {
    this.setStatus({ state: 'connecting', retryAt: null, attempt });
    let ws: WebSocketLike;
    try {
      ws = this.factory(this.options.url);
    } catch {
      this.scheduleRetry(attempt + 1);
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.setStatus({ state: 'open', retryAt: null, attempt: 0 });
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => {
      /* a close event always follows; reconnecting is decided there */
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.detach(ws);
      this.ws = null;
      const { code, reason } = closeInfo(ev);
      // Reconnecting cannot help after a final close code: the server refused this socket for good.
      if (code !== undefined && isFinalCloseCode(code)) {
        this.setStatus({ state: 'closed', retryAt: null, attempt: 0, closeCode: code, closeReason: reason || WS_CLOSE_REASONS[code] });
        return;
      }
      // A socket that opened and then dropped starts the backoff over; one that never opened backs off further.
      this.scheduleRetry(this.status.state === 'open' ? 1 : attempt + 1);
    };
  }

  /** `attempt` counts failures so far (≥ 1): the first retry waits `initialMs`, each further one longer. */
  private scheduleRetry(attempt: number): void {
    const delay = backoffDelay(Math.max(0, attempt - 1), this.backoff, this.random);
    this.setStatus({ state: 'waiting', retryAt: this.now() + delay, attempt });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect(attempt);
    }, delay);
  }

  private receive(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      this.emitInvalid('frame is not JSON');
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.emitInvalid(`unexpected message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    for (const fn of [...this.messageListeners]) fn(parsed.data);
  }

  private emitInvalid(reason: string): void {
    for (const fn of [...this.invalidListeners]) fn(reason);
  }

  private detach(ws: WebSocketLike): void {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(status: SocketStatus): void {
    this.status = status;
    for (const fn of [...this.statusListeners]) fn(status);
  }
}

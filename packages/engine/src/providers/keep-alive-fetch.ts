import type { Socket } from 'node:net';
import type { Agent, buildConnector, Client, Dispatcher } from 'undici';
import { abortReason, AnswerHandler, LAST_READ, SOCKET_OF, type AnswerReadLimits } from './answer-handler.js';
import { loadOnce } from './load-once.js';

/** How a keep-alive `fetch` reads answers. */
export interface KeepAliveFetchOptions {
  /** Largest answer body read, in bytes (after decompression); unset = no limit. */
  maxBodyBytes?: number;
  /** The error a body over `maxBodyBytes` fails with; `size` reads e.g. "1234 bytes" or "more than 10 bytes". */
  tooLarge?: (size: string) => Error;
  /**
   * How long an idle pooled connection is kept (ms, default 60 000), unless the server's `Keep-Alive: timeout`
   * hint is shorter (then the hint less 2 s, so that we close it before the server does). A real model keeps a
   * run's next call seconds away, and a new TLS connection per call would cost far more than an idle socket;
   * one the server closed meanwhile is caught by the stale-connection resend below. The pool has no
   * size limit: runs move in step, so 100 runs put ~400 calls on the wire together, and every connection of
   * such a burst is kept for the next phase (a TCP connect costs ~1/4 of a call's CPU).
   */
  keepAliveTimeoutMs?: number;
  /**
   * A pooled connection that fails before any answer after sitting idle at least this long (ms, default
   * 1000) is taken for one the server closed for idleness, and the request is sent again once on a fresh
   * connection. Connections idle for less were not closed for idleness: their failure is the call's.
   */
  staleAfterIdleMs?: number;
}

/** A `fetch` with its own connection pool; `destroy()` closes the pooled connections. */
export interface KeepAliveFetch {
  fetch: typeof fetch;
  destroy(): void;
}

/**
 * The key of a second `AbortSignal` in a request's `init` that the request follows besides `init.signal`.
 * The SDKs hand a request's `fetchOptions` through to their `fetch`, and they add a listener they never
 * remove (openai) to the `signal` they are given: a run's signal passed this way stops the request without
 * going through the SDK, so no AbortController per call is needed to shield it (see `sdkRequest`).
 */
export const FOLLOWED_SIGNAL: unique symbol = Symbol('followedSignal');

/** A `RequestInit` that may carry a followed signal under `FOLLOWED_SIGNAL`. */
type FollowingRequestInit = RequestInit & { [FOLLOWED_SIGNAL]?: AbortSignal };

/** Bodies sent as they are; anything else (streams, forms, blobs) goes through the global fetch. */
type PlainBody = string | Uint8Array | ArrayBuffer | null | undefined;

const isPlainBody = (body: unknown): body is PlainBody =>
  body === null || body === undefined || typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;

/**
 * What undici's client waits for, off: the SDK's own timeout (an abort of the request's signal) bounds a
 * call, and a model may think for longer than undici's default 300 s before its first byte.
 */
const NO_UNDICI_TIMEOUTS = { headersTimeout: 0, bodyTimeout: 0 } as const;

/**
 * A `fetch` for the openai and Anthropic SDK clients over undici's dispatcher (issue 13), not over its
 * `fetch`: Node's global fetch costs ~1 ms of CPU a call in web streams and undici's `Request`/`Response`
 * machinery, and a run makes ~25. Each request goes straight to a keep-alive connection pool (one
 * request per connection at a time, no pipelining) with an `AnswerHandler` reading the raw callbacks.
 * - JSON and other bodies are read whole into a `BufferedResponse` (its `json()`/`text()` parse the bytes
 *   directly); `text/event-stream` answers stream as a `ReadableStream` body, as the SDKs expect when they
 *   stream.
 * - The request's `AbortSignal` aborts the request at any point (queued, connecting, waiting, mid-body); the
 *   fetch rejects, or the streaming body errors, with the signal's reason (an `AbortError` when it has none),
 *   which is what the SDKs read as a user abort or their own timeout. So does a signal under
 *   `FOLLOWED_SIGNAL` in `init` (a run's signal, handed through the SDK's `fetchOptions`).
 * - Socket failures reject with `TypeError('fetch failed', { cause })` (the cause keeps its `code`, e.g.
 *   `ECONNREFUSED`), and a body cut off after the headers with `TypeError('terminated', { cause })`, the
 *   shapes undici's fetch uses, so the SDKs raise `APIConnectionError` and `classifyFailure` sees a network
 *   failure.
 * - `maxBodyBytes` refuses a larger answer by its `Content-Length` at once, else while it arrives.
 */
export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): KeepAliveFetch {
  const limits: AnswerReadLimits = {
    maxBytes: options.maxBodyBytes ?? Number.POSITIVE_INFINITY,
    tooLarge: options.tooLarge ?? ((size: string) => new Error(`answer too large (${size})`)),
  };
  const staleAfterIdleMs = options.staleAfterIdleMs ?? 1000;
  // undici is imported at the first request (`loadOnce`): a thread that makes none never loads it.
  let made: Pool | null = null;
  let destroyed = false;
  const pool = loadOnce(async () => {
    made = makePool(await import('undici'), options.keepAliveTimeoutMs ?? 60_000);
    // Destroyed while undici loaded: its pool ends at once, and a later request goes through it as after destroy().
    if (destroyed) void made.agent.destroy();
    return made;
  });
  /** One-off connections for requests sent again after a stale pooled one failed; closed once answered. */
  const fresh = new Set<Client>();

  const resend = (request: Dispatcher.DispatchOptions, handler: AnswerHandler, error: Error): boolean => {
    const socket = (error as { [SOCKET_OF]?: Socket & { [LAST_READ]?: number } })[SOCKET_OF];
    const lastRead = socket?.[LAST_READ];
    // Reused (it read an earlier answer before this request was written) and idle long enough to have been
    // closed for idleness, failing as such a connection does: sent again once, as Node's docs advise for
    // node:http. The request may have reached the server; the retry layer would send it again anyway, this
    // costs none of its attempts.
    if (lastRead === undefined || handler.writtenAt - lastRead < staleAfterIdleMs || !isStaleConnectionError(error)) return false;
    const client = new made!.Client(request.origin!, made!.clientOptions);
    fresh.add(client);
    handler.resent = true;
    client.dispatch(request, handler);
    void client.close().finally(() => fresh.delete(client));
    return true;
  };

  const keepAliveFetch = (input: string | URL | Request, init: FollowingRequestInit = {}): Promise<Response> => {
    const ready = pool();
    if (ready instanceof Promise) return ready.then(() => keepAliveFetch(input, init));
    const followed = init[FOLLOWED_SIGNAL];
    if (input instanceof Request || !isPlainBody(init.body)) return fetch(input, followed ? withFollowed(init, followed) : init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (followed?.aborted) return Promise.reject(abortReason(followed));
    const target = targetOf(input);
    const body = init.body ?? undefined;
    const request: Dispatcher.DispatchOptions = {
      origin: target.origin,
      path: target.path,
      method: (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod,
      headers: headerList(init.headers),
      // undici sends a Buffer as it is, with its Content-Length, in the same write as the head when it fits.
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof ArrayBuffer ? Buffer.from(body) : body,
    };
    return new Promise<Response>((resolve, reject) => {
      const handler = new AnswerHandler(target.href, limits, signal, followed, resolve, reject, (error, h) => resend(request, h, error));
      ready.agent.dispatch(request, handler);
    });
  };

  return {
    fetch: keepAliveFetch as typeof fetch,
    destroy() {
      destroyed = true;
      void made?.agent.destroy();
      for (const client of fresh) void client.destroy();
    },
  };
}

/** A keep-alive fetch's connection pool, made from undici once it is loaded. */
interface Pool {
  agent: Agent;
  /** undici's `Client`, for the one-off connections of requests sent again. */
  Client: typeof Client;
  clientOptions: Client.Options;
}

function makePool(undici: typeof import('undici'), keepAliveTimeout: number): Pool {
  const connector = undici.buildConnector({ timeout: 10_000 });
  const clientOptions = {
    ...NO_UNDICI_TIMEOUTS,
    pipelining: 1,
    keepAliveTimeout,
    connect: ((opts, callback) =>
      connector(opts, (error, socket) => {
        if (socket) watchSocket(socket as Socket);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- undici's callback overloads
        (callback as any)(error, socket);
      })) as buildConnector.connector,
  };
  return { agent: new undici.Agent({ ...clientOptions, connections: null }), Client: undici.Client, clientOptions };
}

/**
 * Marks a new pooled socket so that a failure can tell a stale connection from a fresh one: when it last
 * read bytes (`LAST_READ`; the 'readable' at its end, with no new bytes, does not count), and which socket
 * an error came from (`SOCKET_OF`, set before undici hands the error to the request).
 */
function watchSocket(socket: Socket): void {
  let bytesSeen = 0;
  socket.on('readable', function (this: Socket & { [LAST_READ]?: number }) {
    if (this.bytesRead === bytesSeen) return;
    bytesSeen = this.bytesRead;
    this[LAST_READ] = performance.now();
  });
  socket.on('error', function (this: Socket, error: Error & { [SOCKET_OF]?: Socket }) {
    error[SOCKET_OF] = this;
  });
}

/** `init` for the global fetch, stopping on its own signal and on the followed one. */
function withFollowed(init: RequestInit, followed: AbortSignal): RequestInit {
  return { ...init, signal: init.signal ? AbortSignal.any([init.signal, followed]) : followed };
}

/** The errors of a reused connection the server had already closed: a reset, or an end before any answer. */
function isStaleConnectionError(error: Error & { code?: string }): boolean {
  return error.code === 'UND_ERR_SOCKET' || error.code === 'ECONNRESET' || error.code === 'EPIPE';
}

/** The request's headers as the flat name, value, … list undici takes (no `Headers` built or copied). */
function headerList(init: RequestInit['headers']): string[] {
  const list: string[] = [];
  if (init === undefined) return list;
  // The SDKs hand over a `Headers`: read it as it is rather than copy it into another one.
  const source = init instanceof Headers ? init : new Headers(init);
  source.forEach((value, name) => {
    list.push(name, value);
  });
  return list;
}

/** Where a request goes, in undici's terms. */
interface Target {
  href: string;
  origin: string;
  path: string;
}

/** Targets of the URLs seen lately: an SDK client asks for the same one or two URLs all along. */
const targets = new Map<string, Target>();
const MAX_TARGETS = 256;

function targetOf(input: string | URL): Target {
  const key = typeof input === 'string' ? input : input.href;
  let target = targets.get(key);
  if (target === undefined) {
    const url = input instanceof URL ? input : new URL(input);
    target = { href: url.href, origin: url.origin, path: `${url.pathname}${url.search}` };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(key, target);
  }
  return target;
}

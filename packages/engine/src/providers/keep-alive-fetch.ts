import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { BufferedResponse, type BufferedResponseInit } from './buffered-response.js';

/** How a keep-alive `fetch` reads answers. */
export interface KeepAliveFetchOptions {
  /** Largest answer body read, in bytes (after decompression); unset = no limit. */
  maxBodyBytes?: number;
  /** The error a body over `maxBodyBytes` fails with; `size` reads e.g. "1234 bytes" or "more than 10 bytes". */
  tooLarge?: (size: string) => Error;
  /**
   * Idle connections kept open per host (default 4096). It must cover the calls in flight at once: runs move
   * in step, so 100 runs put ~400 calls on the wire together, and a pool that keeps fewer closes the rest
   * when they come back and opens them anew for the next phase (a TCP connect each, ~1/4 of a call's CPU).
   * Servers close connections left idle (Node's after 5 s), so an idle pool shrinks by itself.
   */
  maxFreeSockets?: number;
  /**
   * A pooled connection that fails at once after sitting idle at least this long (ms, default 1000) is taken
   * for one the server closed for idleness and the request is sent again on a fresh one. Connections idle
   * for less were not closed for idleness (servers keep them for seconds): their failure is the call's.
   */
  staleAfterIdleMs?: number;
}

const DEFAULT_MAX_FREE_SOCKETS = 4096;

/** When a pooled socket was last handed back to its agent (performance.now()). */
const IDLE_SINCE = Symbol('idleSince');
type PooledSocket = { [IDLE_SINCE]?: number };

/** A `fetch` with its own connection pool; `destroy()` closes the pooled sockets. */
export interface KeepAliveFetch {
  fetch: typeof fetch;
  destroy(): void;
}

/** Bodies sent as they are; anything else (streams, forms, blobs) goes through the global fetch. */
type PlainBody = string | Uint8Array | ArrayBuffer | null | undefined;

const isPlainBody = (body: unknown): body is PlainBody =>
  body === null || body === undefined || typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;

/**
 * A `fetch` for the openai and Anthropic SDK clients over `node:http(s)` with keep-alive agents (issue 13):
 * Node's global fetch costs ~1 ms of CPU a call in web streams and undici's machinery, and a run makes 16.
 * - JSON and other bodies are read whole into a `BufferedResponse` (its `json()`/`text()` parse the bytes
 *   directly); `text/event-stream` answers stream as a `ReadableStream` body, as the SDKs expect when they
 *   stream.
 * - The request's `AbortSignal` aborts the request at any point (connecting, waiting, mid-body); the fetch
 *   rejects, or the streaming body errors, with the signal's reason (an `AbortError` when it has none), which
 *   is what the SDKs read as a user abort or their own timeout.
 * - Socket failures reject with `TypeError('fetch failed', { cause })` (the cause keeps its `code`, e.g.
 *   `ECONNREFUSED`), and a body cut off after the headers with `TypeError('terminated', { cause })`, the
 *   shapes undici uses, so the SDKs raise `APIConnectionError` and `classifyFailure` sees a network failure.
 * - `maxBodyBytes` refuses a larger answer by its `Content-Length` at once, else while it arrives.
 */
export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): KeepAliveFetch {
  const agentOptions = { keepAlive: true, maxFreeSockets: options.maxFreeSockets ?? DEFAULT_MAX_FREE_SOCKETS, scheduling: 'lifo' as const };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  for (const agent of [agents.http, agents.https]) {
    agent.on('free', (socket: PooledSocket) => {
      socket[IDLE_SINCE] = performance.now();
    });
  }
  const staleAfterIdleMs = options.staleAfterIdleMs ?? 1000;
  const tooLarge = options.tooLarge ?? ((size: string) => new Error(`answer too large (${size})`));
  const maxBytes = options.maxBodyBytes ?? Number.POSITIVE_INFINITY;

  const keepAliveFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request || !isPlainBody(init.body)) return fetch(input, init);
    const target = targetOf(input);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const secure = target.secure;
    const body = init.body ?? undefined;
    // A string body is encoded once here: its length is then known, and node:http neither measures nor
    // encodes it again (a run's prompts are 4–20 KB, and one non-ASCII character makes every scan slow).
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof ArrayBuffer ? new Uint8Array(body) : body;
    const headers = headerRecord(init.headers);
    if (payload !== undefined) headers['content-length'] = String(payload.byteLength);

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      // Until the answer is handed over the fetch rejects; afterwards a streaming body errors instead.
      let failBody: ((error: unknown) => void) | undefined;
      const fail = (error: unknown) => {
        if (!settled) {
          settled = true;
          reject(error);
        } else failBody?.(error);
      };
      const onAbort = () => {
        const reason = abortReason(signal!);
        fail(reason);
        req.destroy();
      };
      const done = () => signal?.removeEventListener('abort', onAbort);

      const send = (agent: http.Agent | false, retryStale: boolean) => {
        let responded = false;
        let idleFor = 0;
        req = (secure ? https : http).request(
          {
            protocol: target.protocol,
            hostname: target.hostname,
            port: target.port,
            path: target.path,
            method: (init.method ?? 'GET').toUpperCase(),
            headers,
            agent,
          },
          (res) => {
            responded = true;
            const status = res.statusCode ?? 0;
            const responseInit = { status, statusText: res.statusMessage ?? '', rawHeaders: res.rawHeaders };
            const declared = Number(res.headers['content-length'] ?? Number.NaN);
            if (Number.isFinite(declared) && declared > maxBytes) {
              fail(tooLarge(`${declared} bytes`));
              req.destroy();
              done();
              return;
            }
            const source = decoded(res);
            let seen = 0;
            const count = (chunk: Buffer): boolean => {
              seen += chunk.byteLength;
              if (seen <= maxBytes) return true;
              fail(tooLarge(`more than ${maxBytes} bytes`));
              req.destroy();
              done();
              return false;
            };
            const cutOff = (cause: unknown) => {
              fail(new TypeError('terminated', { cause }));
              done();
            };
            // A connection closed before the body's end is a cut-off answer, not a clean end.
            res.once('aborted', () => cutOff(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' })));
            source.once('error', cutOff);

            if (status === 204 || status === 304 || res.headers['content-type']?.includes('text/event-stream') !== true) {
              const chunks: Buffer[] = [];
              source.on('data', (chunk: Buffer) => {
                if (count(chunk)) chunks.push(chunk);
              });
              source.once('end', () => {
                done();
                if (settled) return;
                settled = true;
                resolve(new BufferedResponse(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), responseInit, target.href));
              });
              return;
            }
            settled = true;
            resolve(streamingResponse(source, responseInit, count, done, req, (f) => (failBody = f)));
          },
        );
        req.once('socket', (socket: PooledSocket) => {
          const since = socket[IDLE_SINCE];
          if (since !== undefined) idleFor = performance.now() - since;
        });
        req.once('error', (cause) => {
          // After an abort the socket error is ours; the abort reason was already given.
          if (signal?.aborted) return;
          // A pooled connection the server closed while it sat idle (its keep-alive timeout passed as we
          // reused it): sent again once on a fresh connection, as Node's docs advise. The request may have
          // reached the server; the retry layer would send it again anyway, this costs none of its attempts.
          if (retryStale && !responded && req.reusedSocket && idleFor >= staleAfterIdleMs && isStaleConnectionError(cause)) {
            send(false, false);
            return;
          }
          fail(settled ? new TypeError('terminated', { cause }) : new TypeError('fetch failed', { cause }));
          done();
        });
        req.end(payload);
      };
      let req!: http.ClientRequest;
      send(secure ? agents.https : agents.http, true);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return {
    fetch: keepAliveFetch as typeof fetch,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** An answer whose body streams in as it arrives (server-sent events), with backpressure. */
function streamingResponse(
  source: Readable,
  init: BufferedResponseInit,
  count: (chunk: Buffer) => boolean,
  done: () => void,
  req: http.ClientRequest,
  onFail: (fail: (error: unknown) => void) => void,
): Response {
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (error?: unknown) => {
        if (closed) return;
        closed = true;
        done();
        if (error === undefined) controller.close();
        else controller.error(error);
      };
      onFail(finish);
      source.on('data', (chunk: Buffer) => {
        if (closed || !count(chunk)) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) source.pause();
      });
      source.once('end', () => finish());
    },
    pull() {
      source.resume();
    },
    cancel() {
      closed = true;
      done();
      req.destroy();
    },
  });
  return new Response(body, { status: init.status, statusText: init.statusText, headers: toHeaders(init.rawHeaders) });
}

/** The body as sent, or decompressed when the server compressed it anyway. */
function decoded(res: http.IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return res;
  res.on('error', (error) => decoder.destroy(error));
  return res.pipe(decoder);
}

/** The errors of a reused socket the server had already closed: a reset, or a hang-up before any answer. */
function isStaleConnectionError(error: Error & { code?: string }): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.message === 'socket hang up';
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The request's headers as the plain record `node:http` takes (lowercase names, repeated ones joined). */
function headerRecord(init: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (init === undefined) return record;
  // The SDKs hand over a `Headers`: read it as it is rather than copy it into another one.
  const source = init instanceof Headers ? init : new Headers(init);
  source.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/** Where a request goes, in the terms of `http.request`. */
interface Target {
  href: string;
  secure: boolean;
  protocol: string;
  hostname: string;
  port: string | undefined;
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
    target = {
      href: url.href,
      secure: url.protocol === 'https:',
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
    };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(key, target);
  }
  return target;
}

function toHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

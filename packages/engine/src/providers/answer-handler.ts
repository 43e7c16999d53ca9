import type { Dispatcher } from 'undici';
import { BufferedResponse } from './buffered-response.js';
import { decoderFor, type BodyDecoder } from './body-decoder.js';

/** What one request's answer is read with; shared by every request of a `createKeepAliveFetch`. */
export interface AnswerReadLimits {
  /** Largest body read, in bytes (after decompression). */
  maxBytes: number;
  /** The error a body over `maxBytes` fails with; `size` reads e.g. "1234 bytes" or "more than 10 bytes". */
  tooLarge: (size: string) => Error;
}

/**
 * A failure before any answer arrived: the transport may send the request again with the same handler
 * (true) or let it fail (false).
 */
export type EarlyFailure = (error: Error, handler: AnswerHandler) => boolean;

/** performance.now() of the last bytes read on a pooled socket (see `stampReads` in keep-alive-fetch.ts). */
export const LAST_READ = Symbol('lastRead');
/** The socket an error came from, set by the socket's own error listener (see keep-alive-fetch.ts). */
export const SOCKET_OF = Symbol('socketOf');

/**
 * One request's answer, read through undici's dispatcher handler interface (its raw callbacks: no stream,
 * no `Response` of undici's, one object per request and no closures). A non-streaming answer is collected
 * into one Buffer and handed over as a `BufferedResponse` when complete; a `text/event-stream` answer is
 * handed over at its headers as a `Response` whose body is a `ReadableStream` fed as bytes arrive, with
 * backpressure. Failures before the hand-over reject the fetch (`TypeError('fetch failed', { cause })`, or
 * the abort reason), after it they error the stream (`TypeError('terminated', { cause })`), as undici's
 * fetch does.
 */
export class AnswerHandler implements Dispatcher.DispatchHandler {
  readonly url: string;
  /** performance.now() when the request was written to a socket (undici's `onConnect`). */
  writtenAt = 0;
  /** Whether any of the answer arrived (status line parsed). */
  responded = false;
  /** Whether the request was sent again after an early failure (it is sent again at most once). */
  resent = false;
  readonly #limits: AnswerReadLimits;
  readonly #signal: AbortSignal | undefined;
  readonly #followed: AbortSignal | undefined;
  readonly #resolve: (response: Response) => void;
  readonly #reject: (error: unknown) => void;
  readonly #onEarlyFailure: EarlyFailure | undefined;
  #settled = false;
  #abort: ((error?: Error) => void) | undefined;
  #abortReason: Error | undefined;
  #status = 0;
  #statusText = '';
  #rawHeaders: string[] = [];
  #chunks: Buffer[] = [];
  #seen = 0;
  #decoder: BodyDecoder | undefined;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #resume: (() => void) | undefined;
  #paused = false;

  /**
   * `signal` is the request's own (`init.signal`); `followed`, when given, is a second signal the request
   * stops on as well (see `FOLLOWED_SIGNAL` in keep-alive-fetch.ts). Whichever aborts first gives the reason.
   */
  constructor(
    url: string,
    limits: AnswerReadLimits,
    signal: AbortSignal | undefined,
    followed: AbortSignal | undefined,
    resolve: (response: Response) => void,
    reject: (error: unknown) => void,
    onEarlyFailure?: EarlyFailure,
  ) {
    this.url = url;
    this.#limits = limits;
    this.#signal = signal;
    this.#followed = followed;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#onEarlyFailure = onEarlyFailure;
    signal?.addEventListener('abort', this, { once: true });
    followed?.addEventListener('abort', this, { once: true });
  }

  /** A signal's `abort` event (the handler is its own listener: no closure per request). */
  handleEvent(event: Event): void {
    const reason = abortReason(event.target as AbortSignal);
    this.#fail(reason);
    this.#cancel(reason instanceof Error ? reason : new Error(String(reason)));
  }

  onConnect(abort: (error?: Error) => void): void {
    this.writtenAt = performance.now();
    this.#abort = abort;
    // Aborted while it waited for a connection: undici learns it now.
    if (this.#abortReason) abort(this.#abortReason);
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    if (status < 200) return true;
    this.responded = true;
    this.#status = status;
    this.#statusText = statusText;
    this.#resume = resume;
    const rawHeaders = new Array<string>(raw.length);
    let declared = -1;
    let eventStream = false;
    let encoding: string | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      const value = raw[i + 1]!.toString('latin1');
      rawHeaders[i] = name;
      rawHeaders[i + 1] = value;
      // Three names decide how the body is read; compared by length first (most names are other lengths).
      if (name.length === 14 && name.toLowerCase() === 'content-length') declared = Number(value);
      else if (name.length === 12 && name.toLowerCase() === 'content-type') eventStream = value.includes('text/event-stream');
      else if (name.length === 16 && name.toLowerCase() === 'content-encoding') encoding = value;
    }
    this.#rawHeaders = rawHeaders;
    if (declared > this.#limits.maxBytes) {
      this.#failAndCancel(this.#limits.tooLarge(`${declared} bytes`));
      return false;
    }
    if (encoding !== undefined) this.#decoder = decoderFor(encoding, this);
    if (eventStream && status !== 204 && status !== 304) this.#handOverStream();
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#decoder) {
      this.#decoder.write(chunk);
      return !this.#paused;
    }
    return this.take(chunk);
  }

  /** Takes decoded body bytes; false while a streaming reader wants no more (undici then pauses). */
  take(chunk: Buffer): boolean {
    if (this.#settled && !this.#stream) return false;
    this.#seen += chunk.byteLength;
    if (this.#seen > this.#limits.maxBytes) {
      this.#failAndCancel(this.#limits.tooLarge(`more than ${this.#limits.maxBytes} bytes`));
      return false;
    }
    const stream = this.#stream;
    if (stream === undefined) {
      this.#chunks.push(chunk);
      return true;
    }
    stream.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((stream.desiredSize ?? 1) <= 0) this.#paused = true;
    return !this.#paused;
  }

  onComplete(): void {
    if (this.#decoder) this.#decoder.end();
    else this.finish();
  }

  /** The body's end (after the decoder's last bytes, when the answer was compressed). */
  finish(): void {
    this.#unlisten();
    if (this.#stream) {
      const stream = this.#stream;
      this.#stream = undefined;
      this.#settled = true;
      stream.close();
      return;
    }
    if (this.#settled) return;
    this.#settled = true;
    // Handed over one event-loop turn later: undici makes a connection reusable only in a `setImmediate`
    // after the answer's end (it waits a turn for a server that closes despite keep-alive), and a caller
    // asking again at once would otherwise find it busy and open another one. `nextTick` runs after undici
    // scheduled its turn, so this one comes after it.
    process.nextTick(deliverLater, this);
  }

  /** Resolves the fetch with the whole answer (see `finish`). */
  deliver(): void {
    const chunks = this.#chunks;
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.#chunks = [];
    this.#resolve(new BufferedResponse(bytes, { status: this.#status, statusText: this.#statusText, rawHeaders: this.#rawHeaders }, this.url));
  }

  onError(error: Error): void {
    if (this.#abortReason) return; // after an abort the socket's error is ours; the reason was given
    if (!this.#settled && !this.responded && !this.resent && this.#onEarlyFailure) {
      // The first attempt's abort is spent; a second attempt gets its own at its `onConnect`.
      const abort = this.#abort;
      this.#abort = undefined;
      if (this.#onEarlyFailure(error, this)) return;
      this.#abort = abort;
    }
    this.fail(error);
  }

  /** Fails the request with a socket or decoding error, in the shape undici's fetch gives it. */
  fail(cause: Error): void {
    this.#fail(this.responded ? new TypeError('terminated', { cause }) : new TypeError('fetch failed', { cause }));
    this.#cancel(cause);
  }

  #failAndCancel(error: Error): void {
    this.#fail(error);
    this.#cancel(error);
  }

  /** Rejects the fetch, or errors the streaming body once it was handed over. */
  #fail(error: unknown): void {
    this.#unlisten();
    if (this.#stream) {
      const stream = this.#stream;
      this.#stream = undefined;
      this.#settled = true;
      stream.error(error);
      return;
    }
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }

  /** Stops the request in undici (now, or as soon as it is written when it still waits for a socket). */
  #cancel(reason: Error): void {
    this.#abortReason ??= reason;
    this.#decoder?.destroy();
    this.#abort?.(reason);
  }

  #handOverStream(): void {
    this.#settled = true;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#stream = controller;
      },
      pull: () => {
        if (!this.#paused) return;
        this.#paused = false;
        this.#decoder?.resume();
        this.#resume?.();
      },
      cancel: (reason) => {
        this.#stream = undefined;
        this.#unlisten();
        this.#cancel(reason instanceof Error ? reason : new Error('stream cancelled'));
      },
    });
    const headers = new Headers();
    const raw = this.#rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
    this.#resolve(new Response(body, { status: this.#status, statusText: this.#statusText, headers }));
  }

  /** Stops listening to the signals: the request is over, or its answer was handed over whole. */
  #unlisten(): void {
    this.#signal?.removeEventListener('abort', this);
    this.#followed?.removeEventListener('abort', this);
  }

  /** Whether a streaming reader has asked to wait (the decoder holds its output until then). */
  get paused(): boolean {
    return this.#paused;
  }
}

const deliver = (handler: AnswerHandler) => handler.deliver();
const deliverLater = (handler: AnswerHandler) => setImmediate(deliver, handler);

/** The signal's reason, or the `AbortError` fetch gives when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

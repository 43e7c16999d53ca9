import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '@tradingfloor/shared';
import type { WebhookClock } from './webhook-clock.js';
import { guardedLookup, PrivateTargetError } from './webhook-target.js';

/** How one attempt ended. `aborted`: the server is stopping; the attempt does not count. */
export type AttemptResult =
  | { kind: 'answered'; statusCode: number; durationMs: number }
  | { kind: 'failed'; error: string; durationMs: number; permanent: boolean }
  | { kind: 'aborted' };

/** What one POST needs besides the target and the body. */
export interface SendOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
  clock: WebhookClock;
  /** Aborted when the server stops. */
  signal: AbortSignal;
}

/** Bytes of an answer read before the connection is dropped: the body means nothing to us. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs `body` to `target` once. Redirects are not followed (a 3xx counts as a failed attempt). The time limit
 * covers the whole exchange, from the DNS lookup to the answer's last byte. Never throws.
 */
export function sendWebhook(target: string, body: string, options: SendOptions): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      resolve(result);
    };
    const url = new URL(target);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'TradingFloor-Webhooks',
        ...options.headers,
      },
      lookup: guardedLookup(options.allowPrivate),
      signal: options.signal,
      agent: false,
    });
    const timer = options.clock.setTimeout(() => {
      finish({ kind: 'failed', error: `timed out after ${options.timeoutMs} ms`, durationMs: elapsed(), permanent: false });
      req.destroy();
    }, options.timeoutMs);
    req.on('response', (res: IncomingMessage) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const done = () => finish({ kind: 'answered', statusCode: res.statusCode ?? 0, durationMs: elapsed() });
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (err) => {
      if (options.signal.aborted) return finish({ kind: 'aborted' });
      const permanent = err instanceof PrivateTargetError;
      finish({ kind: 'failed', error: permanent ? `refused: ${err.message}` : errorMessage(err), durationMs: elapsed(), permanent });
    });
    req.end(body);
  });
}

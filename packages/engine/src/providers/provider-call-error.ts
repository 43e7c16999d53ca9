import { ProviderError } from '@tradingfloor/shared';

/**
 * Why one provider call failed:
 * - `rate_limit` — HTTP 429;
 * - `server` — HTTP 5xx (including Anthropic's 529 "overloaded");
 * - `network` — the connection failed or was dropped (ECONNRESET, socket hang up, …);
 * - `timeout` — no answer within the per-request timeout;
 * - `bad_response` — the server answered 2xx with something unusable (not JSON, no choices, no content);
 * - `client` — any other 4xx (bad key, unknown model, bad request): retrying cannot help;
 * - `bad_tool_arguments` — the model called a tool with arguments that are not a JSON object;
 * - `answer_too_large` — the answer is over the size `LLM_MAX_ANSWER_CHARS` allows (never retried).
 */
export type ProviderFailureKind =
  'rate_limit' | 'server' | 'network' | 'timeout' | 'bad_response' | 'client' | 'bad_tool_arguments' | 'answer_too_large';

const RETRYABLE: ReadonlySet<ProviderFailureKind> = new Set(['rate_limit', 'server', 'network', 'timeout', 'bad_response']);

/**
 * A failed provider call, classified so the retry layer can decide without knowing which SDK produced it.
 * It is a `ProviderError`, so when it escapes the retry layer the user sees the provider's message.
 */
export class ProviderCallError extends ProviderError {
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;

  constructor(
    message: string,
    provider: string,
    readonly kind: ProviderFailureKind,
    httpStatus: number | null = null,
    /** Delay the server asked for (`retry-after-ms` / `retry-after`), in ms; null when it named none. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message, provider, httpStatus);
    this.retryable = RETRYABLE.has(kind);
  }
}

/**
 * Reads the delay a server asks for: `retry-after-ms` (milliseconds, as OpenAI and Anthropic send) wins
 * over `retry-after` (seconds, or an HTTP date). Returns null when neither is present or readable.
 */
export function retryAfterFromHeaders(headers: Headers | undefined, now: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return null;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Classifies an HTTP status of a failed call. */
export function kindOfStatus(status: number): ProviderFailureKind {
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server';
  // 408 Request Timeout is the server giving up on a slow request: as transient as a 5xx.
  if (status === 408) return 'timeout';
  return 'client';
}

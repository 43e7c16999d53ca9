import { errorMessage } from '@tradingfloor/shared';
import { kindOfStatus, ProviderCallError, retryAfterFromHeaders } from './provider-call-error.js';

/** What both SDKs' `APIError` look like (openai 6 and @anthropic-ai/sdk 1 share the Stainless shape). */
interface SdkApiError extends Error {
  status: number | undefined;
  headers: Headers | undefined;
  /** The parsed error body (OpenAI: its `error` member; Anthropic: the whole body). */
  error: unknown;
}

/** The SDK error classes a provider hands in, so this module stays free of either SDK. */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
}

/** Error codes and messages of connections that broke under us, as undici and node:net report them. */
const NETWORK_HINT =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|socket hang up|other side closed|terminated|fetch failed/i;

/**
 * Turns whatever a provider call threw into what the run must see:
 * - the run's abort reason when its signal aborted (cancel wins over every other failure);
 * - a `ProviderCallError` with a kind and `retryable` flag otherwise.
 */
export function classifyFailure(
  err: unknown,
  ctx: { provider: string; label: string; signal: AbortSignal; timeoutMs: number; sdk: SdkErrorClasses },
): unknown {
  if (ctx.signal.aborted) return ctx.signal.reason;
  if (err instanceof ProviderCallError) return err;
  // The SDKs wrap what their `fetch` threw (e.g. the size limit) as a connection error: keep our own verdict.
  const ours = ownCause(err);
  if (ours) return ours;
  const { provider, label, sdk } = ctx;
  // The SDK's `timeout` (our `LLM_TIMEOUT_MS`) fired: it aborted its own request, not ours.
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return new ProviderCallError(`${label}: no answer within ${ctx.timeoutMs} ms (LLM_TIMEOUT_MS)`, provider, 'timeout');
  }
  if (err instanceof sdk.APIConnectionError) {
    return new ProviderCallError(`${label}: connection failed: ${describeCause(err)}`, provider, 'network');
  }
  if (err instanceof sdk.APIError) {
    const api = err as SdkApiError;
    if (typeof api.status === 'number') {
      const kind = kindOfStatus(api.status);
      const message = `${label}: HTTP ${api.status}: ${serverMessage(api)}`;
      return new ProviderCallError(message, provider, kind, api.status, retryAfterFromHeaders(api.headers));
    }
  }
  if (err instanceof SyntaxError) {
    return new ProviderCallError(`${label}: the server answered with malformed JSON (${err.message})`, provider, 'bad_response');
  }
  if (err instanceof Error && NETWORK_HINT.test(`${err.message} ${describeCause(err)}`)) {
    // A connection dropped while the body was being read surfaces as a bare undici TypeError.
    return new ProviderCallError(`${label}: connection failed: ${describeCause(err)}`, provider, 'network');
  }
  const message = errorMessage(err);
  return new ProviderCallError(`${label}: unexpected failure: ${message}`, provider, 'client');
}

/** The server's own words: `error.message` of the body when there is one, else the SDK's message. */
function serverMessage(api: SdkApiError): string {
  const body = api.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  if (typeof body?.message === 'string') return body.message;
  if (typeof body?.error?.message === 'string') return body.error.message;
  return api.message;
}

/** The innermost useful message of an error chain, e.g. "other side closed (UND_ERR_SOCKET)". */
function describeCause(err: Error): string {
  let current: unknown = err;
  let text = err.message;
  for (let depth = 0; depth < 4 && current instanceof Error && current.cause !== undefined; depth += 1) {
    current = current.cause;
    if (current instanceof Error) {
      const code = (current as Error & { code?: unknown }).code;
      text = typeof code === 'string' ? `${current.message} (${code})` : current.message;
    }
  }
  return text;
}

/** A `ProviderCallError` somewhere in the cause chain (thrown by our `fetch` and wrapped by the SDK). */
function ownCause(err: unknown): ProviderCallError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    current = current.cause;
    if (current instanceof ProviderCallError) return current;
  }
  return undefined;
}

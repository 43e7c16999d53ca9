import { ValidationError } from '@tradingfloor/shared';
import { ENGINE_ENV_DEFAULTS } from '../config/engine-env.js';
import { classifyFailure, type SdkErrorClasses } from './classify-failure.js';
import { answerTooLarge } from './answer-size-limit.js';
import { createKeepAliveFetch, FOLLOWED_SIGNAL } from './keep-alive-fetch.js';

/** Default per-request timeout when neither the options nor `LLM_TIMEOUT_MS` name one. */
const DEFAULT_LLM_TIMEOUT_MS = ENGINE_ENV_DEFAULTS.llmTimeoutMs;

/** What every SDK-backed provider (`openai`, `anthropic`) is created with. */
export interface SdkProviderOptions {
  /** API key; servers that need none (Ollama, most vLLM setups, key-holding proxies) can leave it out. */
  apiKey?: string;
  /** Base URL of the API; each provider documents its own form and default. */
  baseURL?: string;
  /** Per-request timeout in ms (default 120 000). */
  timeoutMs?: number;
  /** What a user sees, e.g. "Ollama at localhost:11434 (OpenAI-compatible)". */
  label?: string;
  /** Largest HTTP answer read, in bytes (see `answerTooLarge`); unset = no limit. */
  maxResponseBytes?: number;
}

/** An SDK provider's settings, resolved from its options. */
export interface SdkConnection {
  baseURL: string;
  /** Host of `baseURL`, e.g. `api.openai.com`. */
  host: string;
  label: string;
  timeoutMs: number;
  /** Options for the SDK client: credentials passed explicitly, the SDK's own retries off. */
  clientOptions: { apiKey: string; baseURL: string; maxRetries: 0; timeout: number; fetch: typeof fetch };
}

/**
 * Resolves an SDK provider's options: the base URL (must parse; `envName` names the variable in the error),
 * the per-request timeout, the label (`defaultLabel(host)` unless one is given) and the client options.
 * The SDKs' own retries are off (`maxRetries: 0`): the retry layer decides, inside one limiter acquisition.
 * The SDKs talk HTTP through `createKeepAliveFetch` (pooled `node:http` connections, answers over
 * `maxResponseBytes` refused while they arrive) rather than the global fetch.
 */
export function resolveSdkConnection(
  opts: SdkProviderOptions,
  defaults: { provider: 'openai' | 'anthropic'; baseURL: string; envName: string; defaultLabel: (host: string) => string },
): SdkConnection {
  const baseURL = opts.baseURL ?? defaults.baseURL;
  let host: string;
  try {
    host = new URL(baseURL).host;
  } catch {
    throw new ValidationError(`${defaults.envName} is not a valid URL: "${baseURL}"`);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const label = opts.label ?? defaults.defaultLabel(host);
  return {
    baseURL,
    host,
    label,
    timeoutMs,
    clientOptions: {
      // The SDKs refuse to start without a key; keyless servers and key-holding proxies ignore what is sent.
      apiKey: opts.apiKey || 'no-key',
      baseURL,
      maxRetries: 0,
      timeout: timeoutMs,
      fetch: createKeepAliveFetch(
        opts.maxResponseBytes !== undefined
          ? { maxBodyBytes: opts.maxResponseBytes, tooLarge: answerTooLarge(opts.maxResponseBytes, { provider: defaults.provider, label }) }
          : {},
      ).fetch,
    },
  };
}

/** What an SDK request is made with (the SDKs' per-request options, the part `sdkRequest` sets). */
export interface SdkRequestOptions {
  /**
   * Handed by the SDK to its `fetch` (the keep-alive fetch) with the rest of the request: the run's signal
   * under `FOLLOWED_SIGNAL`, a key the SDKs' types do not know of (hence `object`).
   */
  fetchOptions: object;
}

/**
 * Runs one SDK request under the run's signal and turns a failure into what the run must see (the abort
 * reason, or a `ProviderCallError` for the retry layer).
 *
 * The per-request deadline is the SDK's own `timeout` (`LLM_TIMEOUT_MS`, set on the client): the SDK arms
 * it around its `fetch`, and the keep-alive fetch resolves only once a JSON answer's body is read whole, so
 * it also covers a body that stops arriving. It fails as the SDK's `APIConnectionTimeoutError`, which
 * `classifyFailure` reads as a retryable `timeout`. (A timer of our own per call duplicated the SDK's.)
 *
 * The run's signal is not given to the SDK: the openai SDK adds an abort listener to the signal it is given
 * and never removes it, so that would pile up one listener (holding that request's AbortController) per call
 * on the run's signal for the run's whole life, and an AbortController of our own per call to shield it cost
 * more CPU than the rest of this layer. The signal rides in the request's `fetchOptions` under
 * `FOLLOWED_SIGNAL` instead, which the SDK hands to the keep-alive fetch with the rest of the `RequestInit`:
 * a cancel stops the request there, and whatever the SDK then makes of the failed fetch, `classifyFailure`
 * turns it into the run's abort reason (a cancel wins over every other failure).
 */
export async function sdkRequest<T>(
  ctx: { provider: string; label: string; timeoutMs: number; sdk: SdkErrorClasses },
  signal: AbortSignal,
  request: (options: SdkRequestOptions) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  try {
    return await request({ fetchOptions: { [FOLLOWED_SIGNAL]: signal } });
  } catch (err) {
    throw classifyFailure(err, { ...ctx, signal });
  }
}

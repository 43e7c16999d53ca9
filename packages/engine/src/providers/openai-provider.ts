import OpenAI from 'openai';
import { ValidationError } from '@tradingfloor/shared';
import { classifyFailure } from './classify-failure.js';
import { fromOpenAiResponse, toOpenAiRequest } from './openai-wire.js';
import type { LlmProvider } from './provider.js';
import { withRequestDeadline } from './request-deadline.js';

/** Default per-request timeout when neither the options nor `LLM_TIMEOUT_MS` name one: 2 minutes. */
export const DEFAULT_LLM_TIMEOUT_MS = 120_000;

export interface OpenAiProviderOptions {
  /** API key; servers that need none (Ollama, most vLLM setups) can leave it out. */
  apiKey?: string;
  /** Base URL of the OpenAI-compatible API, ending in `/v1`; defaults to https://api.openai.com/v1. */
  baseURL?: string;
  /** Per-request timeout in ms (default 120 000). */
  timeoutMs?: number;
  /** What a user sees, e.g. "Ollama at localhost:11434 (OpenAI-compatible)". */
  label?: string;
}

/**
 * The `openai` provider: chat completions with tool calling on the `openai` SDK, for OpenAI itself and
 * every OpenAI-compatible server (Ollama, vLLM, OpenRouter, LM Studio, …). The SDK's own retries are off
 * (`maxRetries: 0`): the retry layer decides, inside one limiter acquisition. Every request gets the
 * run's AbortSignal and the per-request deadline. Failures are `ProviderCallError`s (or the abort reason).
 */
export function createOpenAiProvider(opts: OpenAiProviderOptions = {}): LlmProvider {
  const baseURL = opts.baseURL ?? 'https://api.openai.com/v1';
  let host: string;
  try {
    host = new URL(baseURL).host;
  } catch {
    throw new ValidationError(`OPENAI_BASE_URL is not a valid URL: "${baseURL}"`);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const label = opts.label ?? `OpenAI-compatible API at ${host}`;
  const client = new OpenAI({
    // The SDK refuses to start without a key; keyless local servers ignore whatever is sent.
    apiKey: opts.apiKey || 'no-key',
    baseURL,
    maxRetries: 0,
    timeout: timeoutMs,
  });
  const maxTokensField = host === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';
  const sdk = {
    APIError: OpenAI.APIError,
    APIConnectionError: OpenAI.APIConnectionError,
    APIConnectionTimeoutError: OpenAI.APIConnectionTimeoutError,
  };

  return {
    name: 'openai',
    label,
    chat(request, signal) {
      return withRequestDeadline(
        signal,
        timeoutMs,
        async (requestSignal) => {
          const completion = await client.chat.completions.create(toOpenAiRequest(request, maxTokensField), {
            signal: requestSignal,
            timeout: timeoutMs,
          });
          return fromOpenAiResponse(completion, { provider: 'openai', label, model: request.model });
        },
        (err, timedOut) => classifyFailure(err, { provider: 'openai', label, signal, timedOut, timeoutMs, sdk }),
      );
    },
  };
}

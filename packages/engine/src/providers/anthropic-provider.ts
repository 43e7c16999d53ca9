import Anthropic from '@anthropic-ai/sdk';
import { ValidationError } from '@tradingfloor/shared';
import { AnthropicThinkingMemory } from './anthropic-thinking-memory.js';
import { fromAnthropicResponse, toAnthropicRequest } from './anthropic-wire.js';
import { classifyFailure } from './classify-failure.js';
import { DEFAULT_LLM_TIMEOUT_MS } from './openai-provider.js';
import type { LlmProvider } from './provider.js';
import { withRequestDeadline } from './request-deadline.js';

export interface AnthropicProviderOptions {
  apiKey?: string;
  /** Base URL without `/v1` (the SDK appends `/v1/messages`); defaults to https://api.anthropic.com. */
  baseURL?: string;
  /** Per-request timeout in ms (default 120 000). */
  timeoutMs?: number;
  label?: string;
}

/**
 * The `anthropic` provider: the Messages API with tool use on `@anthropic-ai/sdk`. Like the OpenAI
 * provider: SDK retries off, the run's AbortSignal and a per-request deadline on every request, failures
 * classified as `ProviderCallError`s for the retry layer. Credentials are passed explicitly, so the SDK
 * never falls back to profiles or other variables of the environment. Thinking blocks of tool-calling
 * turns are kept and sent back with the tool results, as thinking models require
 * (`AnthropicThinkingMemory`).
 */
export function createAnthropicProvider(opts: AnthropicProviderOptions = {}): LlmProvider {
  const baseURL = opts.baseURL ?? 'https://api.anthropic.com';
  let host: string;
  try {
    host = new URL(baseURL).host;
  } catch {
    throw new ValidationError(`ANTHROPIC_BASE_URL is not a valid URL: "${baseURL}"`);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const label = opts.label ?? (host === 'api.anthropic.com' ? 'Anthropic' : `Anthropic-compatible API at ${host}`);
  const client = new Anthropic({
    // A proxy that holds the real key may need none from us; the SDK still wants one to send.
    apiKey: opts.apiKey || 'no-key',
    baseURL,
    maxRetries: 0,
    timeout: timeoutMs,
  });
  const thinking = new AnthropicThinkingMemory();
  const sdk = {
    APIError: Anthropic.APIError,
    APIConnectionError: Anthropic.APIConnectionError,
    APIConnectionTimeoutError: Anthropic.APIConnectionTimeoutError,
  };

  return {
    name: 'anthropic',
    label,
    chat(request, signal) {
      return withRequestDeadline(
        signal,
        timeoutMs,
        async (requestSignal) => {
          const body = toAnthropicRequest(request, (id) => thinking.recall(id));
          const message = await client.messages.create(body, { signal: requestSignal, timeout: timeoutMs });
          const response = fromAnthropicResponse(message, { provider: 'anthropic', label, model: request.model });
          thinking.remember(message.content);
          return response;
        },
        (err, timedOut) => classifyFailure(err, { provider: 'anthropic', label, signal, timedOut, timeoutMs, sdk }),
      );
    },
  };
}

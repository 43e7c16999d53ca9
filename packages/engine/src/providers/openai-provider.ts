import OpenAI from 'openai';
import { fromOpenAiResponse, toOpenAiRequest } from './openai-wire.js';
import type { LlmProvider } from './provider.js';
import { resolveSdkConnection, sdkRequest, type SdkProviderOptions } from './sdk-provider.js';

export interface OpenAiProviderOptions extends SdkProviderOptions {
  /** Base URL of the OpenAI-compatible API, ending in `/v1`; defaults to https://api.openai.com/v1. */
  baseURL?: string;
}

/**
 * The `openai` provider: chat completions with tool calling on the `openai` SDK, for OpenAI itself and
 * every OpenAI-compatible server (Ollama, vLLM, OpenRouter, LM Studio, …). The SDK's own retries are off
 * (`maxRetries: 0`): the retry layer decides, inside one limiter acquisition. Every request follows the
 * run's AbortSignal and has the client's `timeout` as its deadline (see `sdkRequest`). Failures are
 * `ProviderCallError`s (or the abort reason).
 */
export function createOpenAiProvider(opts: OpenAiProviderOptions = {}): LlmProvider {
  const { host, label, timeoutMs, clientOptions } = resolveSdkConnection(opts, {
    baseURL: 'https://api.openai.com/v1',
    provider: 'openai',
    envName: 'OPENAI_BASE_URL',
    defaultLabel: (host) => `OpenAI-compatible API at ${host}`,
  });
  const client = new OpenAI(clientOptions);
  const maxTokensField = host === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';
  const ctx = { provider: 'openai', label, timeoutMs, sdk: OpenAI };

  return {
    name: 'openai',
    label,
    chat(request, signal) {
      return sdkRequest(ctx, signal, async (options) => {
        const completion = await client.chat.completions.create(toOpenAiRequest(request, maxTokensField), options);
        return fromOpenAiResponse(completion, { provider: 'openai', label, model: request.model });
      });
    },
  };
}

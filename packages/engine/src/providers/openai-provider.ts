import type OpenAI from 'openai';
import { loadOnce } from './load-once.js';
import { fromOpenAiResponse, toOpenAiRequest } from './openai-wire.js';
import type { ChatRequest, LlmProvider } from './provider.js';
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
  const maxTokensField = host === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';
  // The SDK is imported at the first call: a serving thread whose runs execute in engine threads never makes one.
  const sdk = loadOnce(async () => {
    const { default: Sdk } = await import('openai');
    return { client: new Sdk(clientOptions), ctx: { provider: 'openai', label, timeoutMs, sdk: Sdk } };
  });
  const ask = ({ client, ctx }: { client: OpenAI; ctx: Parameters<typeof sdkRequest>[0] }, request: ChatRequest, signal: AbortSignal) =>
    sdkRequest(ctx, signal, async (options) => {
      const completion = await client.chat.completions.create(toOpenAiRequest(request, maxTokensField), options);
      return fromOpenAiResponse(completion, { provider: 'openai', label, model: request.model });
    });

  return {
    name: 'openai',
    label,
    chat(request, signal) {
      const ready = sdk();
      return ready instanceof Promise ? ready.then((loaded) => ask(loaded, request, signal)) : ask(ready, request, signal);
    },
  };
}

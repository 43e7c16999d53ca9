import type Anthropic from '@anthropic-ai/sdk';
import { AnthropicThinkingMemory } from './anthropic-thinking-memory.js';
import { fromAnthropicResponse, toAnthropicRequest } from './anthropic-wire.js';
import type { ChatRequest, LlmProvider } from './provider.js';
import { loadOnce } from './load-once.js';
import { resolveSdkConnection, sdkRequest, type SdkProviderOptions } from './sdk-provider.js';

export interface AnthropicProviderOptions extends SdkProviderOptions {
  /** Base URL without `/v1` (the SDK appends `/v1/messages`); defaults to https://api.anthropic.com. */
  baseURL?: string;
}

/**
 * The `anthropic` provider: the Messages API with tool use on `@anthropic-ai/sdk`. Like the OpenAI
 * provider: SDK retries off, the run's AbortSignal and the client's timeout on every request, failures
 * classified as `ProviderCallError`s for the retry layer. Credentials are passed explicitly, so the SDK
 * never falls back to profiles or other variables of the environment. Thinking blocks of tool-calling
 * turns are kept and sent back with the tool results, as thinking models require
 * (`AnthropicThinkingMemory`).
 */
export function createAnthropicProvider(opts: AnthropicProviderOptions = {}): LlmProvider {
  const { label, timeoutMs, clientOptions } = resolveSdkConnection(opts, {
    baseURL: 'https://api.anthropic.com',
    provider: 'anthropic',
    envName: 'ANTHROPIC_BASE_URL',
    defaultLabel: (host) => (host === 'api.anthropic.com' ? 'Anthropic' : `Anthropic-compatible API at ${host}`),
  });
  const thinking = new AnthropicThinkingMemory();
  // The SDK is imported at the first call: most processes and threads never use this provider.
  const sdk = loadOnce(async () => {
    const { default: Sdk } = await import('@anthropic-ai/sdk');
    return { client: new Sdk(clientOptions), ctx: { provider: 'anthropic', label, timeoutMs, sdk: Sdk } };
  });
  const ask = ({ client, ctx }: { client: Anthropic; ctx: Parameters<typeof sdkRequest>[0] }, request: ChatRequest, signal: AbortSignal) =>
    sdkRequest(ctx, signal, async (options) => {
      const body = toAnthropicRequest(request, (id) => thinking.recall(id));
      const message = await client.messages.create(body, options);
      const response = fromAnthropicResponse(message, { provider: 'anthropic', label, model: request.model });
      thinking.remember(message.content);
      return response;
    });

  return {
    name: 'anthropic',
    label,
    chat(request, signal) {
      const ready = sdk();
      return ready instanceof Promise ? ready.then((loaded) => ask(loaded, request, signal)) : ask(ready, request, signal);
    },
  };
}

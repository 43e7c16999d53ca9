import Anthropic from '@anthropic-ai/sdk';
import { AnthropicThinkingMemory } from './anthropic-thinking-memory.js';
import { fromAnthropicResponse, toAnthropicRequest } from './anthropic-wire.js';
import type { LlmProvider } from './provider.js';
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
  const client = new Anthropic(clientOptions);
  const thinking = new AnthropicThinkingMemory();
  const ctx = { provider: 'anthropic', label, timeoutMs, sdk: Anthropic };

  return {
    name: 'anthropic',
    label,
    chat(request, signal) {
      return sdkRequest(ctx, signal, async (options) => {
        const body = toAnthropicRequest(request, (id) => thinking.recall(id));
        const message = await client.messages.create(body, options);
        const response = fromAnthropicResponse(message, { provider: 'anthropic', label, model: request.model });
        thinking.remember(message.content);
        return response;
      });
    },
  };
}

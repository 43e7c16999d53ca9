import { ValidationError, type ProviderName, type ProvidersResponse, type RunConfig } from '@tradingfloor/shared';
import type { EngineEnv } from '../config/engine-env.js';
import { createAnthropicProvider } from './anthropic-provider.js';
import { OFFLINE_MODEL } from './offline/offline-provider.js';
import { createOpenAiProvider } from './openai-provider.js';
import { resolveAnthropicSettings, resolveOpenAiSettings } from './presets.js';
import type { LlmProvider } from './provider.js';
import { maxResponseBytesFor } from './answer-size-limit.js';

/** One entry of `GET /config/providers` (the shape of `ProviderInfoSchema`). */
export type ProviderInfo = ProvidersResponse['providers'][number];

export interface ProviderRegistryOptions {
  /** Builds the offline model for a run's `offline_latency_ms`. */
  offline: (latencyMs: number) => LlmProvider;
  /** Model names of the offline model's tiers (default: `OFFLINE_MODEL` for both). */
  offlineModels?: { quick: string; deep: string };
}

/** Picks each run's raw provider and knows every provider's defaults. */
export interface ProviderRegistry {
  /** The raw provider for a run; `ValidationError` naming the missing setting when it is not configured. */
  providerFor(config: RunConfig): LlmProvider;
  /** Default quick/deep model names of a provider (env overrides included). */
  defaultModels(name: ProviderName): { quick: string; deep: string };
  /** Every provider with its label, whether it is configured, and suggested models. */
  describe(): ProviderInfo[];
}

/**
 * Builds the registry from the parsed environment (`parseEngineEnv`; see `resolveOpenAiSettings` /
 * `resolveAnthropicSettings` for the variables). A malformed value was a `ConfigError` at start-up, while a
 * provider that is merely not configured fails only the runs that ask for it. The OpenAI and Anthropic
 * clients are created on first use and shared by all runs (one connection pool each).
 */
export function createProviderRegistry(
  env: Pick<EngineEnv, 'openai' | 'anthropic' | 'llmTimeoutMs' | 'answerLimits'>,
  opts: ProviderRegistryOptions,
): ProviderRegistry {
  const openai = resolveOpenAiSettings(env);
  const anthropic = resolveAnthropicSettings(env);
  // Answers too large for the answer limits are refused while they arrive, before they are parsed.
  const maxResponseBytes = maxResponseBytesFor(env.answerLimits.maxAnswerChars);
  const offlineModels = opts.offlineModels ?? { quick: OFFLINE_MODEL, deep: OFFLINE_MODEL };
  let openaiProvider: LlmProvider | undefined;
  let anthropicProvider: LlmProvider | undefined;

  const defaultModels = (name: ProviderName) => {
    switch (name) {
      case 'offline':
        return { ...offlineModels };
      case 'openai':
        return { ...openai.models };
      case 'anthropic':
        return { ...anthropic.models };
    }
  };

  return {
    providerFor(config) {
      switch (config.llm_provider) {
        case 'offline':
          return opts.offline(config.offline_latency_ms);
        case 'openai':
          if (openai.missing !== null) throw new ValidationError(`llm_provider "openai" is not configured: ${openai.missing}`);
          openaiProvider ??= createOpenAiProvider({
            baseURL: openai.baseURL ?? undefined,
            apiKey: openai.apiKey,
            timeoutMs: openai.timeoutMs,
            label: openai.label,
            maxResponseBytes,
          });
          return openaiProvider;
        case 'anthropic':
          if (anthropic.missing !== null) throw new ValidationError(`llm_provider "anthropic" is not configured: ${anthropic.missing}`);
          anthropicProvider ??= createAnthropicProvider({
            baseURL: anthropic.baseURL,
            apiKey: anthropic.apiKey,
            timeoutMs: anthropic.timeoutMs,
            label: anthropic.label,
            maxResponseBytes,
          });
          return anthropicProvider;
      }
    },
    defaultModels,
    describe() {
      const offline = opts.offline(0);
      return [
        info('offline', offline.label, true, [offlineModels.quick], [offlineModels.deep], offlineModels),
        info('openai', openai.label, openai.missing === null, openai.quickModels, openai.deepModels, openai.models),
        info('anthropic', anthropic.label, anthropic.missing === null, anthropic.quickModels, anthropic.deepModels, anthropic.models),
      ];
    },
  };
}

function info(
  name: ProviderName,
  label: string,
  configured: boolean,
  quick: string[],
  deep: string[],
  defaults: { quick: string; deep: string },
): ProviderInfo {
  return { name, label, configured, quick_models: quick, deep_models: deep, default_quick: defaults.quick, default_deep: defaults.deep };
}

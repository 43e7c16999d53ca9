import type { EngineEnv, OpenAiPresetName } from '../config/engine-env.js';

interface PresetFacts {
  baseURL: string | null;
  /** The variable holding the key; null when the server needs none. */
  keyEnv: string | null;
  label: string;
  quick: string;
  deep: string;
  quickModels: string[];
  deepModels: string[];
}

/** Base URL, key variable and suggested models of each preset. */
const OPENAI_PRESETS: Record<OpenAiPresetName, PresetFacts> = {
  openai: {
    baseURL: 'https://api.openai.com/v1',
    keyEnv: 'OPENAI_API_KEY',
    label: 'OpenAI',
    quick: 'gpt-5.4-mini',
    deep: 'gpt-5.4',
    quickModels: ['gpt-5.4-mini', 'gpt-5.4-nano', 'gpt-4.1-mini', 'gpt-4o-mini'],
    deepModels: ['gpt-5.4', 'gpt-5.5', 'gpt-4.1', 'o3'],
  },
  ollama: {
    baseURL: 'http://localhost:11434/v1',
    keyEnv: null,
    label: 'Ollama (local, OpenAI-compatible)',
    quick: 'llama3.1',
    deep: 'llama3.1',
    quickModels: ['llama3.1', 'llama3.2', 'qwen2.5', 'mistral-nemo'],
    deepModels: ['llama3.1', 'qwen2.5:14b', 'llama3.3'],
  },
  openrouter: {
    baseURL: 'https://openrouter.ai/api/v1',
    keyEnv: 'OPENROUTER_API_KEY',
    label: 'OpenRouter (OpenAI-compatible)',
    quick: 'openai/gpt-5.4-mini',
    deep: 'openai/gpt-5.4',
    quickModels: ['openai/gpt-5.4-mini', 'anthropic/claude-haiku-4.5', 'meta-llama/llama-3.1-70b-instruct'],
    deepModels: ['openai/gpt-5.4', 'anthropic/claude-sonnet-4.6', 'openai/o3'],
  },
  custom: {
    baseURL: null,
    keyEnv: 'OPENAI_API_KEY',
    label: 'OpenAI-compatible server',
    // Unknown server: name the models with QUICK_THINK_LLM / DEEP_THINK_LLM; proxies (LiteLLM…) often map these.
    quick: 'gpt-5.4-mini',
    deep: 'gpt-5.4',
    quickModels: [],
    deepModels: [],
  },
};

/** What every SDK provider needs, read from the environment. */
interface SdkProviderSettings {
  apiKey: string | undefined;
  label: string;
  models: { quick: string; deep: string };
  quickModels: string[];
  deepModels: string[];
  timeoutMs: number;
  /** Why a run cannot use it yet; null when configured. */
  missing: string | null;
}

/** Everything the `openai` provider needs, read from the environment. */
export interface OpenAiSettings extends SdkProviderSettings {
  preset: OpenAiPresetName;
  baseURL: string | null;
}

/** The suggestion list with the default model first. */
const withDefault = (list: string[], model: string) => [model, ...list.filter((m) => m !== model)];

/**
 * The `openai` provider's settings from the parsed environment (`OPENAI_PRESET`, default `custom` when
 * `OPENAI_BASE_URL` is set, else `openai`; `OPENAI_BASE_URL` overrides the preset's URL; `OPENROUTER_API_KEY`
 * first for openrouter; `QUICK_THINK_LLM` / `DEEP_THINK_LLM` override the preset's models; `LLM_TIMEOUT_MS`).
 * `missing` says why a run cannot use it yet.
 */
export function resolveOpenAiSettings(env: Pick<EngineEnv, 'openai' | 'llmTimeoutMs'>): OpenAiSettings {
  const { preset, baseURL: explicitURL, openrouterApiKey, quickModel, deepModel } = env.openai;
  const facts = OPENAI_PRESETS[preset];
  const baseURL = explicitURL ?? facts.baseURL;
  const apiKey = preset === 'openrouter' ? (openrouterApiKey ?? env.openai.apiKey) : env.openai.apiKey;
  let missing: string | null = null;
  if (baseURL === null) missing = 'OPENAI_PRESET=custom needs OPENAI_BASE_URL (the server URL ending in /v1)';
  else if (preset === 'openrouter' && apiKey === undefined) missing = 'OPENROUTER_API_KEY is not set';
  else if (preset === 'openai' && explicitURL === undefined && apiKey === undefined) {
    missing = 'OPENAI_API_KEY is not set (or set OPENAI_PRESET=ollama / OPENAI_BASE_URL for an OpenAI-compatible server)';
  }
  const models = { quick: quickModel ?? facts.quick, deep: deepModel ?? facts.deep };
  const host = baseURL !== null ? new URL(baseURL).host : null;
  const label = preset === 'openai' && explicitURL === undefined ? facts.label : `${facts.label} at ${host ?? '(no URL)'}`;
  return {
    preset,
    baseURL,
    apiKey,
    label,
    models,
    quickModels: withDefault(facts.quickModels, models.quick),
    deepModels: withDefault(facts.deepModels, models.deep),
    timeoutMs: env.llmTimeoutMs,
    missing,
  };
}

/** Everything the `anthropic` provider needs, read from the environment. */
export interface AnthropicSettings extends SdkProviderSettings {
  baseURL: string | undefined;
}

/**
 * Default Anthropic models: quick for analysts and debaters, deep for the managers. The current Haiku and
 * Sonnet (the SDK warns that claude-sonnet-4-5 reaches end of life on 2026-11-30).
 */
const ANTHROPIC_DEFAULT_MODELS = { quick: 'claude-haiku-5-5', deep: 'claude-sonnet-5-5' };

/**
 * The `anthropic` provider's settings from the parsed environment: `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`
 * (a proxy or compatible server; configured without a key too), `ANTHROPIC_QUICK_THINK_LLM` /
 * `ANTHROPIC_DEEP_THINK_LLM` and `LLM_TIMEOUT_MS`.
 */
export function resolveAnthropicSettings(env: Pick<EngineEnv, 'anthropic' | 'llmTimeoutMs'>): AnthropicSettings {
  const { baseURL, apiKey, quickModel, deepModel } = env.anthropic;
  const models = {
    quick: quickModel ?? ANTHROPIC_DEFAULT_MODELS.quick,
    deep: deepModel ?? ANTHROPIC_DEFAULT_MODELS.deep,
  };
  return {
    baseURL,
    apiKey,
    label: baseURL === undefined ? 'Anthropic' : `Anthropic-compatible API at ${new URL(baseURL).host}`,
    models,
    quickModels: withDefault(['claude-haiku-5-5', 'claude-haiku-4-5', 'claude-sonnet-5-5'], models.quick),
    deepModels: withDefault(['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-sonnet-4-6'], models.deep),
    timeoutMs: env.llmTimeoutMs,
    missing: apiKey === undefined && baseURL === undefined ? 'ANTHROPIC_API_KEY is not set' : null,
  };
}

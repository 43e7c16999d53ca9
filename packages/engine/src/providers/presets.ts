import { ConfigError } from '@tradingfloor/shared';
import { DEFAULT_LLM_TIMEOUT_MS } from './sdk-provider.js';

/** Named setups of the `openai` provider; every one speaks the OpenAI chat-completions API. */
const OPENAI_PRESET_NAMES = ['openai', 'ollama', 'openrouter', 'custom'] as const;
type OpenAiPresetName = (typeof OPENAI_PRESET_NAMES)[number];

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

const clean = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
/** The suggestion list with the default model first. */
const withDefault = (list: string[], model: string) => [model, ...list.filter((m) => m !== model)];

/**
 * Reads `OPENAI_PRESET` (default: `custom` when `OPENAI_BASE_URL` is set, else `openai`), `OPENAI_BASE_URL`
 * (overrides the preset's URL), `OPENAI_API_KEY` (`OPENROUTER_API_KEY` first for openrouter),
 * `QUICK_THINK_LLM` / `DEEP_THINK_LLM` (override the preset's default models) and `LLM_TIMEOUT_MS`.
 * Throws `ConfigError` for an unknown preset, a base URL that is not a URL, or a bad timeout.
 */
export function resolveOpenAiSettings(env: NodeJS.ProcessEnv): OpenAiSettings {
  const explicitURL = clean(env.OPENAI_BASE_URL);
  if (explicitURL !== undefined && !isHttpUrl(explicitURL)) {
    throw new ConfigError(`OPENAI_BASE_URL must be an http(s) URL such as http://localhost:11434/v1, got "${explicitURL}"`);
  }
  const presetText = clean(env.OPENAI_PRESET)?.toLowerCase() ?? (explicitURL !== undefined ? 'custom' : 'openai');
  if (!(OPENAI_PRESET_NAMES as readonly string[]).includes(presetText)) {
    throw new ConfigError(`OPENAI_PRESET must be one of ${OPENAI_PRESET_NAMES.join(', ')}, got "${env.OPENAI_PRESET}"`);
  }
  const preset = presetText as OpenAiPresetName;
  const facts = OPENAI_PRESETS[preset];
  const baseURL = explicitURL ?? facts.baseURL;
  const apiKey = preset === 'openrouter' ? (clean(env.OPENROUTER_API_KEY) ?? clean(env.OPENAI_API_KEY)) : clean(env.OPENAI_API_KEY);
  let missing: string | null = null;
  if (baseURL === null) missing = 'OPENAI_PRESET=custom needs OPENAI_BASE_URL (the server URL ending in /v1)';
  else if (preset === 'openrouter' && apiKey === undefined) missing = 'OPENROUTER_API_KEY is not set';
  else if (preset === 'openai' && explicitURL === undefined && apiKey === undefined) {
    missing = 'OPENAI_API_KEY is not set (or set OPENAI_PRESET=ollama / OPENAI_BASE_URL for an OpenAI-compatible server)';
  }
  const models = { quick: clean(env.QUICK_THINK_LLM) ?? facts.quick, deep: clean(env.DEEP_THINK_LLM) ?? facts.deep };
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
    timeoutMs: readTimeoutMs(env),
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
 * Reads `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL` (a proxy or compatible server; configured without a key
 * too), `ANTHROPIC_QUICK_THINK_LLM` / `ANTHROPIC_DEEP_THINK_LLM` and `LLM_TIMEOUT_MS`.
 */
export function resolveAnthropicSettings(env: NodeJS.ProcessEnv): AnthropicSettings {
  const baseURL = clean(env.ANTHROPIC_BASE_URL);
  if (baseURL !== undefined && !isHttpUrl(baseURL)) {
    throw new ConfigError(`ANTHROPIC_BASE_URL must be an http(s) URL, got "${baseURL}"`);
  }
  const apiKey = clean(env.ANTHROPIC_API_KEY);
  const models = {
    quick: clean(env.ANTHROPIC_QUICK_THINK_LLM) ?? ANTHROPIC_DEFAULT_MODELS.quick,
    deep: clean(env.ANTHROPIC_DEEP_THINK_LLM) ?? ANTHROPIC_DEFAULT_MODELS.deep,
  };
  return {
    baseURL,
    apiKey,
    label: baseURL === undefined ? 'Anthropic' : `Anthropic-compatible API at ${new URL(baseURL).host}`,
    models,
    quickModels: withDefault(['claude-haiku-5-5', 'claude-haiku-4-5', 'claude-sonnet-5-5'], models.quick),
    deepModels: withDefault(['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-sonnet-4-6'], models.deep),
    timeoutMs: readTimeoutMs(env),
    missing: apiKey === undefined && baseURL === undefined ? 'ANTHROPIC_API_KEY is not set' : null,
  };
}

/** `LLM_TIMEOUT_MS`: per-request timeout, a whole number ≥ 1; default 120 000. */
function readTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = clean(env.LLM_TIMEOUT_MS);
  if (raw === undefined) return DEFAULT_LLM_TIMEOUT_MS;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError(`LLM_TIMEOUT_MS must be a whole number of milliseconds (at least 1), got "${env.LLM_TIMEOUT_MS}"`);
  }
  return Number(raw);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

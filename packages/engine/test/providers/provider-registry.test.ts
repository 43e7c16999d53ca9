import { ConfigError, RunConfigSchema, ValidationError, type ProviderName } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { resolveOpenAiSettings } from '../../src/providers/presets.js';
import type { LlmProvider } from '../../src/providers/provider.js';
import { createProviderRegistry } from '../../src/providers/provider-registry.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

const offline = (latencyMs: number): LlmProvider => ({
  name: 'offline',
  label: `offline rule-based model (no LLM), ${latencyMs} ms`,
  chat: () => Promise.reject(new Error('not used')),
});

const config = (llm_provider: ProviderName, offline_latency_ms = 0) =>
  RunConfigSchema.parse({
    ticker: 'ACME',
    trade_date: '2024-05-10',
    quick_think_llm: 'q',
    deep_think_llm: 'd',
    llm_provider,
    offline_latency_ms,
  });

describe('OpenAI presets', () => {
  it('defaults to OpenAI itself, which needs a key', () => {
    const s = resolveOpenAiSettings(parseEngineEnv({}));
    expect(s).toMatchObject({
      preset: 'openai',
      baseURL: 'https://api.openai.com/v1',
      label: 'OpenAI',
      models: { quick: 'gpt-5.4-mini', deep: 'gpt-5.4' },
    });
    expect(s.missing).toBe('OPENAI_API_KEY is not set (or set OPENAI_PRESET=ollama / OPENAI_BASE_URL for an OpenAI-compatible server)');
    expect(resolveOpenAiSettings(parseEngineEnv({ OPENAI_API_KEY: 'sk-test' })).missing).toBeNull();
  });

  it('knows Ollama on localhost without a key', () => {
    expect(resolveOpenAiSettings(parseEngineEnv({ OPENAI_PRESET: 'ollama' }))).toMatchObject({
      preset: 'ollama',
      baseURL: 'http://localhost:11434/v1',
      apiKey: undefined,
      models: { quick: 'llama3.1', deep: 'llama3.1' },
      missing: null,
    });
  });

  it('knows OpenRouter with its own key variable', () => {
    expect(resolveOpenAiSettings(parseEngineEnv({ OPENAI_PRESET: 'openrouter' })).missing).toBe('OPENROUTER_API_KEY is not set');
    expect(resolveOpenAiSettings(parseEngineEnv({ OPENAI_PRESET: 'OpenRouter', OPENROUTER_API_KEY: 'or-key' }))).toMatchObject({
      baseURL: 'https://openrouter.ai/api/v1',
      apiKey: 'or-key',
      missing: null,
    });
  });

  it('treats a bare OPENAI_BASE_URL as a custom server, and lets it override any preset URL', () => {
    expect(resolveOpenAiSettings(parseEngineEnv({ OPENAI_BASE_URL: 'http://gpu-box:8000/v1' }))).toMatchObject({
      preset: 'custom',
      baseURL: 'http://gpu-box:8000/v1',
      label: 'OpenAI-compatible server at gpu-box:8000',
      missing: null,
    });
    expect(resolveOpenAiSettings(parseEngineEnv({ OPENAI_PRESET: 'ollama', OPENAI_BASE_URL: 'http://10.0.0.5:11434/v1' })).baseURL).toBe(
      'http://10.0.0.5:11434/v1',
    );
    expect(resolveOpenAiSettings(parseEngineEnv({ OPENAI_PRESET: 'custom' })).missing).toMatch(/needs OPENAI_BASE_URL/);
  });

  it('takes model overrides and the timeout from the environment', () => {
    const s = resolveOpenAiSettings(
      parseEngineEnv({
        OPENAI_PRESET: 'ollama',
        QUICK_THINK_LLM: 'qwen2.5',
        DEEP_THINK_LLM: 'llama3.3',
        LLM_TIMEOUT_MS: '30000',
      }),
    );
    expect(s.models).toEqual({ quick: 'qwen2.5', deep: 'llama3.3' });
    expect(s.quickModels[0]).toBe('qwen2.5');
    expect(s.timeoutMs).toBe(30_000);
  });

  it.each([
    [{ OPENAI_PRESET: 'azure' }, /OPENAI_PRESET must be one of openai, ollama, openrouter, custom, got "azure"/],
    [{ OPENAI_BASE_URL: 'localhost:11434' }, /OPENAI_BASE_URL must be an http\(s\) URL/],
    [{ LLM_TIMEOUT_MS: '2s' }, /LLM_TIMEOUT_MS must be a whole number/],
  ])('refuses malformed settings at start-up (%o)', (env, message) => {
    expect(() => resolveOpenAiSettings(parseEngineEnv(env))).toThrow(ConfigError);
    expect(() => resolveOpenAiSettings(parseEngineEnv(env))).toThrow(message);
  });
});

describe('createProviderRegistry', () => {
  it('gives the offline model the run latency', () => {
    const registry = createProviderRegistry(parseEngineEnv({}), { offline });
    expect(registry.providerFor(config('offline', 250)).label).toContain('250 ms');
  });

  it('refuses an unconfigured provider with a ValidationError naming the missing setting', () => {
    const registry = createProviderRegistry(parseEngineEnv({}), { offline });
    expect(() => registry.providerFor(config('openai'))).toThrow(ValidationError);
    expect(() => registry.providerFor(config('openai'))).toThrow(
      /"openai" is not configured: OPENAI_API_KEY is not set \(or set OPENAI_PRESET=ollama/,
    );
    expect(() => registry.providerFor(config('anthropic'))).toThrow(/"anthropic" is not configured: ANTHROPIC_API_KEY is not set/);
  });

  it('builds each real provider once and shares it between runs', () => {
    const registry = createProviderRegistry(parseEngineEnv({ OPENAI_PRESET: 'ollama', ANTHROPIC_API_KEY: 'sk-ant-test' }), { offline });
    const a = registry.providerFor(config('openai'));
    expect(a.name).toBe('openai');
    expect(a.label).toBe('Ollama (local, OpenAI-compatible) at localhost:11434');
    expect(registry.providerFor(config('openai'))).toBe(a);
    const c = registry.providerFor(config('anthropic'));
    expect(c).toMatchObject({ name: 'anthropic', label: 'Anthropic' });
  });

  it('knows every provider default models, env overrides included', () => {
    const registry = createProviderRegistry(parseEngineEnv({ ANTHROPIC_DEEP_THINK_LLM: 'claude-opus-4-5' }), { offline });
    expect(registry.defaultModels('openai')).toEqual({ quick: 'gpt-5.4-mini', deep: 'gpt-5.4' });
    expect(registry.defaultModels('anthropic')).toEqual({ quick: 'claude-haiku-5-5', deep: 'claude-opus-4-5' });
    expect(registry.defaultModels('offline')).toEqual({ quick: 'offline-rules-v1', deep: 'offline-rules-v1' });
  });

  it('describes every provider for GET /config/providers; offline is always configured', () => {
    const registry = createProviderRegistry(parseEngineEnv({ ANTHROPIC_API_KEY: 'k' }), { offline });
    expect(registry.describe().map((p) => [p.name, p.configured, p.default_quick, p.default_deep])).toEqual([
      ['offline', true, 'offline-rules-v1', 'offline-rules-v1'],
      ['openai', false, 'gpt-5.4-mini', 'gpt-5.4'],
      ['anthropic', true, 'claude-haiku-5-5', 'claude-sonnet-5-5'],
    ]);
    expect(registry.describe()[1]!.quick_models[0]).toBe('gpt-5.4-mini');
  });

  it('refuses malformed settings when it is built', () => {
    expect(() => createProviderRegistry(parseEngineEnv({ ANTHROPIC_BASE_URL: 'nope' }), { offline })).toThrow(
      /ANTHROPIC_BASE_URL must be an http\(s\) URL/,
    );
  });
});

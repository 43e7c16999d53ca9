import path from 'node:path';
import { ConfigError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { ENGINE_ENV_DEFAULTS, parseEngineEnv } from '../../src/config/engine-env.js';

describe('parseEngineEnv', () => {
  it('states every default when nothing is set', () => {
    const env = parseEngineEnv({});
    expect(env.llmTimeoutMs).toBe(ENGINE_ENV_DEFAULTS.llmTimeoutMs);
    expect(env.answerLimits).toEqual({
      maxAnswerChars: ENGINE_ENV_DEFAULTS.maxAnswerChars,
      maxToolCallsPerTurn: ENGINE_ENV_DEFAULTS.maxToolCallsPerTurn,
      maxToolTurns: ENGINE_ENV_DEFAULTS.maxToolTurns,
    });
    expect(env.limiter).toEqual({ global: null, providerLimits: {} });
    expect(env.stately).toEqual({ enabled: false, url: ENGINE_ENV_DEFAULTS.statelyUrl });
    expect(env.openai.preset).toBe('openai');
    expect(env.data).toMatchObject({ dataDir: undefined, vendors: null, cacheTtlMs: 12 * 3_600_000 });
    expect(env.data.cacheDir).toBe(path.resolve('.cache', 'tradingfloor'));
  });

  it('reads trimmed values, ignores blank ones and resolves what depends on another variable', () => {
    const env = parseEngineEnv({
      DATA_DIR: ' data ',
      DATA_VENDORS: 'prices:yahoo,csv;news:yahoo',
      RESULTS_DIR: '/srv/results',
      DATA_CACHE_TTL_HOURS: '0.5',
      YAHOO_MIN_INTERVAL_MS: '250',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      OPENAI_API_KEY: '   ',
      LLM_PROVIDER_LIMITS: 'openai:6,openai:gpt-4o:2',
      LLM_MAX_CONCURRENCY: '8',
      INSPECT: 'Stately',
      INSPECT_URL: 'ws://relay:9000',
    });
    expect(env.data.dataDir).toBe('data');
    expect(env.data.vendors?.prices).toEqual(['yahoo', 'csv']);
    expect(env.data.vendors?.news).toEqual(['yahoo']);
    expect(env.data.cacheDir).toBe(path.resolve('/srv/results', '.cache', 'tradingfloor'));
    expect(env.data.cacheTtlMs).toBe(1_800_000);
    expect(env.data.yahoo.minIntervalMs).toBe(250);
    // A base URL without a preset means a custom OpenAI-compatible server; a blank key is no key.
    expect(env.openai).toMatchObject({ preset: 'custom', baseURL: 'http://localhost:11434/v1', apiKey: undefined });
    expect(env.limiter).toEqual({ global: 8, providerLimits: { openai: 6, 'openai:gpt-4o': 2 } });
    expect(env.stately).toEqual({ enabled: true, url: 'ws://relay:9000' });
  });

  it('is plain data a worker thread receives unchanged', () => {
    const env = parseEngineEnv({ DATA_VENDORS: 'yahoo', LLM_PROVIDER_LIMITS: 'anthropic:3', LLM_PRICES_FILE: '/p.json' });
    expect(structuredClone(env)).toEqual(env);
    expect(JSON.parse(JSON.stringify(env))).toEqual(JSON.parse(JSON.stringify(structuredClone(env))));
  });

  it('names every bad variable in one ConfigError, each with the value it got', () => {
    const bad = {
      LLM_TIMEOUT_MS: '2s',
      LLM_MAX_TOOL_CALLS: '0',
      DATA_CACHE_TTL_HOURS: '-1',
      ALPHAVANTAGE_MIN_INTERVAL_MS: 'fast',
      INSPECT: 'yes please',
      LLM_PROVIDER_LIMITS: 'opnai:6',
    };
    expect(() => parseEngineEnv(bad)).toThrow(ConfigError);
    const message = (() => {
      try {
        parseEngineEnv(bad);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message.split('; ')).toEqual([
      'DATA_CACHE_TTL_HOURS must be a number of hours ≥ 0, got "-1"',
      'ALPHAVANTAGE_MIN_INTERVAL_MS must be a whole number of milliseconds ≥ 0, got "fast"',
      'LLM_TIMEOUT_MS must be a whole number of milliseconds (at least 1), got "2s"',
      'LLM_MAX_TOOL_CALLS must be a whole number of at least 1, got "0"',
      expect.stringContaining('LLM_PROVIDER_LIMITS: bad entry "opnai:6": unknown provider "opnai"'),
      'INSPECT must be "stately" (or unset), got "yes please"',
    ]);
  });

  it('refuses an unknown preset, a base URL that is not http(s) and a malformed DATA_VENDORS', () => {
    expect(() => parseEngineEnv({ OPENAI_PRESET: 'azure' })).toThrow(/OPENAI_PRESET must be one of openai, ollama, openrouter, custom, got "azure"/);
    expect(() => parseEngineEnv({ ANTHROPIC_BASE_URL: 'ftp://x' })).toThrow(/ANTHROPIC_BASE_URL must be an http\(s\) URL, got "ftp:\/\/x"/);
    expect(() => parseEngineEnv({ DATA_VENDORS: 'prices:' })).toThrow(/^DATA_VENDORS "prices:": /);
  });

  it('reads REDIS_URL (queue mode) and refuses one that is not a redis:// or rediss:// URL', () => {
    expect(parseEngineEnv({}).redisUrl).toBeUndefined();
    expect(parseEngineEnv({ REDIS_URL: '  ' }).redisUrl).toBeUndefined();
    expect(parseEngineEnv({ REDIS_URL: ' redis://10.0.0.1:6379 ' }).redisUrl).toBe('redis://10.0.0.1:6379');
    expect(parseEngineEnv({ REDIS_URL: 'rediss://user:pw@cache.example:6380/2' }).redisUrl).toBe('rediss://user:pw@cache.example:6380/2');
    expect(() => parseEngineEnv({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
  });
});

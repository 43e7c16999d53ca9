import path from 'node:path';
import { ConfigError, parseDataVendorSpec, type DataVendorPlan } from '@tradingfloor/shared';
import { z } from 'zod';
import { engineThreadsFromEnv } from './engine-threads.js';
import { parseGlobalLimit, parseProviderLimits } from './parse-provider-limits.js';

/**
 * Every default of the engine's environment, stated once. Answer limits: 200 000 characters is ~50 000
 * tokens, three times the longest answer our output budgets allow; 64 tool calls is ten times what an analyst
 * needs; 6 tool turns leave an analyst room to fetch, correct a refused call and fetch again.
 */
export const ENGINE_ENV_DEFAULTS = {
  llmTimeoutMs: 120_000,
  maxAnswerChars: 200_000,
  maxToolCallsPerTurn: 64,
  maxToolTurns: 6,
  dataCacheTtlHours: 12,
  statelyUrl: 'ws://localhost:8080',
} as const;

/** Named setups of the `openai` provider; every one speaks the OpenAI chat-completions API. */
const OPENAI_PRESET_NAMES = ['openai', 'ollama', 'openrouter', 'custom'] as const;
export type OpenAiPresetName = (typeof OPENAI_PRESET_NAMES)[number];

/**
 * The engine's settings, parsed once from the environment by {@link parseEngineEnv}. Plain data only
 * (strings, numbers, booleans, plain objects and arrays), so it survives `structuredClone` and
 * `postMessage` to a worker thread unchanged.
 */
export interface EngineEnv {
  /** Market data: `DATA_DIR`, `DATA_VENDORS`, the online vendors and their cache. */
  data: {
    /** `DATA_DIR` as given (relative to the working directory); undefined = no csv vendor. */
    dataDir: string | undefined;
    /** `DATA_VENDORS` parsed; null = the default routing (csv when `DATA_DIR` is set, then demo). */
    vendors: DataVendorPlan | null;
    /** `DATA_VENDORS` as written, for messages. */
    vendorsSpec: string | undefined;
    /** Absolute cache folder: `DATA_CACHE_DIR`, else `.cache/tradingfloor` under `RESULTS_DIR` or the working directory. */
    cacheDir: string;
    /** `DATA_CACHE_TTL_HOURS` in ms. */
    cacheTtlMs: number;
    yahoo: { baseUrl: string | undefined; minIntervalMs: number | undefined };
    alphavantage: { apiKey: string | undefined; baseUrl: string | undefined; minIntervalMs: number | undefined };
  };
  /** The `openai` provider: `OPENAI_PRESET` (resolved), `OPENAI_BASE_URL`, keys, `QUICK_THINK_LLM` / `DEEP_THINK_LLM`. */
  openai: {
    preset: OpenAiPresetName;
    /** `OPENAI_BASE_URL` when set (it overrides the preset's URL). */
    baseURL: string | undefined;
    apiKey: string | undefined;
    openrouterApiKey: string | undefined;
    quickModel: string | undefined;
    deepModel: string | undefined;
  };
  /** The `anthropic` provider: `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, `ANTHROPIC_QUICK_THINK_LLM` / `ANTHROPIC_DEEP_THINK_LLM`. */
  anthropic: { apiKey: string | undefined; baseURL: string | undefined; quickModel: string | undefined; deepModel: string | undefined };
  /** `LLM_TIMEOUT_MS`: per-request timeout of the SDK providers. */
  llmTimeoutMs: number;
  /** `LLM_MAX_ANSWER_CHARS`, `LLM_MAX_TOOL_CALLS`, `LLM_MAX_TOOL_TURNS`. */
  answerLimits: { maxAnswerChars: number; maxToolCallsPerTurn: number; maxToolTurns: number };
  /** `LLM_MAX_CONCURRENCY` (null = unlimited) and `LLM_PROVIDER_LIMITS` (layer key → limit). */
  limiter: { global: number | null; providerLimits: Record<string, number> };
  /** `LLM_PRICES_FILE`; undefined = the bundled price table. */
  pricesFile: string | undefined;
  /** `INSPECT=stately` and `INSPECT_URL` (checked only when the inspector is turned on). */
  stately: { enabled: boolean; url: string };
  /** `ENGINE_THREADS`: engine worker threads (default cores − 1, at least 1; 0 = in-process). */
  engineThreads: number;
  /** `REDIS_URL` (`redis://` or `rediss://`): queue mode, runs execute on `tradingfloor worker` processes; undefined = embedded. */
  redisUrl: string | undefined;
}

/** Trimmed text; unset or blank = undefined. */
const text = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A whole number ≥ `min` (digits only); unset or blank = `fallback`; `message` says what is wrong. */
const wholeNumber = <F extends number | undefined>(fallback: F, min: number, message: (raw: string) => string) =>
  z
    .string()
    .optional()
    .transform((v, ctx): number | F => {
      if (v === undefined || v.trim() === '') return fallback;
      const raw = v.trim();
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
        ctx.addIssue({ code: 'custom', message: message(v) });
        return z.NEVER;
      }
      return Number(raw);
    });

/** A `ConfigError` thrown by one of the older parsers, turned into an issue with its message. */
const viaParser = <T>(parse: (raw: string | undefined) => T) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parse(v);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    });

const httpUrl = (name: string, example = '') =>
  text.refine((v) => v === undefined || isHttpUrl(v), {
    error: (issue) => `${name} must be an http(s) URL${example}, got "${String(issue.input).trim()}"`,
  });

const limit = (name: string, fallback: number) =>
  wholeNumber(fallback, 1, (raw) => `${name} must be a whole number of at least 1, got "${raw}"`);

const pacing = (name: string) =>
  wholeNumber(undefined, 0, (raw) => `${name} must be a whole number of milliseconds ≥ 0, got "${raw.trim()}"`);

const EngineEnvSchema = z
  .object({
    DATA_DIR: text,
    DATA_VENDORS: text,
    DATA_CACHE_DIR: text,
    RESULTS_DIR: text,
    DATA_CACHE_TTL_HOURS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return ENGINE_ENV_DEFAULTS.dataCacheTtlHours;
        const hours = Number(v.trim());
        if (!Number.isFinite(hours) || hours < 0) {
          ctx.addIssue({ code: 'custom', message: `DATA_CACHE_TTL_HOURS must be a number of hours ≥ 0, got "${v.trim()}"` });
          return z.NEVER;
        }
        return hours;
      }),
    YAHOO_BASE_URL: text,
    YAHOO_MIN_INTERVAL_MS: pacing('YAHOO_MIN_INTERVAL_MS'),
    ALPHAVANTAGE_API_KEY: text,
    ALPHAVANTAGE_BASE_URL: text,
    ALPHAVANTAGE_MIN_INTERVAL_MS: pacing('ALPHAVANTAGE_MIN_INTERVAL_MS'),
    OPENAI_PRESET: text,
    OPENAI_BASE_URL: httpUrl('OPENAI_BASE_URL', ' such as http://localhost:11434/v1'),
    OPENAI_API_KEY: text,
    OPENROUTER_API_KEY: text,
    QUICK_THINK_LLM: text,
    DEEP_THINK_LLM: text,
    ANTHROPIC_API_KEY: text,
    ANTHROPIC_BASE_URL: httpUrl('ANTHROPIC_BASE_URL'),
    ANTHROPIC_QUICK_THINK_LLM: text,
    ANTHROPIC_DEEP_THINK_LLM: text,
    LLM_TIMEOUT_MS: wholeNumber(
      ENGINE_ENV_DEFAULTS.llmTimeoutMs,
      1,
      (raw) => `LLM_TIMEOUT_MS must be a whole number of milliseconds (at least 1), got "${raw}"`,
    ),
    LLM_MAX_ANSWER_CHARS: limit('LLM_MAX_ANSWER_CHARS', ENGINE_ENV_DEFAULTS.maxAnswerChars),
    LLM_MAX_TOOL_CALLS: limit('LLM_MAX_TOOL_CALLS', ENGINE_ENV_DEFAULTS.maxToolCallsPerTurn),
    LLM_MAX_TOOL_TURNS: limit('LLM_MAX_TOOL_TURNS', ENGINE_ENV_DEFAULTS.maxToolTurns),
    LLM_MAX_CONCURRENCY: viaParser(parseGlobalLimit),
    LLM_PROVIDER_LIMITS: viaParser((raw) => Object.fromEntries(parseProviderLimits(raw))),
    LLM_PRICES_FILE: text,
    INSPECT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const raw = (v ?? '').trim().toLowerCase();
        if (raw === 'stately') return true;
        if (['', 'off', '0', 'false'].includes(raw)) return false;
        ctx.addIssue({ code: 'custom', message: `INSPECT must be "stately" (or unset), got "${v}"` });
        return z.NEVER;
      }),
    INSPECT_URL: text,
    ENGINE_THREADS: viaParser(engineThreadsFromEnv),
    REDIS_URL: text.refine((v) => v === undefined || /^rediss?:\/\/\S+$/.test(v), {
      message: 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    }),
  })
  .transform((e, ctx): EngineEnv => {
    const presetText = e.OPENAI_PRESET?.toLowerCase() ?? (e.OPENAI_BASE_URL !== undefined ? 'custom' : 'openai');
    if (!(OPENAI_PRESET_NAMES as readonly string[]).includes(presetText)) {
      ctx.addIssue({ code: 'custom', message: `OPENAI_PRESET must be one of ${OPENAI_PRESET_NAMES.join(', ')}, got "${e.OPENAI_PRESET}"` });
    }
    let vendors: DataVendorPlan | null = null;
    if (e.DATA_VENDORS !== undefined) {
      const parsed = parseDataVendorSpec(e.DATA_VENDORS);
      if (parsed.ok) vendors = parsed.plan;
      else ctx.addIssue({ code: 'custom', message: `DATA_VENDORS "${e.DATA_VENDORS}": ${parsed.reason}` });
    }
    return {
      data: {
        dataDir: e.DATA_DIR,
        vendors,
        vendorsSpec: e.DATA_VENDORS,
        cacheDir: e.DATA_CACHE_DIR ? path.resolve(e.DATA_CACHE_DIR) : path.resolve(e.RESULTS_DIR ?? '.', '.cache', 'tradingfloor'),
        cacheTtlMs: e.DATA_CACHE_TTL_HOURS * 3_600_000,
        yahoo: { baseUrl: e.YAHOO_BASE_URL, minIntervalMs: e.YAHOO_MIN_INTERVAL_MS },
        alphavantage: { apiKey: e.ALPHAVANTAGE_API_KEY, baseUrl: e.ALPHAVANTAGE_BASE_URL, minIntervalMs: e.ALPHAVANTAGE_MIN_INTERVAL_MS },
      },
      openai: {
        preset: presetText as OpenAiPresetName,
        baseURL: e.OPENAI_BASE_URL,
        apiKey: e.OPENAI_API_KEY,
        openrouterApiKey: e.OPENROUTER_API_KEY,
        quickModel: e.QUICK_THINK_LLM,
        deepModel: e.DEEP_THINK_LLM,
      },
      anthropic: {
        apiKey: e.ANTHROPIC_API_KEY,
        baseURL: e.ANTHROPIC_BASE_URL,
        quickModel: e.ANTHROPIC_QUICK_THINK_LLM,
        deepModel: e.ANTHROPIC_DEEP_THINK_LLM,
      },
      llmTimeoutMs: e.LLM_TIMEOUT_MS,
      answerLimits: {
        maxAnswerChars: e.LLM_MAX_ANSWER_CHARS,
        maxToolCallsPerTurn: e.LLM_MAX_TOOL_CALLS,
        maxToolTurns: e.LLM_MAX_TOOL_TURNS,
      },
      limiter: { global: e.LLM_MAX_CONCURRENCY, providerLimits: e.LLM_PROVIDER_LIMITS },
      pricesFile: e.LLM_PRICES_FILE,
      stately: { enabled: e.INSPECT, url: e.INSPECT_URL ?? ENGINE_ENV_DEFAULTS.statelyUrl },
      engineThreads: e.ENGINE_THREADS,
      redisUrl: e.REDIS_URL,
    };
  });

/**
 * Parses the engine's environment once: market data, providers, answer limits, concurrency limits, prices and
 * the Stately inspector, with {@link ENGINE_ENV_DEFAULTS} for what is unset. A malformed value throws one
 * `ConfigError` naming every bad variable (`LLM_TIMEOUT_MS must be …; INSPECT must be …`), so the process
 * stops at start-up with a message a person can act on. Unknown variables are ignored.
 */
export function parseEngineEnv(env: Record<string, string | undefined>): EngineEnv {
  const parsed = EngineEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

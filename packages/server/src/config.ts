import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, MISSED_POLICIES, type MissedPolicy } from '@tradingfloor/shared';
import { z } from 'zod';
import { webhookConfigFrom, type WebhookConfig } from './webhooks/webhook-config.js';

/** Where the built SPA lives by default: `packages/web/dist`, found from this package (src/ and dist/ sit at the same depth). */
const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase();
      if (TRUE.includes(s)) return true;
      if (FALSE.includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: `must be 1/0 (or true/false), got "${v}"` });
      return z.NEVER;
    });

const int = (fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const positiveNumber = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v.trim());
    if (!Number.isFinite(n) || n <= 0) {
      ctx.addIssue({ code: 'custom', message: `must be a positive number, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };
/** "100kb", "1mb", "65536" → bytes. */
const byteSize = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(v.trim());
      const bytes = m ? Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]! : NaN;
      if (!Number.isSafeInteger(bytes) || bytes < 1024) {
        ctx.addIssue({ code: 'custom', message: `must be a size of at least 1kb such as "100kb" or "1mb", got "${v}"` });
        return z.NEVER;
      }
      return bytes;
    });

const text = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const EnvSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: text,
  TRADINGFLOOR_TOKEN: text.refine((t) => t === undefined || t.length >= 8, 'must be at least 8 characters long'),
  ALLOWED_ORIGINS: text,
  MAX_PARALLEL_RUNS: int(5, 1, 1000),
  MAX_QUEUED_RUNS: int(1000, 1, 1_000_000),
  MAX_TICKERS_PER_REQUEST: int(10, 1, 1000),
  LOG_BUFFER_MAX_LINES: int(250, 1, 1_000_000),
  ENABLE_LOG_STREAM: flag(true),
  ENABLE_MULTI_RUN: flag(true),
  RUN_MAX_AGE_HOURS: positiveNumber,
  RUN_PRUNE_INTERVAL_SECONDS: int(300, 1, 7 * 24 * 3600),
  RUN_RESULTS_MAX_PER_TICKER: int(20, 0),
  RUN_RESULTS_MAX_AGE_DAYS: int(undefined, 0),
  RUN_RESULTS_MAX_AGE_HOURS: int(undefined, 0),
  RESULTS_DIR: text,
  WEB_DIST: text,
  BODY_LIMIT: byteSize(256 * 1024),
  WS_MAX_BUFFERED_BYTES: byteSize(8 * 1024 * 1024),
  WS_RESYNC_BURST: int(5, 1, 10_000),
  WS_RESYNC_PER_MINUTE: int(30, 1, 600_000),
  RESUME_INTERRUPTED: flag(false),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 600_000),
  RUNS_IN_MEMORY: int(100, 1, 1_000_000),
  WEBHOOK_URLS: text,
  // Not trimmed: a secret is taken exactly as given (only an empty one counts as unset).
  WEBHOOK_SECRET: z.string().optional().transform((v) => (v === undefined || v === '' ? undefined : v)),
  WEBHOOK_ALLOW_PRIVATE: flag(false),
  WEBHOOK_MAX_ATTEMPTS: int(undefined, 1, 50),
  WEBHOOK_TIMEOUT_MS: int(undefined, 100, 600_000),
  WEBHOOK_BACKOFF_BASE_MS: int(undefined, 1, 3_600_000),
  WEBHOOK_BACKOFF_MAX_MS: int(undefined, 1, 24 * 3_600_000),
  SCHEDULE_MISSED: text.refine(
    (v) => v === undefined || (MISSED_POLICIES as readonly string[]).includes(v),
    `must be ${MISSED_POLICIES.join(' or ')}`,
  ),
});

/** The server's settings, parsed once from the environment at start-up. */
export interface ServerConfig {
  port: number;
  host: string;
  /** API token; required when `host` is not a loopback address. */
  token: string | undefined;
  /** Origins besides the server's own that may open the WebSocket or POST (e.g. a dev server). */
  allowedOrigins: string[];
  maxParallelRuns: number;
  /** Queue mode: runs allowed to wait on the queue for a worker; a start beyond them is refused (429). */
  maxQueuedRuns: number;
  maxTickersPerRequest: number;
  logBufferMaxLines: number;
  enableLogStream: boolean;
  /** False restores single-run semantics: one active run at a time, one symbol per request. */
  enableMultiRun: boolean;
  /** Finished runs older than this are dropped from memory; undefined = kept. */
  runMaxAgeHours: number | undefined;
  runPruneIntervalSeconds: number;
  /** Results directories kept per ticker (newest by run time); 0 = no count limit. */
  resultsMaxPerTicker: number;
  /** Results directories older than this many days are deleted; 0 disables every deletion. */
  resultsMaxAgeDays: number;
  resultsDir: string;
  webDist: string;
  /** Largest request body accepted, in bytes (larger → 413). */
  bodyLimitBytes: number;
  /** A WebSocket client with more than this many bytes unsent is dropped. */
  wsMaxBufferedBytes: number;
  /** Resume every run found `interrupted` at start-up (`RESUME_INTERRUPTED=1`). */
  resumeInterrupted: boolean;
  /** `resync` / `log_dump` requests one WebSocket connection may make at once (token bucket size). */
  wsResyncBurst: number;
  /** Sustained `resync` / `log_dump` requests per minute and connection (token bucket refill). */
  wsResyncPerMinute: number;
  /** A graceful stop (SIGINT/SIGTERM) that takes longer than this exits anyway (runs keep their last checkpoint). */
  shutdownTimeoutMs: number;
  /** Finished runs whose full state stays in memory; older ones keep a summary and are read from disk on demand. */
  runsInMemory: number;
  /** Signed webhooks: server-wide targets, secret, private-address policy, retries (`WEBHOOK_*`). */
  webhooks: WebhookConfig;
  /** What a schedule created without `missed` does about fires missed while the server was down (`SCHEDULE_MISSED`). */
  scheduleMissed: MissedPolicy;
}

/** Overrides that win over the environment (CLI flags, tests). */
export interface ServerConfigOverrides {
  port?: number;
  host?: string;
  resultsDir?: string;
  webDist?: string;
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Parses the server's environment once. A bad value throws a `ConfigError` naming the variable, so the
 * process stops at start-up with a message a person can act on.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv, overrides: ServerConfigOverrides = {}, cwd = process.cwd()): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const host = overrides.host ?? e.HOST ?? '127.0.0.1';
  if (!isLoopbackHost(host) && e.TRADINGFLOOR_TOKEN === undefined) {
    throw new ConfigError(
      `TRADINGFLOOR_TOKEN is required when HOST is "${host}": the server would be reachable from other machines. ` +
        'Set TRADINGFLOOR_TOKEN to a secret of at least 8 characters, or bind HOST=127.0.0.1.',
    );
  }
  // The legacy hour-based variable still works when the day-based one is unset (rounded up to whole days).
  const maxAgeDays =
    e.RUN_RESULTS_MAX_AGE_DAYS ?? (e.RUN_RESULTS_MAX_AGE_HOURS !== undefined ? Math.ceil(e.RUN_RESULTS_MAX_AGE_HOURS / 24) : 7);
  return {
    port: overrides.port ?? e.PORT ?? 3000,
    host,
    token: e.TRADINGFLOOR_TOKEN,
    allowedOrigins: (e.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
    maxParallelRuns: e.MAX_PARALLEL_RUNS ?? 5,
    maxQueuedRuns: e.MAX_QUEUED_RUNS ?? 1000,
    maxTickersPerRequest: e.MAX_TICKERS_PER_REQUEST ?? 10,
    logBufferMaxLines: e.LOG_BUFFER_MAX_LINES ?? 250,
    enableLogStream: e.ENABLE_LOG_STREAM,
    enableMultiRun: e.ENABLE_MULTI_RUN,
    runMaxAgeHours: e.RUN_MAX_AGE_HOURS,
    runPruneIntervalSeconds: e.RUN_PRUNE_INTERVAL_SECONDS ?? 300,
    resultsMaxPerTicker: e.RUN_RESULTS_MAX_PER_TICKER ?? 20,
    resultsMaxAgeDays: maxAgeDays,
    resultsDir: path.resolve(cwd, overrides.resultsDir ?? e.RESULTS_DIR ?? './results'),
    webDist: path.resolve(cwd, overrides.webDist ?? e.WEB_DIST ?? DEFAULT_WEB_DIST),
    bodyLimitBytes: e.BODY_LIMIT,
    wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    resumeInterrupted: e.RESUME_INTERRUPTED,
    wsResyncBurst: e.WS_RESYNC_BURST ?? 5,
    wsResyncPerMinute: e.WS_RESYNC_PER_MINUTE ?? 30,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    runsInMemory: e.RUNS_IN_MEMORY ?? 100,
    webhooks: webhookConfigFrom(e),
    scheduleMissed: (e.SCHEDULE_MISSED as MissedPolicy | undefined) ?? 'run_once',
  };
}

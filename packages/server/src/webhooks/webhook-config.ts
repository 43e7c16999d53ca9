import { ConfigError } from '@tradingfloor/shared';
import { parseWebhookSecret } from './webhook-signature.js';
import { targetProblem } from './webhook-target.js';

/** Webhook settings, from the `WEBHOOK_*` variables (docs/webhooks.md). */
export interface WebhookConfig {
  /** `WEBHOOK_URLS`: targets told about every event of every run and backtest. */
  urls: string[];
  /** HMAC key from `WEBHOOK_SECRET`; null = webhooks are off (a request naming one is refused). */
  key: Buffer | null;
  /** `WEBHOOK_ALLOW_PRIVATE=1`: loopback and private targets are allowed. */
  allowPrivate: boolean;
  /** Attempts per delivery before it is given up (`WEBHOOK_MAX_ATTEMPTS`). */
  maxAttempts: number;
  /** One attempt's time limit, connect to last byte (`WEBHOOK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Backoff ceiling after the first failed attempt; it doubles per attempt up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** The `WEBHOOK_*` values as the environment schema parsed them. */
export interface WebhookEnv {
  WEBHOOK_URLS: string | undefined;
  WEBHOOK_SECRET: string | undefined;
  WEBHOOK_ALLOW_PRIVATE: boolean;
  WEBHOOK_MAX_ATTEMPTS: number | undefined;
  WEBHOOK_TIMEOUT_MS: number | undefined;
  WEBHOOK_BACKOFF_BASE_MS: number | undefined;
  WEBHOOK_BACKOFF_MAX_MS: number | undefined;
}

/** Builds the webhook settings; a bad URL or secret is a `ConfigError` naming the variable. */
export function webhookConfigFrom(e: WebhookEnv): WebhookConfig {
  const urls = [
    ...new Set(
      (e.WEBHOOK_URLS ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    ),
  ];
  for (const url of urls) {
    const problem = targetProblem(url, e.WEBHOOK_ALLOW_PRIVATE);
    if (problem !== null) throw new ConfigError(`WEBHOOK_URLS: ${problem}`);
  }
  const key = e.WEBHOOK_SECRET === undefined ? null : parseWebhookSecret(e.WEBHOOK_SECRET);
  if (urls.length > 0 && key === null) throw new ConfigError('WEBHOOK_URLS needs WEBHOOK_SECRET: every delivery is signed');
  const backoffBaseMs = e.WEBHOOK_BACKOFF_BASE_MS ?? 5_000;
  const backoffMaxMs = e.WEBHOOK_BACKOFF_MAX_MS ?? 600_000;
  if (backoffMaxMs < backoffBaseMs) throw new ConfigError('WEBHOOK_BACKOFF_MAX_MS must not be below WEBHOOK_BACKOFF_BASE_MS');
  return {
    urls,
    key,
    allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    maxAttempts: e.WEBHOOK_MAX_ATTEMPTS ?? 6,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS ?? 10_000,
    backoffBaseMs,
    backoffMaxMs,
  };
}

import { ConfigError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.js';

const SECRET = 'a-plain-secret-of-some-length';

describe('WEBHOOK_* settings', () => {
  it('are off by default with the documented retry settings', () => {
    expect(loadServerConfig({}, {}, '/srv').webhooks).toEqual({
      urls: [],
      key: null,
      allowPrivate: false,
      maxAttempts: 6,
      timeoutMs: 10_000,
      backoffBaseMs: 5_000,
      backoffMaxMs: 600_000,
    });
  });

  it('reads every variable; WEBHOOK_URLS is a trimmed, de-duplicated comma list', () => {
    const c = loadServerConfig(
      {
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_URLS: ' https://a.example/h , https://b.example/h,https://a.example/h ',
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_TIMEOUT_MS: '2500',
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_BACKOFF_MAX_MS: '800',
      },
      {},
      '/srv',
    ).webhooks;
    expect(c).toMatchObject({
      urls: ['https://a.example/h', 'https://b.example/h'],
      maxAttempts: 3,
      timeoutMs: 2500,
      backoffBaseMs: 100,
      backoffMaxMs: 800,
    });
    expect(c.key?.toString('utf8')).toBe(SECRET);
  });

  it('stops the start on a private or non-http WEBHOOK_URLS entry, on URLs without a secret, and on bad numbers', () => {
    const load = (env: NodeJS.ProcessEnv) => () => loadServerConfig(env, {}, '/srv');
    expect(load({ WEBHOOK_SECRET: SECRET, WEBHOOK_URLS: 'http://127.0.0.1:8080/h' })).toThrow(
      /WEBHOOK_URLS: .*loopback or private address/,
    );
    expect(load({ WEBHOOK_SECRET: SECRET, WEBHOOK_URLS: 'http://127.0.0.1:8080/h', WEBHOOK_ALLOW_PRIVATE: '1' })).not.toThrow();
    expect(load({ WEBHOOK_SECRET: SECRET, WEBHOOK_URLS: 'file:///etc/passwd' })).toThrow(/must be http or https/);
    expect(load({ WEBHOOK_URLS: 'https://a.example/h' })).toThrow('WEBHOOK_URLS needs WEBHOOK_SECRET: every delivery is signed');
    expect(load({ WEBHOOK_SECRET: 'short' })).toThrow(ConfigError);
    expect(load({ WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOK_MAX_ATTEMPTS: must be a whole number from 1 to 50/);
    expect(load({ WEBHOOK_BACKOFF_BASE_MS: '1000', WEBHOOK_BACKOFF_MAX_MS: '10' })).toThrow(/WEBHOOK_BACKOFF_MAX_MS must not be below/);
  });
});

import { ConfigError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loadServerConfig } from '../src/config.js';

describe('loadServerConfig', () => {
  it('has the documented defaults', () => {
    const c = loadServerConfig({}, {}, '/srv');
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      token: undefined,
      maxParallelRuns: 5,
      maxQueuedRuns: 1000,
      maxTickersPerRequest: 10,
      logBufferMaxLines: 250,
      enableLogStream: true,
      enableMultiRun: true,
      runMaxAgeHours: undefined,
      runPruneIntervalSeconds: 300,
      resultsMaxPerTicker: 20,
      resultsMaxAgeDays: 7,
      resultsDir: '/srv/results',
    });
    expect(c.webDist.endsWith('/packages/web/dist')).toBe(true);
  });

  it('reads every variable and lets overrides win', () => {
    const c = loadServerConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.2',
        MAX_PARALLEL_RUNS: '2',
        MAX_QUEUED_RUNS: '7',
        ENABLE_MULTI_RUN: '0',
        ENABLE_LOG_STREAM: 'false',
        RUN_MAX_AGE_HOURS: '1.5',
        RESULTS_DIR: 'out',
        BODY_LIMIT: '10kb',
      },
      { port: 0, webDist: '/w' },
      '/srv',
    );
    expect(c).toMatchObject({
      port: 0,
      host: '127.0.0.2',
      maxParallelRuns: 2,
      maxQueuedRuns: 7,
      enableMultiRun: false,
      enableLogStream: false,
      runMaxAgeHours: 1.5,
      resultsDir: '/srv/out',
      webDist: '/w',
      bodyLimitBytes: 10240,
    });
  });

  it('converts the legacy RUN_RESULTS_MAX_AGE_HOURS by ceiling, unless the day variable is set', () => {
    expect(loadServerConfig({ RUN_RESULTS_MAX_AGE_HOURS: '25' }).resultsMaxAgeDays).toBe(2);
    expect(loadServerConfig({ RUN_RESULTS_MAX_AGE_HOURS: '0' }).resultsMaxAgeDays).toBe(0);
    expect(loadServerConfig({ RUN_RESULTS_MAX_AGE_HOURS: '25', RUN_RESULTS_MAX_AGE_DAYS: '3' }).resultsMaxAgeDays).toBe(3);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MAX_PARALLEL_RUNS', '0'],
    ['MAX_QUEUED_RUNS', '0'],
    ['MAX_QUEUED_RUNS', 'many'],
    ['ENABLE_MULTI_RUN', 'maybe'],
    ['RUN_MAX_AGE_HOURS', '-1'],
    ['BODY_LIMIT', 'lots'],
    ['TRADINGFLOOR_TOKEN', 'short'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadServerConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadServerConfig({ [name]: value })).toThrowError(new RegExp(`${name}: `));
  });

  it('requires a token when bound beyond loopback', () => {
    expect(() => loadServerConfig({ HOST: '0.0.0.0' })).toThrowError(/TRADINGFLOOR_TOKEN is required when HOST is "0.0.0.0"/);
    expect(loadServerConfig({ HOST: '0.0.0.0', TRADINGFLOOR_TOKEN: 'a-long-secret' }).token).toBe('a-long-secret');
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '192.168.1.2', '::'].map(isLoopbackHost)).toEqual([false, false, false]);
  });
});

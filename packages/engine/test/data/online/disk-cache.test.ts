import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deferred } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlphaVantageSource } from '../../../src/data/alphavantage/alphavantage-source.js';
import { DiskCache } from '../../../src/data/cache/disk-cache.js';
import { isFresh } from '../../../src/data/cache/freshness.js';
import { createOnlineVendor } from '../../../src/data/online/online-vendor.js';
import { startFixtureServer, type FixtureServer } from '../../../../../tests/support/vendor-fixtures/fixture-server.js';
import { alphaVantageHandler, type AlphaVantageScenario } from '../../../../../tests/support/vendor-fixtures/alphavantage-fixtures.js';

const HOUR = 3_600_000;
let dir: string;
let server: FixtureServer;
let clock = Date.parse('2024-01-10T12:00:00Z');

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tf-cache-'));
  clock = Date.parse('2024-01-10T12:00:00Z');
});
afterEach(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh vendor (as a new process or run would build) over one shared cache folder. */
function vendorOver(url: string) {
  return createOnlineVendor(createAlphaVantageSource({ apiKey: 'k', baseUrl: url, gate: { minIntervalMs: 0, retries: 0 } }), {
    cache: new DiskCache(dir),
    ttlMs: 12 * HOUR,
    now: () => clock,
  });
}

async function start(scenario: AlphaVantageScenario = {}) {
  server = await startFixtureServer(alphaVantageHandler(scenario));
  return server;
}

describe('on-disk cache of online answers', () => {
  it('lets a second run on the same ticker make no request at all', async () => {
    await start();
    const first = vendorOver(server.url);
    await first.bars('AAPL', { asOf: '2024-01-05' });
    await first.instrument('AAPL');
    const asked = server.requests.length;
    const second = vendorOver(server.url);
    expect((await second.bars('AAPL', { from: '2024-01-03', asOf: '2024-01-04' })).length).toBe(2);
    expect((await second.instrument('AAPL')).name).toBe('Apple Inc');
    expect(server.requests.length).toBe(asked);
    expect(await readdir(path.join(dir, 'alphavantage'))).toEqual(expect.arrayContaining(['bars', 'profile']));
  });

  it('refetches a range touching recent days after the TTL, but keeps closed past ranges forever', async () => {
    await start();
    await vendorOver(server.url).bars('AAPL', { asOf: '2024-01-10' });
    clock += 13 * HOUR;
    await vendorOver(server.url).bars('AAPL', { asOf: '2024-01-05' }); // closed when fetched (5 days before): cached
    expect(server.requests).toHaveLength(1);
    await vendorOver(server.url).bars('AAPL', { asOf: '2024-01-10' }); // recent and older than the TTL: fetched again
    expect(server.requests).toHaveLength(2);
  });

  it('merges ten concurrent identical fetches into one request', async () => {
    const release = deferred<void>();
    await start({ hold: release.promise });
    const vendor = vendorOver(server.url);
    const arrived = deferred<void>();
    server.onRequest(() => arrived.resolve());
    const all = Promise.all(Array.from({ length: 10 }, () => vendor.bars('AAPL', { asOf: '2024-01-05' })));
    await arrived.promise;
    release.resolve();
    expect((await all).every((bars) => bars.length === 4)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('calls a range closed only once it is two days behind the fetch', () => {
    const fetched = Date.parse('2024-01-10T09:00:00Z');
    expect(isFresh(fetched, '2024-01-08', fetched + 100 * HOUR, HOUR)).toBe(true);
    expect(isFresh(fetched, '2024-01-09', fetched + 100 * HOUR, HOUR)).toBe(false);
    expect(isFresh(fetched, null, fetched + HOUR - 1, HOUR)).toBe(true);
  });
});

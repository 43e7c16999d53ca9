import { ConfigError } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../packages/server/src/serve.js';
import { startHarness, tempResultsDir, removeDir, type Harness } from '../support/server-harness.js';
import { WsConnectError, WsRecorder } from '../support/ws-recorder.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function refusedStatus(url: string, options: Parameters<typeof WsRecorder.connect>[1] = {}): Promise<number | null> {
  try {
    const ws = await WsRecorder.connect(url, options);
    await ws.close();
    return 101;
  } catch (err) {
    if (err instanceof WsConnectError) return err.status;
    throw err;
  }
}

describe('security by default', () => {
  it('binds 127.0.0.1 and refuses foreign origins on the WebSocket and on POSTs', async () => {
    h = await startHarness();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.logs).toContain(`TradingFloor listening on ${h.url}`);
    expect(await refusedStatus(h.wsUrl, { headers: { Origin: 'https://evil.example' } })).toBe(403);
    expect(await refusedStatus(h.wsUrl, { headers: { Origin: h.url } })).toBe(101);
    const post = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME' }, headers: { Origin: 'https://evil.example' } });
    expect(post.status).toBe(403);
    expect((await h.api('GET', '/runs')).json.runs).toEqual([]);
  });

  it('with TRADINGFLOOR_TOKEN, REST and WS need the token', async () => {
    h = await startHarness({ env: { TRADINGFLOOR_TOKEN: 'integration-secret' } });
    expect((await h.api('GET', '/runs')).status).toBe(401);
    expect((await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME' } })).status).toBe(401);
    const auth = { Authorization: 'Bearer integration-secret' };
    expect((await h.api('GET', '/runs', { headers: auth })).status).toBe(200);
    expect(await refusedStatus(h.wsUrl)).toBe(401);
    expect(await refusedStatus(`${h.wsUrl}?token=integration-secret`)).toBe(101);
    expect(await refusedStatus(h.wsUrl, { protocols: ['tradingfloor', 'integration-secret'] })).toBe(101);
    expect((await h.api('GET', '/healthz')).status).toBe(200);
  });

  it('refuses to start on a non-loopback address without a token', async () => {
    const dir = await tempResultsDir();
    try {
      await expect(startServer({ HOST: '0.0.0.0' }, { port: 0, resultsDir: dir, log: () => {} })).rejects.toThrowError(ConfigError);
      await expect(startServer({ HOST: '0.0.0.0' }, { port: 0, resultsDir: dir, log: () => {} })).rejects.toThrowError(
        /TRADINGFLOOR_TOKEN is required/,
      );
    } finally {
      await removeDir(dir);
    }
  });

  it('validates run ids in paths before touching anything', async () => {
    h = await startHarness();
    for (const bad of ['..%2F..%2Fetc', 'ACME--..--abcdef', 'acme--2024-01-01_00.00.00--abcdef']) {
      const res = await h.api('GET', `/runs/${bad}/logs/download`);
      expect(res.status).toBe(400);
      expect(res.json.error).toMatch(/invalid run_id/);
    }
  });
});

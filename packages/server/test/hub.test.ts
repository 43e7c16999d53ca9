import { afterEach, describe, expect, it } from 'vitest';
import { WsConnectError, WsRecorder } from '../../../tests/support/ws-recorder.js';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function refusal(url: string, options: Parameters<typeof WsRecorder.connect>[1] = {}): Promise<WsConnectError> {
  const err = await WsRecorder.connect(url, options).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof WsConnectError)) throw new Error('expected the upgrade to be refused');
  return err;
}

describe('WebSocket upgrade checks', () => {
  it('accepts its own origin and no origin, refuses a foreign one with 403', async () => {
    t = await startTestApp();
    const host = new URL(t.url).host;
    const own = await WsRecorder.connect(t.wsUrl, { headers: { Origin: `http://${host}` } });
    await own.next('init_all');
    const none = await WsRecorder.connect(t.wsUrl);
    await none.next('init_all');
    const foreign = await refusal(t.wsUrl, { headers: { Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toEqual({ error: 'WebSocket connections from origin https://evil.example are not allowed' });
    await Promise.all([own.close(), none.close()]);
  });

  it('refuses an upgrade whose Host is not this machine (DNS rebinding), even with a matching Origin', async () => {
    t = await startTestApp({ env: { ALLOWED_ORIGINS: 'http://dev.example:5173' } });
    const { port } = new URL(t.url);
    const rebound = await refusal(t.wsUrl, { headers: { Host: `evil.com:${port}`, Origin: `http://evil.com:${port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toEqual({ error: `WebSocket connections for host evil.com:${port} are not allowed` });
    expect((await refusal(t.wsUrl, { headers: { Host: `evil.com:${port}` } })).status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'dev.example:5173']) {
      const ok = await WsRecorder.connect(t.wsUrl, { headers: { Host: host } });
      await ok.next('init_all');
      await ok.close();
    }
  });

  it('allows configured extra origins', async () => {
    t = await startTestApp({ env: { ALLOWED_ORIGINS: 'http://localhost:5173' } });
    const dev = await WsRecorder.connect(t.wsUrl, { headers: { Origin: 'http://localhost:5173' } });
    await dev.next('init_all');
    await dev.close();
  });

  it('requires the token when one is configured: query or sub-protocol', async () => {
    t = await startTestApp({ env: { TRADINGFLOOR_TOKEN: 'sekrit-token' } });
    expect((await refusal(t.wsUrl)).status).toBe(401);
    expect((await refusal(`${t.wsUrl}?token=wrong-token`)).status).toBe(401);
    const byQuery = await WsRecorder.connect(`${t.wsUrl}?token=sekrit-token`);
    await byQuery.next('init_all');
    const byProtocol = await WsRecorder.connect(t.wsUrl, { protocols: ['tradingfloor', 'sekrit-token'] });
    expect(byProtocol.ws.protocol).toBe('tradingfloor');
    await byProtocol.next('init_all');
    await Promise.all([byQuery.close(), byProtocol.close()]);
  });

  it('answers 400 to an upgrade whose request target is not a URL, and keeps serving', async () => {
    t = await startTestApp();
    const { host, port } = new URL(t.url);
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), host.split(':')[0]!, () => {
        socket.write(`GET http://[ HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 400/);
    const after = await WsRecorder.connect(t.wsUrl);
    await after.next('init_all');
    await after.close();
  });

  it('refuses upgrades on other paths', async () => {
    t = await startTestApp();
    expect((await refusal(t.wsUrl.replace('/ws', '/other'))).status).toBe(404);
  });
});

describe('aggregate mode', () => {
  it('sends init_all, then only changed runs, batched', async () => {
    t = await startTestApp({ ws: { aggregateIntervalMs: 50 } });
    const first = t.manager.create('ACME');
    const ws = await WsRecorder.connect(t.wsUrl);
    expect((await ws.next('init_all')).runs.map((r) => r.run_id)).toEqual([first.run_id]);

    const second = t.manager.create('GLOBEX');
    // The first change after a quiet spell goes out at once, with only the run that changed.
    expect((await ws.next('status_update_aggregate')).runs).toEqual({
      [second.run_id]: { ticker: 'GLOBEX', status: 'pending', overall_progress: 0, current_phase: null },
    });
    // A burst of changes within one interval becomes one message carrying each run's latest state.
    t.manager.update(first.run_id, { progress: 10 });
    t.manager.update(first.run_id, { progress: 20 });
    t.manager.update(second.run_id, { progress: 30 });
    const batched = await ws.waitFor((m) => m.type === 'status_update_aggregate' && Object.keys(m.runs).length === 2);
    expect(batched).toMatchObject({ runs: { [first.run_id]: { overall_progress: 20 }, [second.run_id]: { overall_progress: 30 } } });
    expect(ws.ofType('status_update_aggregate')).toHaveLength(2);
    expect(ws.ofType('init_run')).toEqual([]);
    await ws.close();
  });

  it('answers resync with init_all and log_dump with an error', async () => {
    t = await startTestApp();
    const ws = await WsRecorder.connect(t.wsUrl);
    await ws.next('init_all');
    ws.send({ action: 'resync' });
    await ws.waitFor((m) => m.type === 'init_all' && ws.ofType('init_all').length === 2);
    ws.send({ action: 'log_dump' });
    expect((await ws.next('error')).message).toMatch(/log_dump needs a focused connection/);
    await ws.close();
  });
});

describe('slow clients', () => {
  it('drops a client whose unsent backlog passes the bound, and keeps serving the others', async () => {
    t = await startTestApp({ env: { WS_MAX_BUFFERED_BYTES: '64kb' } });
    const { run_id } = t.manager.create('ACME');
    const slow = await WsRecorder.connect(`${t.wsUrl}?run_id=${run_id}`);
    const healthy = await WsRecorder.connect(`${t.wsUrl}?run_id=${run_id}`);
    await slow.next('init_run');
    await healthy.next('init_run');
    // The slow client stops reading: its socket buffers fill, then the server's backlog grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'x'.repeat(256 * 1024);
    let i = 0;
    while (slow.ws.readyState === slow.ws.OPEN && i < 400) {
      t.manager.setContent(run_id, 'trader.trader.report', `${i++}${chunk}`);
      await healthy.waitFor((m) => m.type === 'content_patch_run' && m.seq === i);
      if (t.app.hub.clientCounts().focused === 1) break;
    }
    expect(t.app.hub.clientCounts().focused).toBe(1);
    t.manager.setContent(run_id, 'trader.trader.report', 'after');
    await healthy.waitFor((m) => m.type === 'content_patch_run' && m.patches.some((p) => p.mode === 'replace' && p.content === 'after'));
    await healthy.close();
  });
});

describe('snapshot requests are rate-limited per connection', () => {
  it('answers resync / log_dump within the budget, then an error and no snapshot until tokens come back', async () => {
    let now = 1_000_000;
    t = await startTestApp({ ws: { snapshotBudget: { burst: 3, perSecond: 1, now: () => now } } });
    const { run_id } = t.manager.create('ACME');
    const ws = await WsRecorder.connect(`${t.wsUrl}?run_id=${run_id}`);
    const other = await WsRecorder.connect(`${t.wsUrl}?run_id=${run_id}`);
    await ws.next('init_run');
    await other.next('init_run');
    for (let i = 0; i < 20; i++) ws.send({ action: i % 2 === 0 ? 'resync' : 'log_dump' });
    ws.send({ action: 'ping' });
    await ws.next('pong');
    // 3 answered (resync, log_dump, resync), 17 refused with an error naming the action.
    expect(ws.ofType('run_snapshot')).toHaveLength(2);
    expect(ws.ofType('log_snapshot_run')).toHaveLength(1);
    const errors = ws.ofType('error');
    expect(errors).toHaveLength(17);
    expect(errors[0]!.message).toMatch(/^too many log_dump requests on this connection: try again in 1\.0 s$/);
    // The budget is per connection: another client of the same run is not affected.
    other.send({ action: 'resync' });
    await other.next('run_snapshot');
    // Two seconds later two tokens are back.
    now += 2_000;
    ws.send({ action: 'resync' });
    ws.send({ action: 'resync' });
    ws.send({ action: 'resync' });
    ws.send({ action: 'ping' });
    await ws.waitFor((m) => m.type === 'pong' && ws.ofType('pong').length === 2);
    expect(ws.ofType('run_snapshot')).toHaveLength(4);
    expect(ws.ofType('error')).toHaveLength(18);
    await Promise.all([ws.close(), other.close()]);
  });

  it('reads the budget from WS_RESYNC_BURST', async () => {
    t = await startTestApp({ env: { WS_RESYNC_BURST: '2', WS_RESYNC_PER_MINUTE: '1' } });
    const ws = await WsRecorder.connect(t.wsUrl);
    await ws.next('init_all');
    for (let i = 0; i < 4; i++) ws.send({ action: 'resync' });
    ws.send({ action: 'ping' });
    await ws.next('pong');
    expect(ws.ofType('init_all')).toHaveLength(3);
    expect(ws.ofType('error').map((e) => e.message)).toEqual([
      expect.stringMatching(/^too many resync requests/),
      expect.stringMatching(/^too many resync requests/),
    ]);
    await ws.close();
  });
});

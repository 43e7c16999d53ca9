import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { deferred, type ServerMessage } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { corked, HubClient } from '../src/ws/hub-client.js';
import { WsRecorder } from '../../../tests/support/ws-recorder.js';

/** A real server-side `ws` connection with its upgrade socket, whose writes to the network are counted. */
async function serverSide(): Promise<{ ws: WebSocket; socket: Duplex; writes: number[]; recorder: WsRecorder; close(): Promise<void> }> {
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer();
  const accepted = deferred<{ ws: WebSocket; socket: Duplex }>();
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => accepted.resolve({ ws, socket })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const recorder = await WsRecorder.connect(`ws://127.0.0.1:${port}/ws`);
  const { ws, socket } = await accepted.promise;
  // Each call of the socket's own write methods is one write to the network (`_writev` carries several chunks).
  const writes: number[] = [];
  const raw = socket as unknown as { _write: (...a: unknown[]) => void; _writev: (chunks: unknown[], cb: unknown) => void };
  const write = raw._write.bind(socket);
  const writev = raw._writev.bind(socket);
  raw._write = (...args: unknown[]) => (writes.push(1), write(...args));
  raw._writev = (chunks: unknown[], cb: unknown) => (writes.push(chunks.length), writev(chunks, cb));
  return {
    ws,
    socket,
    writes,
    recorder,
    async close() {
      await recorder.close();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const messages: ServerMessage[] = [
  { type: 'error', message: 'one' },
  { type: 'error', message: 'two' },
  { type: 'error', message: 'three' },
];

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe('HubClient', () => {
  it('sends the messages of a corked flush in one write to the socket, and the client gets each of them', async () => {
    const side = await serverSide();
    close = side.close;
    const client = new HubClient(side.ws, { kind: 'aggregate' }, 1 << 20, () => {}, undefined, side.socket);
    corked(new Set([client]), () => {
      for (const message of messages) client.send(message);
      expect(side.writes).toEqual([]);
    });
    // Three frames, each a header and a payload chunk, in one writev.
    expect(side.writes).toEqual([6]);
    await side.recorder.waitFor((m) => m.type === 'error' && m.message === 'three');
    expect(side.recorder.messages).toEqual(messages);
  });

  it('writes each message on its own outside a corked flush, and a client without a socket is only sent to', async () => {
    const side = await serverSide();
    close = side.close;
    const client = new HubClient(side.ws, { kind: 'aggregate' }, 1 << 20, () => {});
    corked(new Set([client]), () => {
      for (const message of messages) client.send(message);
    });
    expect(side.writes).toHaveLength(3);
    await side.recorder.waitFor((m) => m.type === 'error' && m.message === 'three');
    expect(side.recorder.messages).toEqual(messages);
  });
});

import { deferred } from '@tradingfloor/shared';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/** One WebSocket client connected to the fake server: the test scripts what it receives and reads what it sent. */
export class Peer {
  readonly received: unknown[] = [];
  readonly closed = deferred<void>();
  private waiters: Array<(msg: unknown) => void> = [];

  constructor(
    readonly socket: WebSocket,
    readonly url: URL,
  ) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as unknown;
      const waiter = this.waiters.shift();
      if (waiter) waiter(msg);
      else this.received.push(msg);
    });
    socket.on('close', () => this.closed.resolve());
    socket.on('error', () => {
      /* a client vanishing mid-frame is part of the scenarios */
    });
  }

  send(msg: unknown): void {
    this.socket.send(JSON.stringify(msg));
  }

  /** The next message this client sends (or one already queued). */
  nextMessage(): Promise<unknown> {
    const queued = this.received.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    const d = deferred<unknown>();
    this.waiters.push(d.resolve);
    return d.promise;
  }
}

/** What a REST route answers: a status and a JSON body. */
export type Route = (
  req: IncomingMessage,
  body: string,
) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;

/**
 * A real HTTP + WebSocket server on 127.0.0.1:0 standing in for the TradingFloor host: REST routes are given
 * per test (`"GET /runs"`), WebSocket clients arrive as `Peer`s in connection order.
 */
export async function startFakeServer(routes: Record<string, Route> = {}) {
  const requests: Array<{ method: string; path: string; body: string }> = [];
  const peers: Peer[] = [];
  let peerWaiters: Array<(p: Peer) => void> = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? 'GET', path, body });
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', '*');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const route = routes[`${req.method} ${path}`];
    const answer = route ? await route(req, body) : { status: 404, body: { error: `no route ${req.method} ${path}` } };
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  };
  // A route that throws answers 500 with its message, so the test sees the failure instead of a hung request.
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(err) }));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = new Peer(ws, new URL(req.url ?? '/', 'http://x'));
      const waiter = peerWaiters.shift();
      if (waiter) waiter(peer);
      else peers.push(peer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    requests,
    /** WebSocket clients connected now. */
    connections(): number {
      return wss.clients.size;
    },
    /** The next WebSocket client to connect. */
    nextPeer(): Promise<Peer> {
      const queued = peers.shift();
      if (queued) return Promise.resolve(queued);
      const d = deferred<Peer>();
      peerWaiters.push(d.resolve);
      return d.promise;
    },
    async close(): Promise<void> {
      peerWaiters = [];
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type FakeServer = Awaited<ReturnType<typeof startFakeServer>>;

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fixture server saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** What a route answers: status, JSON (or text) body, headers. */
export interface FixtureAnswer {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Wait for this before answering (a slow vendor); the request may be aborted meanwhile. */
  after?: Promise<unknown>;
}

/** A real HTTP server on 127.0.0.1:0 standing in for a vendor; `handle` decides every answer. */
export interface FixtureServer {
  url: string;
  requests: SeenRequest[];
  /** Resolves with each request that the client abandoned (socket closed before the answer). */
  aborted: SeenRequest[];
  onAborted(listener: (request: SeenRequest) => void): void;
  /** Called with each request as it arrives (before it is answered). */
  onRequest(listener: (request: SeenRequest) => void): void;
  close(): Promise<void>;
}

export async function startFixtureServer(handle: (request: SeenRequest) => FixtureAnswer): Promise<FixtureServer> {
  const requests: SeenRequest[] = [];
  const aborted: SeenRequest[] = [];
  const abortListeners: Array<(r: SeenRequest) => void> = [];
  const requestListeners: Array<(r: SeenRequest) => void> = [];
  // Yahoo's fundamentals URL lists every statement field: far longer than Node's default 16 KB header limit.
  const server = createServer({ maxHeaderSize: 256 * 1024 }, (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers };
    requests.push(seen);
    requestListeners.forEach((l) => l(seen));
    const answer = handle(seen);
    let finished = false;
    res.on('close', () => {
      if (!finished) {
        aborted.push(seen);
        abortListeners.forEach((l) => l(seen));
      }
    });
    const send = () => {
      if (res.destroyed) return;
      finished = true;
      const body = answer.text ?? JSON.stringify(answer.json ?? {});
      res.writeHead(answer.status ?? 200, {
        'content-type': answer.text !== undefined ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      res.end(body);
    };
    if (answer.after) void answer.after.then(send, send);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    aborted,
    onAborted: (listener) => void abortListeners.push(listener),
    onRequest: (listener) => void requestListeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

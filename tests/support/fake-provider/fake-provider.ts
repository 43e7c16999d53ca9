import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDefaultScript } from './default-script.js';
import { renderReply, type FakeReply } from './fake-reply.js';
import { fromAnthropicBody, fromOpenAiBody, type FakeRequest, type WireFormat } from './fake-request.js';
import { sendStream } from './fake-stream.js';

/** Decides the answer to one request; may wait (e.g. on a test's deferred promise) before deciding. */
export type FakeScript = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeProviderOptions {
  /** Delay before every answer, in ms (a reply's own `delayMs` wins). Default 0. */
  latencyMs?: number;
  /** Default: `createDefaultScript()`. */
  script?: FakeScript;
}

/** A running fake LLM server. */
export interface FakeProvider {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Base URL for the OpenAI SDK / `OPENAI_BASE_URL` (`<url>/v1`). */
  readonly openaiBaseURL: string;
  /** Base URL for the Anthropic SDK / `ANTHROPIC_BASE_URL` (the SDK appends `/v1/messages`). */
  readonly anthropicBaseURL: string;
  /** Every request received, in order of arrival. */
  readonly requests: readonly FakeRequest[];
  /** Requests received and not yet answered or abandoned. */
  readonly inFlight: number;
  /** The most requests ever in flight at once (since start or `reset`). */
  readonly maxInFlight: number;
  /** TCP connections accepted since start or `reset` (keep-alive clients reuse theirs). */
  readonly connections: number;
  /** Replaces the script for the next requests. */
  setScript(script: FakeScript): void;
  /** Forgets recorded requests; `maxInFlight` restarts from the current in-flight count. */
  reset(): void;
  /** Resolves once `predicate` holds; checked now and after every arrival and every finished request. */
  waitUntil(predicate: (fake: FakeProvider) => boolean): Promise<void>;
  /** Ends hung requests and open connections, then stops listening. */
  close(): Promise<void>;
}

const ROUTES: Record<string, WireFormat> = { '/v1/chat/completions': 'openai', '/v1/messages': 'anthropic' };

/**
 * Starts a fake LLM provider on 127.0.0.1 (a free port) that speaks the OpenAI chat-completions and the
 * Anthropic Messages wire formats, answers by script, injects faults on request, and records every request.
 */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  let script: FakeScript = options.script ?? createDefaultScript();
  const requests: FakeRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let connections = 0;
  let seq = 0;
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const check of [...watchers]) check();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const format = req.method === 'POST' ? ROUTES[path] : undefined;
    const raw = await readBody(req);
    if (format === undefined) {
      send(res, {
        status: 404,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }),
      });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      send(res, {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { message: 'request body is not JSON' } }),
      });
      return;
    }
    const parsed = format === 'openai' ? fromOpenAiBody(body) : fromAnthropicBody(body);
    seq += 1;
    const request: FakeRequest = {
      seq,
      format,
      path,
      headers: req.headers,
      body,
      ...parsed,
      toolResults: parsed.messages.filter((m) => m.role === 'tool').length,
      receivedAt: Date.now(),
    };
    requests.push(request);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // 'close' fires once whether the answer was sent, the client aborted, or the socket was destroyed.
    res.once('close', () => {
      inFlight -= 1;
      notify();
    });
    notify();

    const reply = await script(request);
    if (res.destroyed) return;
    const delay = reply.delayMs ?? options.latencyMs ?? 0;
    if (delay > 0 && !(await waitOrClose(res, delay))) return;
    if (reply.kind === 'hang') return; // the socket stays open until the client gives up or close() runs
    if (reply.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (reply.kind === 'stream') return sendStream(res, reply, request);
    if (reply.kind === 'partial') {
      const whole = renderReply({ kind: 'text', text: 'a partial answer '.repeat(64) }, request);
      res.writeHead(200, { ...whole.headers, 'content-length': String(Buffer.byteLength(whole.body)) });
      // Once the first half is out, `drop` cuts the connection; `hang` holds it until the client gives up.
      res.write(whole.body.slice(0, whole.body.length >> 1), () => {
        if (reply.then === 'drop') req.socket.destroy();
      });
      return;
    }
    if (reply.kind === 'text' && reply.chunked) {
      const whole = renderReply(reply, request);
      res.writeHead(whole.status, whole.headers);
      for (let i = 0; i < whole.body.length && !res.destroyed; i += 1024) res.write(whole.body.slice(i, i + 1024));
      res.end();
      return;
    }
    send(res, renderReply(reply, request));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A script that throws is a test bug: answer 500 with its message so the test sees it.
      if (!res.headersSent && !res.destroyed) {
        send(res, {
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: { message: `fake script failed: ${String(err)}` } }),
        });
      }
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeProvider = {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    get requests() {
      return requests;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get connections() {
      return connections;
    },
    setScript(next) {
      script = next;
    },
    reset() {
      requests.length = 0;
      maxInFlight = inFlight;
      connections = 0;
    },
    waitUntil(predicate) {
      return new Promise<void>((resolve) => {
        const check = () => {
          if (!predicate(fake)) return;
          watchers.delete(check);
          resolve();
        };
        watchers.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: { status: number; headers: Record<string, string>; body: string }): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

/** Waits `ms`; resolves false early when the client went away meanwhile. */
function waitOrClose(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunManagerApi } from '@tradingfloor/engine';
import { startServer, type RunningServer, type StartServerOverrides } from '../../packages/server/src/serve.js';
import { WsRecorder } from './ws-recorder.js';

/** Test code reads arbitrary JSON bodies; each test asserts the shape it cares about. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;

/** A JSON-ish HTTP answer. */
export interface ApiResponse<T = AnyJson> {
  status: number;
  json: T;
  text: string;
  headers: Headers;
}

/** A TradingFloor server started in-process on 127.0.0.1:0, plus clients for it. */
export interface Harness {
  url: string;
  wsUrl: string;
  resultsDir: string;
  server: RunningServer;
  manager: RunManagerApi;
  /** Lines the server logged (the "listening" line, warnings). */
  logs: string[];
  api<T = AnyJson>(
    method: string,
    urlPath: string,
    init?: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** An aggregate client (`/ws`) or a focused one (`/ws?run_id=`). */
  ws(runId?: string, options?: Parameters<typeof WsRecorder.connect>[1]): Promise<WsRecorder>;
  close(): Promise<void>;
}

/** A fresh temp directory for results (the caller removes it, so a restart can reuse it). */
export function tempResultsDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'tf-it-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Starts `startServer` with the embedded defaults (offline model, demo market), a temp RESULTS_DIR unless
 * one is given, and no SPA. Clients opened through `ws()` are closed by `close()`.
 */
export async function startHarness(
  options: {
    env?: NodeJS.ProcessEnv;
    resultsDir?: string;
    manager?: RunManagerApi;
    ws?: StartServerOverrides['ws'];
    /** The clock schedules fire on (a test moves it by hand). */
    scheduleClock?: StartServerOverrides['scheduleClock'];
  } = {},
): Promise<Harness> {
  const ownDir = options.resultsDir === undefined;
  const resultsDir = options.resultsDir ?? (await tempResultsDir());
  const logs: string[] = [];
  // Only what the test says: the developer's shell (API keys, PORT, DATA_DIR…) must not leak in. The engine
  // host is the one exception: the `integration-threads` project runs the same files with ENGINE_THREADS=2.
  const env: NodeJS.ProcessEnv = { LLM_MAX_CONCURRENCY: '16', ENGINE_THREADS: process.env.ENGINE_THREADS ?? '0', ...options.env };
  const server = await startServer(env, {
    port: 0,
    host: '127.0.0.1',
    resultsDir,
    webDist: path.join(resultsDir, 'no-web-dist'),
    log: (line) => logs.push(line),
    ws: { flushDelayMs: 10, heartbeatMs: 0, ...options.ws },
    ...(options.manager ? { manager: options.manager } : {}),
    ...(options.scheduleClock ? { scheduleClock: options.scheduleClock } : {}),
  });
  const clients = new Set<WsRecorder>();
  const wsUrl = `${server.url.replace('http', 'ws')}/ws`;
  return {
    url: server.url,
    wsUrl,
    resultsDir,
    server,
    manager: server.manager,
    logs,
    async api(method, urlPath, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      let body: string | undefined;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      } else if (init.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(init.form).toString();
      }
      const res = await fetch(`${server.url}${urlPath}`, { method, headers, body });
      const text = await res.text();
      const json = res.headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : undefined;
      return { status: res.status, json, text, headers: res.headers };
    },
    async ws(runId, connectOptions) {
      const client = await WsRecorder.connect(runId ? `${wsUrl}?run_id=${encodeURIComponent(runId)}` : wsUrl, connectOptions);
      clients.add(client);
      return client;
    },
    async close() {
      await Promise.all([...clients].map((c) => c.close()));
      await server.close();
      if (ownDir) await removeDir(resultsDir);
    },
  };
}

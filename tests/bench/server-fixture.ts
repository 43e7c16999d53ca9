import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startServer, type RunningServer } from '@tradingfloor/server';
import { DEMO_TICKERS, tempDir, tickersFor } from './engine-fixture.js';

/** A TradingFloor server on 127.0.0.1 (a free port) with its shipped defaults, results in a temp folder. */
export interface BenchServer {
  server: RunningServer;
  url: string;
  wsUrl: string;
  /**
   * JSON request over a keep-alive connection; `ms` runs from sending the request to the answer's last byte,
   * decoded when it came gzip-compressed (parsing the JSON is not counted). An answer with no body (304) has
   * `json` null.
   */
  request(
    method: 'GET' | 'POST',
    urlPath: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: unknown; ms: number; headers: http.IncomingHttpHeaders }>;
  /** `POST /start-multi` for `n` demo tickers; returns the run ids. `onStarted` hears each request's runs at once. */
  startRuns(n: number, options?: Record<string, unknown>, onStarted?: (runIds: string[]) => void): Promise<string[]>;
  close(): Promise<void>;
}

/** An answer's body, decoded when it came gzip-compressed, and ms from `t0` to that (the last byte, decoded). */
export function readTimedBody(res: http.IncomingMessage, t0: number): Promise<{ body: Buffer; ms: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      resolve({ body, ms: performance.now() - t0 });
    });
    res.on('error', reject);
  });
}

/**
 * A JSON client over `agent` (keep-alive); `ms` runs from sending the request to the answer's last byte, and
 * includes decoding a gzip answer (asked for with an `Accept-Encoding` header, as browsers do).
 */
export function jsonClient(baseUrl: string, agent: http.Agent): BenchServer['request'] {
  return (method, urlPath, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const t0 = performance.now();
      const req = http.request(
        `${baseUrl}${urlPath}`,
        {
          method,
          agent,
          headers: payload ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : headers,
        },
        (res) => {
          readTimedBody(res, t0).then(({ body, ms }) => {
            const text = body.toString('utf8');
            try {
              const json: unknown = res.statusCode === 304 ? null : JSON.parse(text);
              resolve({ status: res.statusCode ?? 0, json, ms, headers: res.headers });
            } catch {
              reject(new Error(`${method} ${urlPath}: answer is not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
            }
          }, reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/**
 * `POST /start-multi` for `n` demo tickers through `request`; resolves to the run ids. A request merges repeated
 * symbols, and the demo market has 7: one request per 7 runs, sent together. `onStarted` hears each request's runs.
 */
export async function postRuns(
  request: BenchServer['request'],
  n: number,
  runOptions: Record<string, unknown> = {},
  onStarted: (runIds: string[]) => void = () => {},
): Promise<string[]> {
  const batches: string[][] = [];
  const tickers = tickersFor(n);
  for (let i = 0; i < n; i += DEMO_TICKERS.length) batches.push(tickers.slice(i, i + DEMO_TICKERS.length));
  const answers = await Promise.all(
    batches.map(async (symbols) => {
      const answer = await request('POST', '/start-multi', { company_symbols: symbols, llm_provider: 'openai', ...runOptions });
      if (answer.status !== 202) throw new Error(`POST /start-multi answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      const runIds = (answer.json as { runs: Array<{ run_id: string }> }).runs.map((r) => r.run_id);
      onStarted(runIds);
      return runIds;
    }),
  );
  const ids = answers.flat();
  if (ids.length !== n) throw new Error(`asked for ${n} runs, the server started ${ids.length}`);
  return ids;
}

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
}

export async function startBenchServer(env: NodeJS.ProcessEnv, options: { resultsDir?: string } = {}): Promise<BenchServer> {
  const resultsDir = options.resultsDir ?? (await tempDir('tf-bench-server-'));
  const server = await startServer(
    // ENGINE_THREADS passes through, so the same figures measure either engine host (issue 13).
    { MAX_PARALLEL_RUNS: '1000', MAX_TICKERS_PER_REQUEST: '1000', ...pick(process.env, ['ENGINE_THREADS']), ...env },
    { port: 0, host: '127.0.0.1', resultsDir, webDist: path.join(resultsDir, 'no-web-dist'), log: () => {} },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const request = jsonClient(server.url, agent);
  return {
    server,
    url: server.url,
    wsUrl: `${server.url.replace('http', 'ws')}/ws`,
    request,
    startRuns: (n, runOptions, onStarted) => postRuns(request, n, runOptions, onStarted),
    async close() {
      agent.destroy();
      await server.close();
      if (options.resultsDir === undefined) await rm(resultsDir, { recursive: true, force: true });
    },
  };
}

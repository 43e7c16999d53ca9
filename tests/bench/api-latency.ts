import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createEngineDeps, parseEngineEnv, RunManager } from '@tradingfloor/engine';
import { createApp, loadServerConfig } from '@tradingfloor/server';
import { formatRunId, formatRunTimestamp } from '@tradingfloor/shared';
import type { BenchOptions } from './bench-options.js';
import { DEMO_TICKERS, tempDir } from './engine-fixture.js';
import { atMost, figure, type Figure } from './figures.js';
import { jsonClient } from './server-fixture.js';
import { collectGarbage, percentile } from './stats.js';
import { startWorker } from './worker-rpc.js';

/**
 * Writes `count` finished runs into a fresh results folder: one real offline run per demo ticker, then
 * copies of them under other timestamps (a new RUN_ID each), as a busy history would hold.
 */
export async function seedStoredRuns(count: number): Promise<string> {
  const resultsDir = await tempDir('tf-bench-stored-');
  const manager = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir, maxParallelRuns: DEMO_TICKERS.length });
  const real = await manager.start(DEMO_TICKERS.slice(0, count).map((ticker) => ({ ticker, options: { llm_provider: 'offline' } })));
  const done = await Promise.all(real.map((r) => manager.whenFinished(r.run_id)));
  await manager.shutdown();
  const base = Date.parse('2024-01-02T09:00:00Z');
  const copy = async (i: number) => {
    const source = done[i % done.length]!;
    const started = new Date(base + i * 1000);
    const dir = path.join(resultsDir, source.ticker, formatRunTimestamp(started));
    await cp(source.results_path, dir, { recursive: true });
    const runId = formatRunId(source.ticker, started, i.toString(16).padStart(6, '0').slice(-6));
    await writeFile(path.join(dir, 'RUN_ID'), `${runId}\n`);
    // state.json names its run too; keep the copy consistent.
    const statePath = path.join(dir, 'state.json');
    const state = (await readFile(statePath, 'utf8')).replaceAll(source.run_id, runId);
    await writeFile(statePath, state);
  };
  // A few copies at a time: 10,000 runs one by one take minutes of mostly waiting on the disk.
  for (let i = done.length; i < count; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, count - i) }, (_, k) => copy(i + k)));
  }
  return resultsDir;
}

/**
 * The server as `startServer` builds it (createApp over a RunManager that loaded the history), on a plain
 * http.Server whose handler also times each request from its arrival to the answer's last byte written.
 */
export async function serveHistory(resultsDir: string) {
  const config = loadServerConfig({}, { port: 0, host: '127.0.0.1', resultsDir, webDist: path.join(resultsDir, 'no-web-dist') });
  const manager = new RunManager({ deps: createEngineDeps(parseEngineEnv({})), resultsDir, maxParallelRuns: config.maxParallelRuns });
  const loadStart = performance.now();
  await manager.loadHistory();
  const loadMs = performance.now() - loadStart;
  const app = createApp({ manager, config, providers: () => [] });
  const handle = app.app.callback();
  const serverMs: number[] = [];
  const server = http.createServer((req, res) => {
    const t0 = performance.now();
    res.once('finish', () => serverMs.push(performance.now() - t0));
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    serverMs,
    /** How long `loadHistory` took (the temp-file sweep, reading every run directory, listing the runs). */
    loadMs,
    url,
    request: jsonClient(url, agent),
    async close() {
      agent.destroy();
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await manager.shutdown();
    },
  };
}

/**
 * Figure 6: latency of `GET /runs` and `GET /metrics/phases` with `storedRuns` runs in the history, one
 * request at a time over a keep-alive connection: as the client sees it (the target; request sent → the
 * answer's last byte, decoded) and inside the server (request arrived → answer written). The client asks as
 * browsers, `fetch`, curl `--compressed` and Python's requests do by default (`Accept-Encoding: gzip, deflate,
 * br`: the bench's alike runs compress ~40×, and decoding is in the time); the same request without
 * it is reported for information. The client is a process of its own, as a browser or a script is, and like a
 * load tester it reads the answers without parsing them (the main process checks the list once, untimed). The
 * targets are a running server's: each series follows 20 warm-up requests and a full collection. For
 * information: the first requests right after the history was loaded (no warm-up, no collection, so the
 * collection of the loading's garbage falls among them), and `GET /runs` again with the `If-None-Match` of its
 * first answer (a revalidating client or browser cache: 304, no body).
 */
/** What a browser's fetch sends: it accepts compressed answers. */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };

export async function measureApi(options: BenchOptions): Promise<Figure[]> {
  const resultsDir = await seedStoredRuns(options.storedRuns);
  const api = await serveHistory(resultsDir);
  const client = await startWorker('api-client-worker.ts');
  try {
    const list = await api.request('GET', '/runs', undefined, BROWSER);
    const stored = (list.json as { runs: unknown[] }).runs.length;
    if (stored !== options.storedRuns) throw new Error(`the server lists ${stored} runs, ${options.storedRuns} were stored`);
    const etag = list.headers.etag;
    if (etag === undefined) throw new Error('GET /runs answered without an ETag');
    /**
     * `count` timed requests after 20 warm-up ones and a full collection; the server's own times cover the
     * timed ones only. The collection is the one board-api makes too: loading the history leaves ~30 MiB of
     * garbage (and this process seeded it), and the major collection that follows lands in whichever requests
     * come next. Measured without it (`--trace-gc`, 2026-12-07): its incremental marking (~22 ms in ~400
     * steps over ~60 ms) slowed 4–6 requests in a row to 5–15 ms each, the whole miss of runs that failed.
     */
    const time = async (endpoint: string, status: number, headers?: Record<string, string>, collect = true) => {
      if (collect) {
        await client.call('time', { url: api.url, endpoint, count: 20, headers });
        collectGarbage();
      }
      api.serverMs.length = 0;
      const answer = await client.call<{ times: number[]; statuses: number[] }>('time', { url: api.url, endpoint, count: options.apiRequests, headers });
      if (answer.statuses.some((s) => s !== status)) throw new Error(`GET ${endpoint} answered ${answer.statuses.join(', ')}, expected ${status}`);
      return { client: answer.times, server: [...api.serverMs] };
    };
    // A server that has just loaded its history, as the first clients find it: no warm-up, no collection.
    const fresh = await time('/runs', 200, BROWSER, false);
    const figures: Figure[] = [];
    for (const endpoint of ['/runs', '/metrics/phases']) {
      const times = await time(endpoint, 200, BROWSER);
      figures.push(figure(`API GET ${endpoint} p99, client-side (${stored} runs stored)`, percentile(times.client, 99), 'ms', atMost(5)));
      figures.push(figure(`API GET ${endpoint} p50, client-side`, percentile(times.client, 50), 'ms'));
      figures.push(figure(`API GET ${endpoint} p99, in the server`, percentile(times.server, 99), 'ms'));
    }
    figures.push(figure('API GET /runs p99, client-side, the first requests after loading the history (no warm-up, no collection)', percentile(fresh.client, 99), 'ms'));
    figures.push(figure(`API: the history loaded at start (${stored} runs: temp-file sweep, every run directory read, listed)`, api.loadMs, 'ms'));
    const plain = await time('/runs', 200);
    figures.push(figure('API GET /runs p99 uncompressed (no Accept-Encoding), client-side', percentile(plain.client, 99), 'ms'));
    figures.push(figure('API GET /runs p50 uncompressed, client-side', percentile(plain.client, 50), 'ms'));
    const revalidated = await time('/runs', 304, { ...BROWSER, 'if-none-match': etag });
    figures.push(figure('API GET /runs p99 revalidated (If-None-Match → 304), client-side', percentile(revalidated.client, 99), 'ms'));
    return figures;
  } finally {
    await client.stop();
    await api.close();
    await rm(resultsDir, { recursive: true, force: true });
  }
}

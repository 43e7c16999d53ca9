import http from 'node:http';
import { rm } from 'node:fs/promises';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';
import { DEMO_TICKERS, fakeProviderEnv, tempDir, type FakeLlm } from './engine-fixture.js';
import { RunWatch } from './run-watch.js';
import { jsonClient, startBenchServer, type BenchServer } from './server-fixture.js';

/**
 * Queue mode for the benchmark (issue 15): a real `redis-server` on a free port with persistence off, a
 * queue-mode server in this process (`REDIS_URL`), and real `tradingfloor worker` child processes (the built
 * CLI) started and stopped per measurement. Server and workers share one temp results directory.
 */
export interface QueueCluster {
  bench: BenchServer;
  /** An aggregate WebSocket client of the server: runs are awaited through it. */
  watch: RunWatch;
  /** `POST /start-multi` for one run of `ticker` (a fresh connection); its run id. */
  startRun(ticker: string): Promise<string>;
  /** Starts `count` workers with `--concurrency` and waits until each says it is ready. */
  startWorkers(count: number, concurrency: number): Promise<void>;
  /** SIGTERM to every worker (idle by then), waits for their exit. */
  stopWorkers(): Promise<void>;
  /**
   * Feeds `total` runs (one demo ticker per `POST /start-multi`) and keeps `backlog` runs queued beyond the
   * workers' `slots`, so no worker ever waits for work and the queue never holds hundreds of jobs; resolves
   * with the time from the first request to the last run seen ended. Throws unless every run completed.
   */
  feed(total: number, slots: number, backlog: number): Promise<{ wallMs: number }>;
  close(): Promise<void>;
}

export async function startQueueCluster(fake: FakeLlm, nodeFlags: string[]): Promise<QueueCluster> {
  const redis: TestRedis = await startRedis();
  const resultsDir = await tempDir('tf-bench-queue-');
  const workers: SpawnedWorker[] = [];
  // No LLM_MAX_CONCURRENCY / LLM_PROVIDER_LIMITS anywhere (unlimited), MAX_PARALLEL_RUNS=1000 on the server
  // (server-fixture): only the workers' --concurrency and CPU bound how many runs execute.
  const env = { ...fakeProviderEnv(fake), REDIS_URL: redis.url } as Record<string, string>;
  let bench: BenchServer | null = null;
  let watch: RunWatch;
  try {
    bench = await startBenchServer(env, { resultsDir });
    watch = await RunWatch.connect(bench.wsUrl);
  } catch (error) {
    await bench?.close();
    await redis.stop();
    throw error;
  }
  // Requests wait for a worker to open their run (or answer at once for a pending run): enough sockets for the
  // backlog. No keep-alive: a socket reused just as the server's keep-alive timeout closes it (between two
  // phases) fails with "socket hang up", and a connection per request costs nothing next to a run.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
  const request = jsonClient(bench.url, agent);
  const startRun = async (ticker: string): Promise<string> => {
    const { status, json } = await request('POST', '/start-multi', { company_symbols: ticker, llm_provider: 'openai' });
    if (status !== 202) throw new Error(`POST /start-multi answered ${status}: ${JSON.stringify(json)}`);
    return (json as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
  };
  const server = bench;
  const runWatch = watch;
  return {
    bench: server,
    watch: runWatch,
    startRun,
    async startWorkers(count, concurrency) {
      const started = await Promise.all(
        Array.from({ length: count }, () =>
          spawnWorker(['--concurrency', String(concurrency)], {
            ...env,
            RESULTS_DIR: resultsDir,
            // The heap flags the launch scripts ship with, as the measured server has them.
            ...(nodeFlags.length > 0 ? { NODE_OPTIONS: nodeFlags.join(' ') } : {}),
          }),
        ),
      );
      workers.push(...started);
      // A worker that dies under the measurement fails it at once, with what the worker printed.
      for (const w of started) {
        void w.exited.then((code) => {
          if (workers.includes(w)) runWatch.abort(new Error(`a worker exited (code ${code}, signal ${w.child.signalCode}) under the measurement:\n${w.output().slice(-3000)}`));
        });
      }
    },
    async stopWorkers() {
      const codes = await Promise.all(workers.splice(0).map((w) => w.stop()));
      if (codes.some((c) => c !== 0)) throw new Error(`a worker exited with ${codes.join(', ')}`);
    },
    async feed(total, slots, backlog) {
      const from = runWatch.ended.length;
      const posted: Array<Promise<string>> = [];
      const t0 = performance.now();
      const topUp = () => {
        const finished = runWatch.ended.length - from;
        while (posted.length < total && posted.length - finished < slots + backlog) {
          const ticker = DEMO_TICKERS[posted.length % DEMO_TICKERS.length]!;
          const answer = startRun(ticker);
          // A failed request fails the feed at once instead of waiting for runs that never come.
          answer.catch((error: unknown) => runWatch.abort(error instanceof Error ? error : new Error(String(error))));
          posted.push(answer);
        }
      };
      await runWatch.until(from, total, topUp);
      const ids = new Set(await Promise.all(posted));
      const mine = runWatch.ended.slice(from).filter((e) => ids.has(e.runId));
      const notCompleted = mine.filter((e) => e.status !== 'completed');
      if (mine.length !== total || notCompleted.length > 0) {
        throw new Error(`${total} runs fed: ${mine.length} of them seen ended, ${notCompleted.length} not completed (e.g. ${notCompleted[0]?.status ?? '—'})`);
      }
      return { wallMs: Math.max(...mine.map((e) => e.at)) - t0 };
    },
    async close() {
      runWatch.close();
      agent.destroy();
      // The server first, while the workers can still save the runs it interrupts; then the workers go.
      // A server whose workers died would wait for their runs' ends for ever: bounded, the bench moves on.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([server.close(), new Promise<void>((resolve) => (timer = setTimeout(resolve, 20_000)))]);
      clearTimeout(timer);
      await Promise.all(workers.splice(0).map((w) => w.kill()));
      await redis.stop();
      await rm(resultsDir, { recursive: true, force: true });
    },
  };
}

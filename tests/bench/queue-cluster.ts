import http from 'node:http';
import { rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { spawnWorker, type SpawnedWorker } from '../support/spawned-worker.js';
import { DEMO_TICKERS, fakeProviderEnv, tempDir, type FakeLlm } from './engine-fixture.js';
import { processCpuMs } from './proc-cpu.js';
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
  /** CPU time (ms) the running workers have used so far, summed. */
  workerCpuMs(): number;
  /** Starts `count` workers with `--concurrency` and waits until each says it is ready. */
  startWorkers(count: number, concurrency: number): Promise<void>;
  /** SIGTERM to every worker (idle by then, or its runs are saved interrupted), waits for their exit. */
  stopWorkers(): Promise<void>;
  /**
   * Feeds `total` runs (one demo ticker per `POST /start-multi`) and keeps `backlog` runs queued beyond the
   * workers' `slots`, so no worker ever waits for work and the queue never holds hundreds of jobs; resolves
   * with the time from the first request to the last run seen ended. Throws unless every run completed.
   */
  feed(total: number, slots: number, backlog: number): Promise<{ wallMs: number }>;
  close(): Promise<void>;
}

/** The workers' scheduling priority (`nice`): below the server's process. */
const WORKER_NICENESS = 10;

export async function startQueueCluster(fake: FakeLlm, nodeFlags: string[]): Promise<QueueCluster> {
  const redis: TestRedis = await startRedis();
  const resultsDir = await tempDir('tf-bench-queue-');
  const workers: SpawnedWorker[] = [];
  /** Why the feed under way must stop (a request failed, a worker died); reset by each feed. */
  let failure: Error | null = null;
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
    workerCpuMs: () => workers.reduce((sum, w) => sum + processCpuMs(w.child.pid ?? -1), 0),
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
      // The workers share this machine's two cores with the server they stream into: run below it (nice 10), as an
      // operator would on one machine; on the machines of a real deployment they do not compete with it at all.
      for (const w of started) if (w.child.pid !== undefined) setPriority(w.child.pid, WORKER_NICENESS);
      // A worker that dies under the measurement fails it at once, with what the worker printed.
      for (const w of started) {
        void w.exited.then((code) => {
          if (!workers.includes(w)) return;
          failure ??= new Error(`a worker exited (code ${code}, signal ${w.child.signalCode}) under the measurement:\n${w.output().slice(-3000)}`);
          runWatch.wake();
        });
      }
    },
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    },
    async feed(total, slots, backlog) {
      // Runs of an earlier, failed feed may still end now: only runs this feed started count.
      const before = new Set(runWatch.known);
      const from = runWatch.ended.length;
      const mine = () => runWatch.ended.slice(from).filter((e) => !before.has(e.runId));
      const posted: Array<Promise<string>> = [];
      const t0 = performance.now();
      const topUp = () => {
        const finished = mine().length;
        while (posted.length < total && posted.length - finished < slots + backlog) {
          const answer = startRun(DEMO_TICKERS[posted.length % DEMO_TICKERS.length]!);
          // A failed request fails the feed at once instead of waiting for runs that never come.
          answer.catch((error: unknown) => {
            failure ??= error instanceof Error ? error : new Error(String(error));
            runWatch.wake();
          });
          posted.push(answer);
        }
      };
      failure = null;
      try {
        await runWatch.until(() => mine().length >= total, topUp, () => failure);
      } catch (error) {
        // What the workers said last helps to tell a starved machine from a fault.
        const tails = workers.map((w, i) => `--- worker ${i + 1} (last lines):\n${w.output().split('\n').slice(-8).join('\n')}`);
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tails.join('\n')}`, { cause: error });
      }
      const ids = new Set(await Promise.all(posted));
      const ended = mine().filter((e) => ids.has(e.runId));
      const notCompleted = ended.filter((e) => e.status !== 'completed');
      if (ended.length !== total || notCompleted.length > 0) {
        throw new Error(`${total} runs fed: ${ended.length} of them seen ended, ${notCompleted.length} not completed (e.g. ${notCompleted[0]?.status ?? '—'})`);
      }
      return { wallMs: Math.max(...ended.map((e) => e.at)) - t0 };
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

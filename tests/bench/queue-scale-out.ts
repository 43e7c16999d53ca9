import { existsSync } from 'node:fs';
import { errorMessage } from '@tradingfloor/shared';
import { redisSkipReason } from '../support/redis-server.js';
import { builtCli } from '../support/spawned-server.js';
import type { BenchOptions } from './bench-options.js';
import { DEMO_TICKERS, fakeProviderEnv, startFakeLlm } from './engine-fixture.js';
import { atLeast, atMost, figure, type Figure, type Target } from './figures.js';
import { startQueueCluster, type QueueCluster } from './queue-cluster.js';
import { startBenchServer, type BenchServer } from './server-fixture.js';
import { machineCpu } from './proc-cpu.js';
import { EventLoopDelay, median } from './stats.js';
import { threadCpuMs } from './thread-cpu.js';
import { BenchClient } from './ws-clients.js';
import { startWorker } from './worker-rpc.js';

/** How hard the queue group pushes: the sizes, and a tiny set for `--smoke`. */
const SIZES = {
  full: { warmRuns: 7, runs: 400, workers: [1, 2, 4], concurrency: 32, slots: 4, backlog: 32, latencyRepeats: 5, loopRuns: 100, loopWorkers: 4 },
  smoke: { warmRuns: 2, runs: 8, workers: [1, 2], concurrency: 4, slots: 2, backlog: 4, latencyRepeats: 1, loopRuns: 4, loopWorkers: 2 },
};

/** Why the group cannot run here, or null. */
function skipReason(): string | null {
  if (redisSkipReason) return redisSkipReason;
  if (!existsSync(builtCli)) return `${builtCli} is missing (npm run build)`;
  return null;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One run of `ticker` over REST, followed by a focused WebSocket client until it ends: wall time in ms. */
async function oneRun(bench: BenchServer, ticker: string): Promise<number> {
  const t0 = performance.now();
  const answer = await bench.request('POST', '/start-multi', { company_symbols: ticker, llm_provider: 'openai' });
  if (answer.status !== 202) throw new Error(`POST /start-multi answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  const runId = (answer.json as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
  const client = await BenchClient.connect(`${bench.wsUrl}?run_id=${encodeURIComponent(runId)}`);
  try {
    await client.untilTerminal();
  } finally {
    client.close();
  }
  const ms = performance.now() - t0;
  const status = await bench.request('GET', `/runs/${runId}/status`);
  const ended = (status.json as { status?: string }).status;
  if (ended !== 'completed') throw new Error(`run ${runId} ended ${ended}`);
  return ms;
}

/** Warm-up: `runs` runs per worker (one per demo instrument in the full bench), unmeasured. */
async function warm(cluster: QueueCluster, workers: number, concurrency: number, runs: number): Promise<void> {
  await cluster.feed(runs * workers, workers * concurrency, 0);
}

/**
 * Issue 15's bars, on one real redis-server, one queue-mode server in this process and real `tradingfloor
 * worker` child processes (the fake LLM and the WebSocket clients in processes of their own):
 * - throughput: `runs` runs fed through REST with 1, 2 and 4 workers, no LLM limits, twice: workers bound by
 *   their run slots (`--concurrency 4`: a worker's capacity is its slots, as in front of a model server that
 *   takes so many requests at once), whose 1 → 2 scaling carries the bar (≥ 1.7), and workers bound by their
 *   own CPU (`--concurrency 32`), reported beside it: on two cores a second CPU-bound worker has no core to use;
 * - latency: one run's wall time (POST → a focused client sees it end) in queue mode over the same in local
 *   mode, median of `latencyRepeats` alternating pairs (≤ 1.15);
 * - event-loop delay p99 of the server (≤ 20 ms) while 4 workers execute 100 runs that 100 focused
 *   WebSocket clients follow.
 * Skips (no figures, one line saying why) when redis-server or the built CLI is missing.
 */
export async function measureQueue(options: BenchOptions): Promise<Figure[]> {
  const reason = skipReason();
  if (reason) {
    log(`  queue: skipped: ${reason}`);
    return [];
  }
  const size = SIZES[options.mode];
  const L = options.latencyMs;
  const fake = await startFakeLlm(L);
  const cluster = await startQueueCluster(fake, options.nodeFlags);
  const local = await startBenchServer(fakeProviderEnv(fake));
  let localOpen = true;
  const figures: Figure[] = [];
  try {
    // Latency: an idle warm worker against the local engine threads, alternately.
    await cluster.startWorkers(1, size.concurrency);
    await warm(cluster, 1, size.concurrency, size.warmRuns);
    for (const ticker of DEMO_TICKERS.slice(0, size.warmRuns)) await oneRun(local, ticker);
    const localMs: number[] = [];
    const queueMs: number[] = [];
    for (let i = 0; i < size.latencyRepeats; i++) {
      localMs.push(await oneRun(local, 'ACME'));
      queueMs.push(await oneRun(cluster.bench, 'ACME'));
    }
    localOpen = false;
    await local.close();
    const [l, q] = [median(localMs), median(queueMs)];
    log(`  latency: local ${localMs.map((m) => m.toFixed(0)).join(', ')} ms; queue ${queueMs.map((m) => m.toFixed(0)).join(', ')} ms`);

    // Throughput with 1, 2, 4 workers, CPU-bound (the first one is warm already), then slot-bound. A phase
    // that fails is reported as n/a with its reason, and the next one still runs (its workers are fresh).
    const cpuBound = await throughputSeries(cluster, size, size.concurrency, true);
    const slotBound = await throughputSeries(cluster, size, size.slots, false);

    // Event-loop delay: `loopWorkers` busy workers stream `loopRuns` runs that as many focused clients follow.
    let loop = { p99: Number.NaN, max: Number.NaN };
    let serverCpuMs = Number.NaN;
    const clients = await startWorker('ws-clients-worker.ts');
    try {
      {
        await cluster.stopWorkers();
        await cluster.startWorkers(size.loopWorkers, size.concurrency);
        await warm(cluster, size.loopWorkers, size.concurrency, size.warmRuns);
      }
      const eld = new EventLoopDelay();
      eld.start();
      const cpu0 = threadCpuMs();
      // Each run gets its focused client as soon as its request is answered, as a browser opening a tab would.
      await Promise.all(
        Array.from({ length: size.loopRuns }, async (_, i) => {
          const runId = await cluster.startRun(DEMO_TICKERS[i % DEMO_TICKERS.length]!);
          await clients.call('follow', { wsUrl: cluster.bench.wsUrl, runIds: [runId] });
        }),
      );
      await clients.call('untilTerminal');
      const measured = eld.stop();
      const cpuMs = threadCpuMs().ms - cpu0.ms;
      const report = await clients.call<{ errors: string[] }>('report');
      if (report.errors.length > 0) throw new Error(`WebSocket clients saw errors: ${report.errors.join('; ')}`);
      [loop, serverCpuMs] = [measured, cpuMs];
    } catch (error) {
      log(`  event-loop delay with ${size.loopWorkers} workers: FAILED: ${errorMessage(error)}`);
    } finally {
      await clients.stop();
    }
    await cluster.stopWorkers();

    const at = `queue L=${L} ms`;
    figures.push(...seriesFigures(at, size, slotBound, size.slots, atLeast(1.7)), ...seriesFigures(at, size, cpuBound, size.concurrency, undefined));
    figures.push(
      figure(`${at}: one run's wall time, queue / local (median of ${size.latencyRepeats})`, q / l, '×', atMost(1.15)),
      figure(`${at}: one run's wall time in queue mode`, q, 'ms'),
      figure(`${at}: one run's wall time in local mode`, l, 'ms'),
      figure(`${at} (${size.loopRuns} runs on ${size.loopWorkers} workers, ${size.loopRuns} focused WS): server event-loop delay p99`, loop.p99, 'ms', atMost(20)),
      figure(`${at}: server event-loop delay max`, loop.max, 'ms'),
      figure(`${at}: server-thread CPU per run with ${size.loopRuns} focused WS`, serverCpuMs / size.loopRuns, 'ms'),
    );
    return figures;
  } catch (error) {
    // Said at once: closing a cluster whose worker failed can take a while.
    log(`  queue failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    throw error;
  } finally {
    if (localOpen) await local.close();
    await cluster.close();
    await fake.stop();
  }
}

/** What one throughput series measured, per worker count. */
interface Series {
  perSecond: Map<number, number>;
  serverCpuPerRun: Map<number, number>;
  workerUse: Map<number, { perRun: number; cores: number }>;
  machineBusy: Map<number, number>;
}

type Size = (typeof SIZES)[keyof typeof SIZES];

/** Runs finished per second with each worker count of `size.workers`, every worker with `concurrency` slots. */
async function throughputSeries(cluster: QueueCluster, size: Size, concurrency: number, firstIsWarm: boolean): Promise<Series> {
  const series: Series = { perSecond: new Map(), serverCpuPerRun: new Map(), workerUse: new Map(), machineBusy: new Map() };
  for (const [i, count] of size.workers.entries()) {
    try {
      if (i > 0 || !firstIsWarm) {
        await cluster.stopWorkers();
        await cluster.startWorkers(count, concurrency);
        await warm(cluster, count, concurrency, size.warmRuns);
      }
      const [cpu0, workers0, machine0] = [threadCpuMs(), cluster.workerCpuMs(), machineCpu()];
      const { wallMs } = await cluster.feed(size.runs, count * concurrency, size.backlog);
      const machine1 = machineCpu();
      series.serverCpuPerRun.set(count, (threadCpuMs().ms - cpu0.ms) / size.runs);
      const workerMs = cluster.workerCpuMs() - workers0;
      series.workerUse.set(count, { perRun: workerMs / size.runs, cores: workerMs / wallMs });
      series.machineBusy.set(count, (machine1.busy - machine0.busy) / (machine1.total - machine0.total));
      series.perSecond.set(count, size.runs / (wallMs / 1000));
      log(`  ${count} worker(s) × --concurrency ${concurrency}: ${size.runs} runs in ${(wallMs / 1000).toFixed(1)} s`);
    } catch (error) {
      log(`  ${count} worker(s) × --concurrency ${concurrency}: FAILED: ${errorMessage(error)}`);
    }
  }
  return series;
}

/** One series' figures; `bar` on its 1 → 2 scaling. */
function seriesFigures(at: string, size: Size, series: Series, concurrency: number, bar: Target | undefined): Figure[] {
  const tp = (count: number) => series.perSecond.get(count) ?? Number.NaN;
  const per = `--concurrency ${concurrency}`;
  return [
    ...size.workers.map((count) => figure(`${at}: throughput, ${size.runs} runs, ${count} worker(s) × ${per}`, tp(count), 'runs/s')),
    figure(`${at}: throughput scaling 1 → 2 workers, ${per}`, tp(2) / tp(1), '×', bar),
    ...(size.workers.includes(4) ? [figure(`${at}: throughput scaling 1 → 4 workers, ${per}`, tp(4) / tp(1), '×')] : []),
    ...size.workers.flatMap((count) => [
      figure(`${at}: server-thread CPU per run, ${count} worker(s) × ${per}`, series.serverCpuPerRun.get(count) ?? Number.NaN, 'ms'),
      figure(`${at}: worker CPU per run, ${count} worker(s) × ${per}`, series.workerUse.get(count)?.perRun ?? Number.NaN, 'ms'),
      figure(`${at}: cores the ${count} worker(s) × ${per} used`, series.workerUse.get(count)?.cores ?? Number.NaN, 'cores'),
      figure(`${at}: whole machine busy, ${count} worker(s) × ${per} (all processes, every user)`, (series.machineBusy.get(count) ?? Number.NaN) * 100, '%'),
    ]),
  ];
}

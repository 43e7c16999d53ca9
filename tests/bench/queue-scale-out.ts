import { existsSync } from 'node:fs';
import { errorMessage } from '@tradingfloor/shared';
import { redisSkipReason } from '../support/redis-server.js';
import { builtCli } from '../support/spawned-server.js';
import type { BenchOptions } from './bench-options.js';
import { DEMO_TICKERS, fakeProviderEnv, startFakeLlm } from './engine-fixture.js';
import { atLeast, atMost, figure, type Figure } from './figures.js';
import { startQueueCluster, type QueueCluster } from './queue-cluster.js';
import { startBenchServer, type BenchServer } from './server-fixture.js';
import { machineCpu } from './proc-cpu.js';
import { EventLoopDelay, median } from './stats.js';
import { threadCpuMs } from './thread-cpu.js';
import { BenchClient } from './ws-clients.js';
import { startWorker } from './worker-rpc.js';

/** How hard the queue group pushes: the sizes, and a tiny set for `--smoke`. */
const SIZES = {
  full: { warmRuns: 7, runs: 400, workers: [1, 2, 4], concurrency: 32, backlog: 32, latencyRepeats: 5, loopRuns: 100, loopWorkers: 4 },
  smoke: { warmRuns: 2, runs: 8, workers: [1, 2], concurrency: 4, backlog: 4, latencyRepeats: 1, loopRuns: 4, loopWorkers: 2 },
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
 * - throughput: `runs` runs fed through REST with 1, 2 and 4 workers of `--concurrency 32` each and no LLM
 *   limits, so each worker is bound by its own CPU; runs finished per second, and the 1 → 2 scaling (≥ 1.7);
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

    // Throughput with 1, 2, 4 workers (the first one is warm already). A phase that fails is reported as
    // n/a with its reason, and the next one still runs (its workers are fresh).
    const perSecond = new Map<number, number>();
    const serverCpuPerRun = new Map<number, number>();
    const workerUse = new Map<number, { perRun: number; cores: number }>();
    const machineBusy = new Map<number, number>();
    for (const count of size.workers) {
      try {
        if (count > 1) {
          await cluster.stopWorkers();
          await cluster.startWorkers(count, size.concurrency);
          await warm(cluster, count, size.concurrency, size.warmRuns);
        }
        const [cpu0, workers0, machine0] = [threadCpuMs(), cluster.workerCpuMs(), machineCpu()];
        const { wallMs } = await cluster.feed(size.runs, count * size.concurrency, size.backlog);
        const machine1 = machineCpu();
        serverCpuPerRun.set(count, (threadCpuMs().ms - cpu0.ms) / size.runs);
        const workerMs = cluster.workerCpuMs() - workers0;
        workerUse.set(count, { perRun: workerMs / size.runs, cores: workerMs / wallMs });
        machineBusy.set(count, (machine1.busy - machine0.busy) / (machine1.total - machine0.total));
        perSecond.set(count, size.runs / (wallMs / 1000));
        log(`  ${count} worker(s): ${size.runs} runs in ${(wallMs / 1000).toFixed(1)} s`);
      } catch (error) {
        log(`  ${count} worker(s): FAILED: ${errorMessage(error)}`);
      }
    }

    // Event-loop delay: `loopWorkers` busy workers stream `loopRuns` runs that as many focused clients follow.
    let loop = { p99: Number.NaN, max: Number.NaN };
    let serverCpuMs = Number.NaN;
    const clients = await startWorker('ws-clients-worker.ts');
    try {
      if (size.workers.at(-1) !== size.loopWorkers || !perSecond.has(size.loopWorkers)) {
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

    const tp = (count: number) => perSecond.get(count) ?? Number.NaN;
    const at = `queue L=${L} ms`;
    figures.push(
      ...size.workers.map((count) =>
        figure(`${at}: throughput, ${size.runs} runs, ${count} worker(s) × --concurrency ${size.concurrency}`, tp(count), 'runs/s'),
      ),
      figure(`${at}: throughput scaling 1 → 2 workers`, tp(2) / tp(1), '×', atLeast(1.7)),
    );
    if (size.workers.includes(4)) figures.push(figure(`${at}: throughput scaling 1 → 4 workers`, tp(4) / tp(1), '×'));
    figures.push(
      ...size.workers.map((count) =>
        figure(`${at}: server-thread CPU per run, ${count} worker(s)`, serverCpuPerRun.get(count) ?? Number.NaN, 'ms'),
      ),
      ...size.workers.flatMap((count) => [
        figure(`${at}: worker CPU per run, ${count} worker(s)`, workerUse.get(count)?.perRun ?? Number.NaN, 'ms'),
        figure(`${at}: cores the ${count} worker(s) used`, workerUse.get(count)?.cores ?? Number.NaN, 'cores'),
        figure(`${at}: whole machine busy during the ${count}-worker batch (all processes, every user)`, (machineBusy.get(count) ?? Number.NaN) * 100, '%'),
      ]),
    );
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

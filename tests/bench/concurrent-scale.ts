import type { BenchOptions } from './bench-options.js';
import type { ThreadUsage } from '@tradingfloor/engine';
import { createShippedManager, fakeProviderEnv, runBatch, startFakeLlm, warmUp } from './engine-fixture.js';
import { atMost, figure, type Figure, type Target } from './figures.js';
import { collectGarbage, lifetimePeakRss, median, MIB, RssSampler } from './stats.js';
import { threadCpuMs } from './thread-cpu.js';

/** What one process measured for N simultaneous runs. */
export interface ScaleResult {
  n: number;
  latencyMs: number;
  wallMs: number;
  /** Peak RSS of the process during the batch, bytes (sampled), and the kernel's lifetime peak. */
  peakRss: number;
  lifetimePeakRss: number;
  /** RSS after the warm-up, just before the batch. */
  rssBefore: number;
  /** CPU time of the whole process (all threads) per run, ms. */
  cpuMsPerRun: number;
  /**
   * CPU time of the threads that execute the runs, per run, ms: with engine worker threads the sum of what
   * each read inside itself (`threadUsage`); in-process the bench thread's (see `threadCpuMs`).
   */
  engineCpuMsPerRun: number;
  /** Whether `engineCpuMsPerRun` is per thread (Linux) or the whole process's (fallback). */
  enginePerThread: boolean;
  /** Engine worker threads the runs executed on (0: in-process, on the bench thread). */
  engineThreads: number;
  /** Event-loop active time of the engine worker threads per run, ms (`eventLoopUtilization`; null in-process). */
  engineActiveMsPerRun: number | null;
  /** Event-loop turns of the engine worker threads per run (`ThreadUsage.loopTurns`; null in-process or where Node lacks it). */
  engineLoopTurnsPerRun: number | null;
  /** CPU time of the supervising thread (the RunManager's, the server's in `serve`) per run, ms; with threads only. */
  supervisorCpuMsPerRun: number | null;
  /** First run that reached `in_progress` → last one, ms (one batch). */
  startSpreadMs: number;
  maxLlmInFlight: number;
}

/**
 * N runs started at once with no LLM limit, in a fresh process, each LLM call taking `latencyMs` (default:
 * the bench's L). N = 1 is measured `repeats` times (median) and is the baseline of the ratios. One warm-up
 * run per demo instrument first in every process. The RunManager is built as the server builds it
 * (`openRunManager`, `ENGINE_THREADS` passed through): by default the runs execute in engine worker threads,
 * whose CPU each thread reads inside itself; with `ENGINE_THREADS=0` the engine thread is this thread.
 */
export async function measureScale(options: BenchOptions, args: unknown): Promise<ScaleResult> {
  const { n, latencyMs = options.latencyMs } = args as { n: number; latencyMs?: number };
  const fake = await startFakeLlm(latencyMs);
  // No LLM_MAX_CONCURRENCY: every run's calls go straight out.
  const bench = await createShippedManager(fakeProviderEnv(fake), Math.max(n, 10));
  try {
    await warmUp(bench.manager);
    await fake.reset();
    collectGarbage();
    const rssBefore = process.memoryUsage.rss();
    const repeats = n === 1 ? options.repeats : 1;
    const walls: number[] = [];
    const started: number[] = [];
    const seen = new Set<string>();
    const unsubscribe = bench.manager.subscribe((event) => {
      if (event.type === 'changed' && event.summary.status === 'in_progress' && !seen.has(event.run_id)) {
        seen.add(event.run_id);
        started.push(performance.now());
      }
    });
    const rss = new RssSampler();
    const cpu0 = process.cpuUsage();
    const thread0 = threadCpuMs();
    const usage0 = (await bench.threadUsage?.()) ?? null;
    for (let i = 0; i < repeats; i++) walls.push((await runBatch(bench.manager, n)).wallMs);
    const thread = threadCpuMs();
    const usage = (await bench.threadUsage?.()) ?? null;
    const cpu = process.cpuUsage(cpu0);
    const peakRss = rss.stop();
    unsubscribe();
    const { maxInFlight } = await fake.summary();
    // The spread of the last batch (the only one when n > 1).
    const last = started.slice(-n);
    return {
      n,
      latencyMs,
      wallMs: median(walls),
      peakRss,
      lifetimePeakRss: lifetimePeakRss(),
      rssBefore,
      cpuMsPerRun: (cpu.user + cpu.system) / 1000 / (n * repeats),
      ...engineFigures(usage0, usage, thread.ms - thread0.ms, thread.perThread, n * repeats),
      startSpreadMs: last.length > 0 ? Math.max(...last) - Math.min(...last) : Number.NaN,
      maxLlmInFlight: maxInFlight,
    };
  } finally {
    await bench.close();
    await fake.stop();
  }
}

/** The engine's CPU per run: summed over the worker threads' own readings, or this thread's in-process. */
function engineFigures(before: ThreadUsage[] | null, after: ThreadUsage[] | null, benchThreadMs: number, perThread: boolean, runs: number) {
  if (before === null || after === null) {
    return { engineCpuMsPerRun: benchThreadMs / runs, enginePerThread: perThread, engineThreads: 0, engineActiveMsPerRun: null, engineLoopTurnsPerRun: null, supervisorCpuMsPerRun: null };
  }
  // A thread replaced meanwhile (a crash) has no reading before: it counts from 0.
  const at = (list: ThreadUsage[], id: number) => list.find((u) => u.threadId === id);
  let cpu = 0;
  let active = 0;
  let turns: number | null = 0;
  let measured = true;
  for (const u of after) {
    const b = at(before, u.threadId);
    if (u.cpuMs === null) measured = false;
    cpu += (u.cpuMs ?? 0) - (b?.cpuMs ?? 0);
    active += u.activeMs - (b?.activeMs ?? 0);
    turns = turns === null || u.loopTurns === null ? null : turns + u.loopTurns - (b?.loopTurns ?? 0);
  }
  return {
    engineCpuMsPerRun: measured ? cpu / runs : active / runs,
    enginePerThread: measured,
    engineThreads: after.length,
    engineActiveMsPerRun: active / runs,
    engineLoopTurnsPerRun: turns === null ? null : turns / runs,
    supervisorCpuMsPerRun: benchThreadMs / runs,
  };
}

/** Targets of one set of scale figures, by N (absent: reported for information). */
export interface ScaleTargets {
  ratio?: Record<number, number>;
  peakRssMiB?: Record<number, number>;
  engineCpuMs?: Record<number, number>;
  startSpreadMs?: Record<number, number>;
}

const pick = (table: Record<number, number> | undefined, n: number): Target | undefined =>
  table?.[n] !== undefined ? atMost(table[n]) : undefined;

/**
 * The concurrent-scale figures: wall-time ratios against N = 1, CPU per run (process and engine thread),
 * peak RSS, and the spread of the runs' start times.
 */
export function scaleFigures(results: readonly ScaleResult[], targets: ScaleTargets = {}): Figure[] {
  const single = results.find((r) => r.n === 1);
  const figures: Figure[] = [];
  for (const r of results) {
    const at = `scale N=${r.n}, L=${r.latencyMs} ms`;
    if (r.n === 1) {
      figures.push(figure(`${at}: wall time`, r.wallMs, 'ms'));
    } else if (single) {
      figures.push(figure(`${at}: wall / single-run wall`, r.wallMs / single.wallMs, 'ratio', pick(targets.ratio, r.n)));
    }
    figures.push(figure(`${at}: CPU per run, whole process`, r.cpuMsPerRun, 'ms'));
    const where = r.engineThreads > 0 ? `, read inside ${r.engineThreads} engine worker thread(s)` : ', in-process';
    const engineName = r.enginePerThread ? `engine-thread CPU per run${where}` : `engine CPU per run${r.engineThreads > 0 ? ' (event-loop active time: no per-thread CPU here)' : ' (process-wide fallback)'}`;
    figures.push(figure(`${at}: ${engineName}`, r.engineCpuMsPerRun, 'ms', pick(targets.engineCpuMs, r.n)));
    if (r.engineActiveMsPerRun !== null) figures.push(figure(`${at}: engine threads' event-loop active time per run`, r.engineActiveMsPerRun, 'ms'));
    // How often the engine threads went round their loops: mostly wake-ups, which on this microVM cost CPU on top
    // of the work (~0.12 ms each), which is why the same runs cost more at L = 1 s than at 100 ms; but V8's
    // garbage-collection tasks come through the loop too (a major collection's incremental marking is a burst of
    // ~1,000 turns), so the figure tells wake-ups only roughly.
    if (r.engineLoopTurnsPerRun !== null) figures.push(figure(`${at}: engine threads' event-loop turns per run`, r.engineLoopTurnsPerRun, 'turns'));
    if (r.supervisorCpuMsPerRun !== null) figures.push(figure(`${at}: supervising thread CPU per run`, r.supervisorCpuMsPerRun, 'ms'));
    // The process's other threads: V8's helpers (parallel and concurrent GC, the optimising compiler) and
    // libuv's pool, whose file operations (every results-file write and log append) are kernel time here.
    // They share the machine's cores with the engine thread, so they are what an engine thread waits behind.
    if (r.enginePerThread && r.supervisorCpuMsPerRun !== null)
      figures.push(figure(`${at}: CPU per run of the other threads (GC and compiler helpers, libuv's pool)`, r.cpuMsPerRun - r.engineCpuMsPerRun - r.supervisorCpuMsPerRun, 'ms'));
    const peak = Math.max(r.peakRss, r.lifetimePeakRss);
    figures.push(figure(`${at}: peak RSS`, peak / MIB, 'MiB', pick(targets.peakRssMiB, r.n)));
    if (r.n >= 100) {
      figures.push(figure(`${at}: peak RSS over the idle warmed-up process, per run`, (peak - r.rssBefore) / r.n / 1024, 'KiB'));
      figures.push(figure(`${at}: first run started → last started`, r.startSpreadMs, 'ms', pick(targets.startSpreadMs, r.n)));
    }
  }
  return figures;
}

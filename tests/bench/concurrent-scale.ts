import type { BenchOptions } from './bench-options.js';
import { createBenchManager, fakeProviderEnv, runBatch, startFakeLlm, warmUp } from './engine-fixture.js';
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
  /** CPU time of the thread that executes the runs, per run, ms (see `threadCpuMs`). */
  engineCpuMsPerRun: number;
  /** Whether `engineCpuMsPerRun` is one thread's (Linux) or the whole process's (fallback). */
  enginePerThread: boolean;
  /** First run that reached `in_progress` → last one, ms (one batch). */
  startSpreadMs: number;
  maxLlmInFlight: number;
}

/**
 * N runs started at once with no LLM limit, in a fresh process, each LLM call taking `latencyMs` (default:
 * the bench's L). N = 1 is measured `repeats` times (median) and is the baseline of the ratios. One warm-up
 * run per demo instrument first in every process. The RunManager runs in this process, so "engine thread"
 * is this thread.
 */
export async function measureScale(options: BenchOptions, args: unknown): Promise<ScaleResult> {
  const { n, latencyMs = options.latencyMs } = args as { n: number; latencyMs?: number };
  const fake = await startFakeLlm(latencyMs);
  // No LLM_MAX_CONCURRENCY: every run's calls go straight out.
  const bench = await createBenchManager(fakeProviderEnv(fake), Math.max(n, 10));
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
    for (let i = 0; i < repeats; i++) walls.push((await runBatch(bench.manager, n)).wallMs);
    const thread = threadCpuMs();
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
      engineCpuMsPerRun: (thread.ms - thread0.ms) / (n * repeats),
      enginePerThread: thread.perThread,
      startSpreadMs: last.length > 0 ? Math.max(...last) - Math.min(...last) : Number.NaN,
      maxLlmInFlight: maxInFlight,
    };
  } finally {
    await bench.close();
    await fake.stop();
  }
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
    const engineName = r.enginePerThread ? 'engine-thread CPU per run' : 'engine CPU per run (process-wide fallback)';
    figures.push(figure(`${at}: ${engineName}`, r.engineCpuMsPerRun, 'ms', pick(targets.engineCpuMs, r.n)));
    const peak = Math.max(r.peakRss, r.lifetimePeakRss);
    figures.push(figure(`${at}: peak RSS`, peak / MIB, 'MiB', pick(targets.peakRssMiB, r.n)));
    if (r.n >= 100) {
      figures.push(figure(`${at}: peak RSS over the idle warmed-up process, per run`, (peak - r.rssBefore) / r.n / 1024, 'KiB'));
      figures.push(figure(`${at}: first run started → last started`, r.startSpreadMs, 'ms', pick(targets.startSpreadMs, r.n)));
    }
  }
  return figures;
}

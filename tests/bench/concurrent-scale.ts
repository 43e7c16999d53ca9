import type { BenchOptions } from './bench-options.js';
import { createBenchManager, fakeProviderEnv, runBatch, startFakeLlm, warmUp } from './engine-fixture.js';
import { atMost, figure, type Figure } from './figures.js';
import { collectGarbage, lifetimePeakRss, median, MIB, RssSampler } from './stats.js';

/** What one process measured for N simultaneous runs. */
export interface ScaleResult {
  n: number;
  wallMs: number;
  /** Peak RSS of the process during the batch, bytes (sampled), and the kernel's lifetime peak. */
  peakRss: number;
  lifetimePeakRss: number;
  /** RSS after the warm-up, just before the batch. */
  rssBefore: number;
  /** CPU time of the whole process (all threads) per run, ms. */
  cpuMsPerRun: number;
  maxLlmInFlight: number;
}

/**
 * N runs started at once with no LLM limit, in a fresh process. N = 1 is measured `repeats` times (median)
 * and is the baseline of the ratios. One warm-up run first in every process.
 */
export async function measureScale(options: BenchOptions, args: unknown): Promise<ScaleResult> {
  const { n } = args as { n: number };
  const fake = await startFakeLlm(options.latencyMs);
  // No LLM_MAX_CONCURRENCY: every run's calls go straight out.
  const bench = await createBenchManager(fakeProviderEnv(fake), Math.max(n, 10));
  try {
    await warmUp(bench.manager);
    await fake.reset();
    collectGarbage();
    const rssBefore = process.memoryUsage.rss();
    const repeats = n === 1 ? options.repeats : 1;
    const walls: number[] = [];
    const rss = new RssSampler();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < repeats; i++) walls.push((await runBatch(bench.manager, n)).wallMs);
    const cpu = process.cpuUsage(cpu0);
    const peakRss = rss.stop();
    const { maxInFlight } = await fake.summary();
    return {
      n,
      wallMs: median(walls),
      peakRss,
      lifetimePeakRss: lifetimePeakRss(),
      rssBefore,
      cpuMsPerRun: (cpu.user + cpu.system) / 1000 / (n * repeats),
      maxLlmInFlight: maxInFlight,
    };
  } finally {
    await bench.close();
    await fake.stop();
  }
}

const RATIO_TARGETS: Record<number, number> = { 100: 1.25, 1000: 1.5 };

/** The concurrent-scale figures: wall-time ratios against N = 1, peak RSS, CPU per run. */
export function scaleFigures(results: readonly ScaleResult[]): Figure[] {
  const single = results.find((r) => r.n === 1);
  const figures: Figure[] = [];
  for (const r of results) {
    if (r.n === 1) {
      figures.push(figure('scale N=1: wall time', r.wallMs, 'ms'));
    } else if (single) {
      const target = RATIO_TARGETS[r.n];
      figures.push(figure(`scale N=${r.n}: wall / single-run wall`, r.wallMs / single.wallMs, 'ratio', target ? atMost(target) : undefined));
    }
    figures.push(figure(`scale N=${r.n}: CPU per run`, r.cpuMsPerRun, 'ms'));
    const bigN = r.n === Math.max(...results.map((x) => x.n));
    const peak = Math.max(r.peakRss, r.lifetimePeakRss);
    figures.push(figure(`scale N=${r.n}: peak RSS`, peak / MIB, 'MiB', bigN && r.n >= 1000 ? atMost(1024) : undefined));
    if (bigN) figures.push(figure(`scale N=${r.n}: peak RSS over the idle warmed-up process, per run`, (peak - r.rssBefore) / r.n / 1024, 'KiB'));
  }
  return figures;
}

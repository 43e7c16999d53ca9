import type { BenchOptions } from './bench-options.js';
import { createBenchManager, DEMO_TICKERS, fakeProviderEnv, OPENAI_RUN, runBatch, startFakeLlm, warmUp } from './engine-fixture.js';
import { atMost, figure, type Figure } from './figures.js';
import { criticalPathOf } from './llm-calls.js';
import { median } from './stats.js';

/**
 * Figure 1: one run's wall time over (LLM calls on its critical path × L), with parallel analysts, and the
 * same run with sequential analysts to show what the parallel state saves. One warm-up run first: a
 * long-lived server is warm, and the first run pays the JIT and the demo market's generation.
 */
export async function measureCriticalPath(options: BenchOptions): Promise<Figure[]> {
  const L = options.latencyMs;
  const fake = await startFakeLlm(L);
  const bench = await createBenchManager(fakeProviderEnv(fake), DEMO_TICKERS.length);
  try {
    await warmUp(bench.manager);
    const measure = async (sequential: boolean) => {
      const ratios: number[] = [];
      const walls: number[] = [];
      let calls = 0;
      for (let i = 0; i < options.repeats; i++) {
        await fake.reset();
        const { wallMs } = await runBatch(bench.manager, 1, { ...OPENAI_RUN, sequential_analysts: sequential });
        const path = criticalPathOf(await fake.requests());
        calls = sequential ? path.total : path.calls;
        walls.push(wallMs);
        ratios.push(wallMs / (calls * L));
      }
      return { ratio: median(ratios), wall: median(walls), calls };
    };
    const parallel = await measure(false);
    const sequential = await measure(true);
    return [
      figure(`critical path: wall / (${parallel.calls} calls × L=${L} ms)`, parallel.ratio, 'ratio', atMost(1.1)),
      figure('critical path: single-run wall time', parallel.wall, 'ms'),
      figure(`analysts sequential / parallel wall time (${sequential.calls} vs ${parallel.calls} calls)`, sequential.wall / parallel.wall, 'ratio'),
    ];
  } finally {
    await bench.close();
    await fake.stop();
  }
}

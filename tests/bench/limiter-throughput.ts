import type { BenchOptions } from './bench-options.js';
import { createBenchManager, DEMO_TICKERS, fakeProviderEnv, runBatch, startFakeLlm, warmUp } from './engine-fixture.js';
import { atLeast, atMost, figure, type Figure } from './figures.js';
import { saturatedThroughput } from './llm-calls.js';

/**
 * Figure 2b: with `LLM_MAX_CONCURRENCY = K` and enough runs to keep K calls busy, the LLM calls per second
 * the limiter lets through, over the ideal K / L. Also checks the limit held at the fake server.
 */
export async function measureLimiter(options: BenchOptions): Promise<Figure[]> {
  const K = options.limiterK;
  const L = options.latencyMs;
  const fake = await startFakeLlm(L);
  const bench = await createBenchManager(fakeProviderEnv(fake, { LLM_MAX_CONCURRENCY: String(K) }), Math.max(options.limiterRuns, DEMO_TICKERS.length));
  try {
    await warmUp(bench.manager);
    await fake.reset();
    await runBatch(bench.manager, options.limiterRuns);
    const calls = await fake.requests();
    const { maxInFlight } = await fake.summary();
    const measured = saturatedThroughput(calls, K);
    const ideal = K / (L / 1000);
    return [
      figure(`limiter K=${K}: throughput / (K / L)`, measured.perSecond / ideal, 'ratio', atLeast(0.9)),
      figure(`limiter K=${K}: most LLM calls in flight`, maxInFlight, 'calls', atMost(K)),
    ];
  } finally {
    await bench.close();
    await fake.stop();
  }
}

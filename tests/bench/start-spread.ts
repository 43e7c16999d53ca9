import { rm } from 'node:fs/promises';
import { openRunManager, parseEngineEnv, type RunManager } from '@tradingfloor/engine';
import { deferred } from '@tradingfloor/shared';
import type { BenchOptions } from './bench-options.js';
import { fakeProviderEnv, OPENAI_RUN, startFakeLlm, tempDir, tickersFor, warmUp, type FakeLlm } from './engine-fixture.js';
import { atMost, figure, type Figure } from './figures.js';
import { collectGarbage } from './stats.js';

/** How long the batch may take to be all `in_progress` before the measurement gives up. */
const START_TIMEOUT_MS = 120_000;

/** Analysts of a run with the default options: each makes its first model call once the run has begun. */
const ANALYSTS_PER_RUN = 4;

/**
 * Epoch ms at which the fake model received the first call of each analyst of the batch (a call offering
 * tools — only analysts are offered tools — with no tool result in it yet), in order, once all
 * `expected` have arrived. Polls the fake's process (another process: this is a bench, not a test).
 */
async function firstAnalystCalls(fake: FakeLlm, expected: number): Promise<number[]> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    if ((await fake.summary()).count >= expected) {
      const firsts = (await fake.requests()).filter((r) => r.tools > 0 && r.toolResults === 0).map((r) => r.receivedAt);
      if (firsts.length >= expected) return firsts.sort((a, b) => a - b);
    }
    if (performance.now() > deadline) throw new Error(`the fake model did not receive ${expected} first analyst calls within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Issue 13's "first of 1000 runs started → last started", measured as the server runs: a RunManager built by
 * `openRunManager` (the engine host `ENGINE_THREADS` picks; default worker threads) with the shipped heap
 * flags, `startRuns` runs of the real openai SDK against the fake model at the users' latency (L = 1 s), one
 * `start()` call. The times are taken on the supervising thread, where the `in_progress` events arrive. The
 * runs are canceled once all have started (how fast they finish is the `users` group's figure).
 */
export async function measureStartSpread(options: BenchOptions): Promise<Figure[]> {
  const n = options.startRuns;
  const fake = await startFakeLlm(options.userLatencyMs);
  const resultsDir = await tempDir('tf-bench-start-');
  const env = parseEngineEnv({ ...fakeProviderEnv(fake), ...(process.env.ENGINE_THREADS !== undefined ? { ENGINE_THREADS: process.env.ENGINE_THREADS } : {}) });
  const opened = await openRunManager({ env, resultsDir, maxParallelRuns: n + 10 });
  const manager: RunManager = opened.manager;
  try {
    await warmUp(manager);
    await fake.reset();
    collectGarbage();
    const startedAt = new Map<string, number>();
    const all = deferred<void>();
    const unsubscribe = manager.subscribe((event) => {
      if (event.type !== 'changed' || event.summary.status !== 'in_progress' || startedAt.has(event.run_id)) return;
      // Epoch time (sub-ms), to compare with the fake model's arrival times (`Date.now()` in its process).
      startedAt.set(event.run_id, performance.timeOrigin + performance.now());
      if (startedAt.size === n) all.resolve();
    });
    const timer = setTimeout(() => all.reject(new Error(`only ${startedAt.size} of ${n} runs reached in_progress within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const t0 = performance.timeOrigin + performance.now();
    const runs = await manager.start(tickersFor(n).map((ticker) => ({ ticker, options: OPENAI_RUN })));
    const answeredMs = performance.timeOrigin + performance.now() - t0;
    await all.promise.finally(() => clearTimeout(timer));
    unsubscribe();
    const calls = await firstAnalystCalls(fake, n * ANALYSTS_PER_RUN);
    const ours = runs.map((r) => startedAt.get(r.run_id)!);
    const first = Math.min(...ours);
    const last = Math.max(...ours);
    const at = `start ${n} runs, L=${options.userLatencyMs} ms, ${opened.host.kind} host (${opened.host.threads} thread(s))`;
    return [
      figure(`${at}: first run started → last started`, last - first, 'ms', n >= 1000 ? atMost(500) : undefined),
      figure(`${at}: start() called → last started`, last - t0, 'ms'),
      figure(`${at}: start() called → answered`, answeredMs, 'ms'),
      // Information: what a user waits for, whatever the spread (a batch held back to start together would
      // show here). The fake model's arrival times are epoch ms of its own clock, as `t0` is.
      figure(`${at}: start() called → first model call received`, calls[0]! - t0, 'ms'),
      figure(`${at}: start() called → every analyst's first model call received (${calls.length})`, calls.at(-1)! - t0, 'ms'),
      // Information: when the runs' work reaches the model. Every run's first call is one of its analysts' first
      // calls, so the last of the 4 × n first analyst calls bounds the last run's first call from above.
      figure(`${at}: first run started → first model call received`, calls[0]! - first, 'ms'),
      figure(`${at}: first run started → every analyst's first model call received (${calls.length})`, calls.at(-1)! - first, 'ms'),
    ];
  } finally {
    await manager.shutdown();
    opened.close();
    await fake.stop();
    await rm(resultsDir, { recursive: true, force: true });
  }
}

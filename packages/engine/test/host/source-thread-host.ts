import { parseEngineEnv } from '../../src/config/engine-env.js';
import { ThreadHost, type ThreadHostOptions } from '../../src/host/thread-host.js';
import type { ConcurrencyLimiter } from '../../src/limiter/concurrency-limiter.js';
import { createEngineDeps } from '../../src/runs/engine-deps.js';
import { RunManager } from '../../src/runs/run-manager.js';

/**
 * A ThreadHost running the engine worker from the sources (booted through tsx, as the CLI runs the built
 * one) on the demo defaults, ready, and a RunManager over it that shares `limiter` with the threads.
 */
export async function startSourceThreadHost(options: {
  threads: number;
  resultsDir: string;
  limiter: ConcurrencyLimiter;
  onThreadExit?: ThreadHostOptions['onThreadExit'];
}): Promise<{ host: ThreadHost; manager: RunManager }> {
  const { threads, resultsDir, limiter, onThreadExit } = options;
  const host = new ThreadHost({
    threads,
    entry: new URL('../../src/runs/engine-worker.ts', import.meta.url),
    workerData: { env: parseEngineEnv({}), resultsDir, logBufferMaxLines: 250 },
    limiter,
    ...(onThreadExit ? { onThreadExit } : {}),
  });
  await host.ready();
  const manager = new RunManager({ deps: createEngineDeps(parseEngineEnv({}), { limiter }), resultsDir, host, maxParallelRuns: 4 });
  return { host, manager };
}

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngineDeps, openRunManager, parseEngineEnv, RunManager, type ThreadUsage } from '@tradingfloor/engine';
import type { RunOptionsInput, RunSummary } from '@tradingfloor/shared';
import type { LlmCallRecord } from './llm-calls.js';
import { startWorker, type Worker } from './worker-rpc.js';

/** The fake LLM server, running in a worker process. */
export interface FakeLlm {
  openaiBaseURL: string;
  reset(): Promise<void>;
  requests(): Promise<LlmCallRecord[]>;
  summary(): Promise<{ count: number; maxInFlight: number; inFlight: number }>;
  stop(): Promise<void>;
}

export async function startFakeLlm(latencyMs: number): Promise<FakeLlm> {
  const worker: Worker = await startWorker('fake-llm-worker.ts');
  const { openaiBaseURL } = await worker.call<{ openaiBaseURL: string }>('start', { latencyMs });
  return {
    openaiBaseURL,
    reset: () => worker.call('reset'),
    requests: () => worker.call('requests'),
    summary: () => worker.call('summary'),
    stop: () => worker.stop(),
  };
}

/** The environment that sends `llm_provider: 'openai'` runs through the real openai SDK to the fake server. */
export function fakeProviderEnv(fake: FakeLlm, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'bench-key', ...extra };
}

/** The demo market's instruments (the embedded default, so the bench needs no data folder). */
export const DEMO_TICKERS = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI'] as const;

export function tickersFor(n: number): string[] {
  return Array.from({ length: n }, (_, i) => DEMO_TICKERS[i % DEMO_TICKERS.length]!);
}

/** The options of every benchmark run: the openai provider (pointed at the fake server), defaults otherwise. */
export const OPENAI_RUN: RunOptionsInput = { llm_provider: 'openai' };

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A RunManager wired from `env` exactly as the server wires it, writing results into a temp folder. */
export async function createBenchManager(env: NodeJS.ProcessEnv, maxParallelRuns: number) {
  const resultsDir = await tempDir('tf-bench-results-');
  const manager = new RunManager({ deps: createEngineDeps(parseEngineEnv(env)), resultsDir, maxParallelRuns });
  return {
    manager,
    resultsDir,
    async close() {
      await manager.shutdown();
      await rm(resultsDir, { recursive: true, force: true });
    },
  };
}

/**
 * A RunManager as the server builds it (`openRunManager`): `ENGINE_THREADS` passes through, so by default the
 * runs execute in engine worker threads, which report their own CPU time (`threadUsage`, null in-process).
 */
export async function createShippedManager(env: NodeJS.ProcessEnv, maxParallelRuns: number) {
  const resultsDir = await tempDir('tf-bench-results-');
  const threads = process.env.ENGINE_THREADS !== undefined ? { ENGINE_THREADS: process.env.ENGINE_THREADS } : {};
  const opened = await openRunManager({ env: parseEngineEnv({ ...env, ...threads }), resultsDir, maxParallelRuns });
  return {
    manager: opened.manager,
    host: opened.host,
    threadUsage: opened.threadUsage as (() => Promise<ThreadUsage[]>) | null,
    resultsDir,
    async close() {
      await opened.manager.shutdown();
      opened.close();
      await rm(resultsDir, { recursive: true, force: true });
    },
  };
}

/**
 * One run per demo instrument, unmeasured: a long-lived process has run its code (JIT) and generated its
 * market data before, so the figures do not pay for a cold start.
 */
export async function warmUp(manager: RunManager): Promise<void> {
  await runBatch(manager, DEMO_TICKERS.length);
}

/**
 * Starts `n` runs at once and waits for all of them. The wall time runs from the `start()` call (creating
 * the runs is part of the cost) to the last run's end; every run must complete.
 */
export async function runBatch(manager: RunManager, n: number, options: RunOptionsInput = OPENAI_RUN): Promise<{ wallMs: number; runs: RunSummary[] }> {
  const t0 = performance.now();
  const started = await manager.start(tickersFor(n).map((ticker) => ({ ticker, options })));
  const runs = await Promise.all(started.map((s) => manager.whenFinished(s.run_id)));
  const wallMs = performance.now() - t0;
  const failed = runs.filter((r) => r.status !== 'completed');
  if (failed.length > 0) {
    throw new Error(`${failed.length} of ${n} runs did not complete, e.g. ${failed[0]!.run_id}: ${failed[0]!.status} ${failed[0]!.error ?? ''}`);
  }
  return { wallMs, runs };
}

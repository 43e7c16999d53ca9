import type { EngineHost } from '../host/host-protocol.js';
import { ThreadHost } from '../host/thread-host.js';
import type { ThreadUsage } from '../host/thread-usage.js';
import { ConcurrencyLimiter } from '../limiter/concurrency-limiter.js';
import type { StatelyInspector } from '../machine/stately-inspector.js';
import { connectStatelyInspector, statelySettingFromEnv } from '../machine/stately-inspector.js';
import type { EngineEnv } from '../config/engine-env.js';
import { createEngineDeps } from './engine-deps.js';
import type { EngineDeps } from './run-manager-api.js';
import { DEFAULT_LOG_BUFFER_MAX_LINES } from '../logs/run-log.js';
import { AGENT_STEPS } from '../machine/agent-steps.js';
import { LessonStore } from '../memory/lesson-store.js';
import { DEFAULT_MAX_PARALLEL_RUNS, RunManager, type RunManagerOptions } from './run-manager.js';

/** How `serve`, `run`, `resume` and `backtest` want their RunManager. */
export interface OpenRunManagerOptions extends Omit<RunManagerOptions, 'deps' | 'inspect'> {
  /** The engine's environment, parsed once by `parseEngineEnv`: market data, providers, limits, prices, `INSPECT`. */
  env: EngineEnv;
  /**
   * Connect the Stately inspector when `INSPECT=stately` asks for it (`force` = the `--inspect` flag turns it
   * on anyway). Left out: no inspector, whatever `INSPECT` says (`run`, `backtest`).
   */
  stately?: { force: boolean; onConnect?: (url: string) => void };
  /** Read the results directory's history before returning (`serve`, `resume`); default false. */
  loadHistory?: boolean;
  /**
   * Queue mode: make `maxParallelRuns` the queue's global concurrency, the runs executing at once on every
   * worker (`serve`). Off (the default), the queue's setting is left as a server made it.
   */
  queueConcurrency?: boolean;
  /** Told when an engine thread died and was replaced (its runs ended as `error`). */
  onThreadExit?(info: { threadId: number; reason: string; runs: string[] }): void;
  /**
   * Queue mode, `serve` only: the server's stable identity (`queueServerId`). Its event stream survives a
   * restart, a graceful stop leaves the runs executing on the workers, and the next start re-attaches them.
   * Left out (`run`, `resume`, `backtest`): a fresh stream per process, and a stop ends the runs as before.
   */
  queueServerId?: string;
}

/** A RunManager built from the environment, with what it was built from. */
export interface OpenedRunManager {
  manager: RunManager;
  /** The deps it runs on (a BacktestManager shares the market data vendor). */
  deps: EngineDeps;
  /** Where its runs execute: `in-process` (`ENGINE_THREADS=0`, or the Stately inspector), `threads` or `queue` (`REDIS_URL`). */
  host: { kind: string; threads: number };
  /** Run directories `loadHistory` could not read, with the reason (empty when history was not loaded). */
  skipped: Array<{ dir: string; reason: string }>;
  /** Closes what the manager holds outside itself (the Stately inspector's socket). */
  close(): void;
  /** With engine worker threads: each thread's CPU and event-loop time so far, read inside it (benchmarks); else null. */
  threadUsage: (() => Promise<ThreadUsage[]>) | null;
}

/**
 * The one way the CLI and the server build a RunManager: deps from the parsed environment
 * (`createEngineDeps`), the engine host (`REDIS_URL`: queue workers; else `ENGINE_THREADS` worker threads, or in-process), the Stately
 * inspector when asked for, and the history when asked for. The Stately inspector needs the run actors on
 * this thread, so with it runs execute in-process. Throws `ConfigError` on a malformed setting before
 * anything is connected or started.
 */
export async function openRunManager(options: OpenRunManagerOptions): Promise<OpenedRunManager> {
  const { env, stately: statelyWish, loadHistory, onThreadExit, queueConcurrency, queueServerId, ...managerOptions } = options;
  const setting = statelyWish ? statelySettingFromEnv(env, statelyWish.force) : null;
  const threads = setting ? 0 : env.engineThreads;
  // One limiter for the process: the deps' provider wrapping (in-process runs) and every engine thread's permits.
  const limiter = ConcurrencyLimiter.fromEnv(env);
  const deps = createEngineDeps(env, { limiter });
  let stately: StatelyInspector | null = null;
  if (setting) {
    stately = await connectStatelyInspector(setting);
    statelyWish?.onConnect?.(setting.url);
  }
  let host: EngineHost | undefined;
  if (env.redisUrl !== undefined && !setting) {
    // Queue mode: runs execute on `tradingfloor worker` processes; this process only serves. Its module (BullMQ,
    // ioredis) is loaded here, so a process outside queue mode never holds it (`queue-entry.ts`).
    const { QueueHost } = await import('./queue-host.js');
    host = await QueueHost.open({
      redisUrl: env.redisUrl,
      ...(queueServerId !== undefined ? { serverId: queueServerId } : {}),
      // Only a server sets the cluster's MAX_PARALLEL_RUNS; `run` / `backtest` use the queue as it is.
      ...(queueConcurrency ? { maxParallelRuns: managerOptions.maxParallelRuns ?? DEFAULT_MAX_PARALLEL_RUNS } : {}),
      local: {
        deps,
        steps: AGENT_STEPS,
        logBufferMaxLines: managerOptions.logBufferMaxLines ?? DEFAULT_LOG_BUFFER_MAX_LINES,
        now: Date.now,
        lessonStore: new LessonStore(managerOptions.resultsDir),
      },
    });
  } else if (threads > 0) {
    const threadHost = new ThreadHost({
      threads,
      entry: new URL(`./engine-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
      workerData: {
        // The parsed environment is plain data: it crosses to a thread as it is.
        env,
        resultsDir: managerOptions.resultsDir,
        logBufferMaxLines: managerOptions.logBufferMaxLines ?? DEFAULT_LOG_BUFFER_MAX_LINES,
        ...(managerOptions.inspectionMax !== undefined ? { inspectionMax: managerOptions.inspectionMax } : {}),
      },
      limiter,
      ...(onThreadExit ? { onThreadExit } : {}),
    });
    try {
      await threadHost.ready();
    } catch (error) {
      await threadHost.close();
      throw error;
    }
    host = threadHost;
  }
  const manager = new RunManager({ ...managerOptions, deps, ...(host ? { host } : {}), ...(stately ? { inspect: stately.inspect } : {}) });
  const skipped = loadHistory ? await manager.loadHistory() : [];
  const threadUsage = host instanceof ThreadHost ? () => host.usage() : null;
  return {
    manager,
    deps,
    host: { kind: host?.kind ?? 'in-process', threads: host?.kind === 'queue' ? 0 : threads },
    skipped,
    close: () => stately?.stop(),
    threadUsage,
  };
}

import type { RunManagerApi } from '@tradingfloor/engine';

/** What the `run` command needs to build its RunManager. */
interface ManagerSettings {
  env: Record<string, string | undefined>;
  /** Absolute results directory. */
  resultsDir: string;
  /** The batch's `--parallel`: the manager's `maxParallelRuns`. */
  maxParallelRuns: number;
}

/** Builds a RunManager. Injected by tests that bring their own; the CLI uses {@link createEngineManager}. */
export type CreateManager = (settings: ManagerSettings) => Promise<RunManagerApi>;

/**
 * The engine's RunManager, with market data and model providers taken from the environment (DATA_DIR,
 * OPENAI_API_KEY, …). Imported lazily so that `--help` and input errors answer without loading the engine.
 */
export const createEngineManager: CreateManager = async ({ env, resultsDir, maxParallelRuns }) => {
  const engine = await import('@tradingfloor/engine');
  return (await engine.openRunManager({ env: engine.parseEngineEnv(env), resultsDir, maxParallelRuns })).manager;
};

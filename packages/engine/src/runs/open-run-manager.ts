import type { StatelyInspector } from '../machine/stately-inspector.js';
import { connectStatelyInspector, statelySettingFromEnv } from '../machine/stately-inspector.js';
import type { EngineEnv } from '../config/engine-env.js';
import { createEngineDeps } from './engine-deps.js';
import type { EngineDeps } from './run-manager-api.js';
import { RunManager, type RunManagerOptions } from './run-manager.js';

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
}

/** A RunManager built from the environment, with what it was built from. */
export interface OpenedRunManager {
  manager: RunManager;
  /** The deps it runs on (a BacktestManager shares the market data vendor). */
  deps: EngineDeps;
  /** Run directories `loadHistory` could not read, with the reason (empty when history was not loaded). */
  skipped: Array<{ dir: string; reason: string }>;
  /** Closes what the manager holds outside itself (the Stately inspector's socket). */
  close(): void;
}

/**
 * The one way the CLI and the server build a RunManager: deps from the parsed environment
 * (`createEngineDeps`), the Stately inspector when asked for, and the history when asked for.
 * Throws `ConfigError` on a malformed setting before anything is connected.
 */
export async function openRunManager(options: OpenRunManagerOptions): Promise<OpenedRunManager> {
  const { env, stately: statelyWish, loadHistory, ...managerOptions } = options;
  const setting = statelyWish ? statelySettingFromEnv(env, statelyWish.force) : null;
  const deps = createEngineDeps(env);
  let stately: StatelyInspector | null = null;
  if (setting) {
    stately = await connectStatelyInspector(setting);
    statelyWish?.onConnect?.(setting.url);
  }
  const manager = new RunManager({ ...managerOptions, deps, ...(stately ? { inspect: stately.inspect } : {}) });
  const skipped = loadHistory ? await manager.loadHistory() : [];
  return { manager, deps, skipped, close: () => stately?.stop() };
}

/**
 * The V8 heap flags the launch scripts ship with (root package.json `start` / `serve` / `cli` / `dev` and the
 * `tradingfloor` bin's shebang; `tests/integration/bench-smoke.test.ts` checks they agree): a 768 MiB
 * old-space cap for each thread's heap (GC works harder before a heap grows past it, so 1000 runs in flight
 * stay near 1 GiB of RSS). The engine worker threads' young generation is set apart (`resourceLimits`,
 * engine `ENGINE_THREAD_YOUNG_GENERATION_MB`): as a flag it would size the serving thread's heap too.
 */
export const SHIPPED_NODE_FLAGS = ['--max-old-space-size=768'];

/**
 * The environment the same launch scripts give Node (`VAR=value node …` in the scripts, `env -S VAR=value node …`
 * in the shebang): glibc's malloc keeps at most 2 arenas instead of up to 8 per core. Each thread that mallocs
 * (the engine worker threads, libuv's pool writing the results files, V8's GC helpers) would otherwise get an
 * arena of its own, and the freed space stranded in those arenas is RSS no heap flag reaches (issue 13).
 */
export const SHIPPED_NODE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** `SHIPPED_NODE_ENV` as the launch scripts write it before `node`. */
export function shippedEnvPrefix(env: Readonly<Record<string, string>> = SHIPPED_NODE_ENV): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

/** What one benchmark run measures and how hard it pushes. */
export interface BenchOptions {
  mode: 'full' | 'smoke';
  /** Fixed latency of every fake LLM call, ms. */
  latencyMs: number;
  /** Repeats of the single-run measurements (the median is reported). */
  repeats: number;
  /** Simultaneous runs of the concurrent-scale figures (at L, for information). */
  scaleN: number[];
  /**
   * Issue 13: the latency "where users live" (real models answer in seconds) and the simultaneous runs
   * measured at it (the `users` group: engine-thread CPU, wall / one run, peak RSS, start spread).
   */
  userLatencyMs: number;
  userScaleN: number[];
  /** Latencies the server-load group runs at, each in a fresh process (issue 13: L = 1 s and L = 100 ms). */
  serverLoadLatenciesMs: number[];
  /** Runs of the one `start()` call whose first → last `in_progress` spread the `start` group measures (issue 13). */
  startRuns: number;
  /** Offline-model runs (no latency) started at once for the runs-per-second figure. */
  offlineRuns: number;
  /** `LLM_MAX_CONCURRENCY` of the limiter figure, and how many runs keep it busy. */
  limiterK: number;
  limiterRuns: number;
  /** Server under load: runs, focused and aggregate WebSocket clients. */
  loadRuns: number;
  focusedClients: number;
  aggregateClients: number;
  /** Runs whose focused streams are weighed for the patch-efficiency figure. */
  patchRuns: number;
  /** Runs stored on disk for the API latency figures, and requests timed per endpoint. */
  storedRuns: number;
  apiRequests: number;
  /** Runs stored for the board's paged `GET /runs` figures (issue 17). */
  boardStoredRuns: number;
  /** Runs live at once in the browser board figures (offline model with latency). */
  boardLiveRuns: number;
  /** Node flags of the measured processes: the shipped heap flags unless `--node-flags=none|<flags>`. */
  nodeFlags: string[];
  /** Environment of the measured processes: the shipped one unless `--node-env=none|"VAR=value VAR=value"`. */
  nodeEnv: Record<string, string>;
  /** Only these groups (all when empty). */
  only: string[];
  /** Where results.json goes. */
  out: string;
}

const FULL: Omit<BenchOptions, 'only' | 'out' | 'nodeFlags' | 'nodeEnv'> = {
  mode: 'full',
  latencyMs: 100,
  repeats: 3,
  scaleN: [1, 10, 100, 1000],
  userLatencyMs: 1000,
  userScaleN: [1, 100, 1000],
  serverLoadLatenciesMs: [1000, 100],
  startRuns: 1000,
  offlineRuns: 200,
  limiterK: 8,
  limiterRuns: 24,
  loadRuns: 100,
  focusedClients: 100,
  aggregateClients: 20,
  patchRuns: 3,
  storedRuns: 500,
  apiRequests: 200,
  boardStoredRuns: 10_000,
  boardLiveRuns: 500,
};

/** Small and fast: proves the harness works end to end (CI), the figures mean little. */
const SMOKE: Omit<BenchOptions, 'only' | 'out' | 'nodeFlags' | 'nodeEnv'> = {
  mode: 'smoke',
  latencyMs: 5,
  repeats: 1,
  scaleN: [1, 4],
  userLatencyMs: 20,
  // The users group measures through the same code as scale: the smoke run skips it to stay short.
  userScaleN: [],
  serverLoadLatenciesMs: [5],
  startRuns: 20,
  offlineRuns: 10,
  limiterK: 2,
  limiterRuns: 3,
  loadRuns: 4,
  focusedClients: 4,
  aggregateClients: 2,
  patchRuns: 1,
  storedRuns: 12,
  apiRequests: 30,
  boardStoredRuns: 40,
  boardLiveRuns: 10,
};

export const USAGE = `usage: npm run bench -- [--smoke] [--only=group,group] [--latency-ms=N] [--scale=1,10,100,1000]
  [--user-latency-ms=N] [--user-scale=1,100,1000] [--server-load-latency-ms=1000,100] [--start-runs=N] [--offline-runs=N]
  [--node-flags=none|"--flag --flag"] [--node-env=none|"VAR=value VAR=value"] [--out=path]
groups: critical-path, scale, users, start, limiter, server-load, patch-efficiency, offline, api, backtest, board-api, board-ui, queue`;

const VALUE_OPTIONS = ['--only', '--out', '--latency-ms', '--scale', '--user-latency-ms', '--user-scale', '--server-load-latency-ms', '--start-runs', '--offline-runs', '--node-flags', '--node-env'];

/** Parses the command line; throws with the usage text on anything it does not know. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const smoke = argv.includes('--smoke');
  const base = smoke ? SMOKE : FULL;
  const options: BenchOptions = {
    ...base,
    nodeFlags: SHIPPED_NODE_FLAGS,
    nodeEnv: { ...SHIPPED_NODE_ENV },
    only: [],
    out: smoke ? 'bench/results-smoke.json' : 'bench/results.json',
  };
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (key === '--smoke') continue;
    if (!VALUE_OPTIONS.includes(key)) throw new Error(`unknown option ${arg}\n${USAGE}`);
    if (value === undefined || value === '') throw new Error(`${arg}: expected ${key}=value\n${USAGE}`);
    if (key === '--only') options.only = value.split(',').map((s) => s.trim());
    else if (key === '--out') options.out = value;
    else if (key === '--latency-ms') options.latencyMs = positiveInt(arg, value);
    else if (key === '--scale') options.scaleN = value.split(',').map((v) => positiveInt(arg, v));
    else if (key === '--user-latency-ms') options.userLatencyMs = positiveInt(arg, value);
    else if (key === '--user-scale') options.userScaleN = value.split(',').map((v) => positiveInt(arg, v));
    else if (key === '--server-load-latency-ms') options.serverLoadLatenciesMs = value.split(',').map((v) => positiveInt(arg, v));
    else if (key === '--start-runs') options.startRuns = positiveInt(arg, value);
    else if (key === '--offline-runs') options.offlineRuns = positiveInt(arg, value);
    else if (key === '--node-flags') options.nodeFlags = value === 'none' ? [] : value.split(/\s+/).filter(Boolean);
    else if (key === '--node-env') options.nodeEnv = value === 'none' ? {} : parseEnv(arg, value);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

/** `VAR=value VAR=value` → `{ VAR: value }`. */
function parseEnv(arg: string, text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`${arg}: expected VAR=value pairs, got "${pair}"\n${USAGE}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function positiveInt(arg: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${arg}: expected a whole number ≥ 1, got "${text}"\n${USAGE}`);
  return n;
}

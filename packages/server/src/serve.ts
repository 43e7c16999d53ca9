import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BacktestManager,
  openRunManager,
  parseEngineEnv,
  queueServerId,
  type BacktestManagerApi,
  type RunManagerApi,
} from '@tradingfloor/engine';
import { errorMessage } from '@tradingfloor/shared';
import { createApp, type AppDeps } from './app.js';
import { loadServerConfig, type ServerConfig, type ServerConfigOverrides } from './config.js';
import { describeDataVendors, describeProviders } from './providers.js';
import { startRetention } from './retention.js';
import type { ProviderInfo } from './routes/route-deps.js';
import type { SchedulerClock } from './schedules/scheduler-clock.js';
import { Scheduler } from './schedules/scheduler.js';
import { ScheduleStore } from './schedules/schedule-store.js';

/** What `startServer` may be told besides the environment. */
export interface StartServerOverrides extends ServerConfigOverrides {
  /** A ready manager (tests: scripted providers); the caller then owns its `loadHistory` and `shutdown`. */
  manager?: RunManagerApi;
  /** Backtests over `manager` (tests); built from the environment when the manager is. */
  backtests?: BacktestManagerApi;
  /** Providers for `GET /config/providers` (default: described from the environment). */
  providers?: () => ProviderInfo[] | Promise<ProviderInfo[]>;
  /** WebSocket tuning (coalescing window, aggregate interval, heartbeat). */
  ws?: AppDeps['ws'];
  /** Where the "listening" line and warnings go (default console.log). */
  log?: (line: string) => void;
  /** `--inspect`: connect every run actor to the Stately inspector, whatever `INSPECT` says. */
  inspect?: boolean;
  /** The webhooks' clock (tests drive backoff and timeouts by hand); default the real one. */
  webhookClock?: AppDeps['webhookClock'];
  /** The clock schedules fire on (tests move it by hand); default the system clock. */
  scheduleClock?: SchedulerClock;
}

/** A listening server. */
export interface RunningServer {
  url: string;
  port: number;
  host: string;
  config: ServerConfig;
  manager: RunManagerApi;
  /** The schedules of this server (`/schedules`). */
  scheduler: Scheduler;
  /**
   * A graceful stop. Schedules stop firing first. If it built the manager: new starts and resumes are refused at once (503), in-flight
   * calls are aborted and every active run is saved and left `interrupted` (resumed by `RESUME_INTERRUPTED=1`
   * or the Resume button); in queue mode the runs go on executing on the workers instead, and the server
   * started again re-attaches them (docs/scale-out.md, "Server restarts"). Then retention stops, WebSocket clients (which saw the runs' last status) are
   * dropped and the port is closed.
   */
  close(): Promise<void>;
}

/**
 * Starts TradingFloor: parses the environment, builds the engine (unless a manager is given) and loads the
 * run history from disk, starts the retention scheduler, listens, and logs
 * `TradingFloor listening on http://HOST:PORT` (port 0 picks a free port and the line shows the real one).
 */
export async function startServer(env: NodeJS.ProcessEnv, overrides: StartServerOverrides = {}): Promise<RunningServer> {
  const log = overrides.log ?? ((line: string) => console.log(line));
  const config = loadServerConfig(env, overrides);
  // The engine's variables, parsed once: the manager, /config/providers and its data vendors all read these.
  const engineEnv = parseEngineEnv(env);
  const ownsManager = overrides.manager === undefined;
  let manager = overrides.manager;
  let backtests = overrides.backtests;
  let ownBacktests: BacktestManager | null = null;
  const providers = overrides.providers;
  let closeEngine = (): void => {};
  if (manager === undefined) {
    // INSPECT=stately (or --inspect): every run actor also reports to the Stately inspector's relay.
    const opened = await openRunManager({
      env: engineEnv,
      resultsDir: config.resultsDir,
      // Single-run mode is also enforced by the manager itself: one active run at a time.
      maxParallelRuns: config.enableMultiRun ? config.maxParallelRuns : 1,
      // Queue mode: MAX_PARALLEL_RUNS is the runs executing on all workers, MAX_QUEUED_RUNS the runs waiting.
      maxQueuedRuns: config.maxQueuedRuns,
      queueConcurrency: true,
      logBufferMaxLines: config.logBufferMaxLines,
      enableLogStream: config.enableLogStream,
      runsInMemory: config.runsInMemory,
      stately: {
        force: overrides.inspect === true,
        onConnect: (url) =>
          log(
            `Stately inspector: run actors report to ${url} (start its relay there; see "Debugging a run with the inspector" in the README)`,
          ),
      },
      loadHistory: true,
      // Queue mode: the stream this server's runs report on survives its restart (SERVER_ID, else its results dir).
      queueServerId: queueServerId(config.resultsDir, env.SERVER_ID),
      onThreadExit: ({ threadId, reason, runs }) =>
        log(`engine thread ${threadId} stopped (${reason}); ${runs.length} run(s) on it ended as error; a new thread replaces it`),
    });
    const { manager: built, deps } = opened;
    const where: Record<string, string> = {
      threads: `engine: runs execute in ${opened.host.threads} worker thread(s) (ENGINE_THREADS)`,
      queue: 'engine: runs go on the Redis queue (REDIS_URL); `tradingfloor worker` processes execute them',
    };
    log(where[opened.host.kind] ?? 'engine: runs execute on the serving thread (ENGINE_THREADS=0)');
    closeEngine = opened.close;
    // A run directory that cannot be read at all is named and left out; it never stops the start.
    for (const { dir, reason } of opened.skipped) log(`results: ${dir} left out: ${reason}`);
    manager = built;
    // Backtests share the manager's limits and results directory; a running one found on disk is interrupted.
    ownBacktests = new BacktestManager({ runs: built, vendor: deps.vendor, resultsDir: config.resultsDir });
    await ownBacktests.loadHistory();
    backtests = ownBacktests;
  }
  const engine = manager;
  // Schedules live in RESULTS_DIR/schedules.json; they are listed from now on and fire once the server is up.
  const scheduler = new Scheduler({
    runs: engine,
    store: new ScheduleStore(config.resultsDir, log),
    missedDefault: config.scheduleMissed,
    log,
    ...(overrides.scheduleClock ? { clock: overrides.scheduleClock } : {}),
  });
  await scheduler.load();
  const app = createApp({
    manager: engine,
    ...(backtests ? { backtests } : {}),
    scheduler,
    config,
    providers: providers ?? describeProviders(engineEnv),
    dataVendors: describeDataVendors(engineEnv),
    ws: overrides.ws,
    ...(overrides.webhookClock ? { webhookClock: overrides.webhookClock } : {}),
  });
  const handle = app.app.callback();
  // Koa settles every request itself (failures go through its error handling), so nothing awaits this promise.
  const server = createServer((req, res) => void handle(req, res));
  // Slow or idle sockets cannot hold the process: headers within 30 s, whole requests within 2 min.
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  const detach = app.attachWebSocket(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const retention = startRetention(
    engine,
    {
      resultsDir: config.resultsDir,
      runMaxAgeHours: config.runMaxAgeHours,
      resultsMaxPerTicker: config.resultsMaxPerTicker,
      resultsMaxAgeDays: config.resultsMaxAgeDays,
    },
    config.runPruneIntervalSeconds,
    {
      onError: (err) => log(`retention pass failed: ${errorMessage(err)}`),
      // Webhook records of runs gone from the results (deleted or pruned) go with them once settled.
      afterPass: () => app.webhooks.forgetGoneRuns(),
    },
  );
  // One pass at start-up; later passes follow the interval.
  void retention.runOnce().catch((err: unknown) => log(`retention pass failed: ${errorMessage(err)}`));

  const hostInUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostInUrl}:${port}`;
  // Pending deliveries are resumed before the server says it listens, so a client never sees them missing.
  const pendingWebhooks = await app.webhooks.start();
  if (pendingWebhooks > 0) log(`webhooks: resumed ${pendingWebhooks} pending deliver${pendingWebhooks === 1 ? 'y' : 'ies'}`);
  log(`TradingFloor listening on ${url}`);
  if (config.resumeInterrupted) await resumeInterrupted(engine, log);
  // After the resumes, so a schedule whose last batch was resumed sees it running; missed fires start here.
  await scheduler.start();

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    host: config.host,
    config,
    manager: engine,
    scheduler,
    close() {
      closing ??= (async () => {
        // A tick from now on does nothing; a fire already starting its batch is recorded.
        const schedulesStopped = scheduler.stop();
        // First, synchronously: the manager refuses new work while the port still answers (503, not a reset).
        const stopping = ownsManager ? engine.shutdown({ interrupt: true }) : Promise.resolve();
        // Running backtests stop scheduling cells and are left interrupted (resumable) with their cells.
        const backtestsStopped = ownBacktests?.interruptAll();
        await retention.stop();
        await schedulesStopped;
        await stopping;
        await backtestsStopped;
        detach();
        await app.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        closeEngine();
      })();
      return closing;
    },
  };
}

/** `RESUME_INTERRUPTED=1`: resumes every run listed `interrupted`; one that cannot be resumed is logged and left. */
async function resumeInterrupted(manager: RunManagerApi, log: (line: string) => void): Promise<void> {
  const interrupted = manager.list({ status: 'interrupted' });
  if (interrupted.length === 0) return;
  if (!manager.resume) {
    log(`RESUME_INTERRUPTED: ${interrupted.length} interrupted run(s) left as they are: this manager cannot resume runs`);
    return;
  }
  let resumed = 0;
  for (const run of interrupted) {
    try {
      await manager.resume(run.run_id);
      resumed += 1;
    } catch (err) {
      log(`RESUME_INTERRUPTED: ${run.run_id} not resumed: ${errorMessage(err)}`);
    }
  }
  log(`RESUME_INTERRUPTED: resumed ${resumed} of ${interrupted.length} interrupted run(s)`);
}

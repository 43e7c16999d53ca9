import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp, type AppDeps, type TradingFloorApp } from '../../src/app.js';
import { loadServerConfig, type ServerConfig } from '../../src/config.js';
import { Scheduler } from '../../src/schedules/scheduler.js';
import { ScheduleStore } from '../../src/schedules/schedule-store.js';
import { FakeRunManager } from './fake-run-manager.js';
import { ManualClock } from './manual-clock.js';

export interface TestApp {
  url: string;
  wsUrl: string;
  manager: FakeRunManager;
  config: ServerConfig;
  app: TradingFloorApp;
  /** Schedules over the fake manager, on a clock that moves only when the test moves it. */
  scheduler: Scheduler;
  scheduleClock: ManualClock;
  server: Server;
  tmp: string;
  close(): Promise<void>;
}

/** Starts `createApp` over a FakeRunManager on 127.0.0.1:0 with a temp results dir. */
export async function startTestApp(
  options: { env?: NodeJS.ProcessEnv; manager?: FakeRunManager; webDist?: string; ws?: AppDeps['ws']; webhookClock?: AppDeps['webhookClock']; webhookRandom?: AppDeps['webhookRandom'] } = {},
): Promise<TestApp> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tf-server-'));
  const config = loadServerConfig(options.env ?? {}, {
    port: 0,
    resultsDir: path.join(tmp, 'results'),
    webDist: options.webDist ?? path.join(tmp, 'no-web'),
  });
  const manager = options.manager ?? new FakeRunManager({ maxParallelRuns: config.maxParallelRuns });
  const scheduleClock = new ManualClock(Date.UTC(2024, 0, 5, 12, 0, 0));
  const scheduler = new Scheduler({ runs: manager, store: new ScheduleStore(config.resultsDir), clock: scheduleClock });
  const app = createApp({
    manager,
    scheduler,
    config,
    providers: () => [
      {
        name: 'offline',
        label: 'offline model',
        configured: true,
        quick_models: ['q'],
        deep_models: ['d'],
        default_quick: 'q',
        default_deep: 'd',
      },
    ],
    ws: { flushDelayMs: 0, aggregateIntervalMs: 250, heartbeatMs: 0, ...options.ws },
    ...(options.webhookClock ? { webhookClock: options.webhookClock } : {}),
    ...(options.webhookRandom ? { webhookRandom: options.webhookRandom } : {}),
  });
  const handle = app.app.callback();
  // Koa settles every request itself (failures go through its error handling), so nothing awaits this promise.
  const server = createServer((req, res) => void handle(req, res));
  app.attachWebSocket(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    manager,
    config,
    app,
    scheduler,
    scheduleClock,
    server,
    tmp,
    async close() {
      await scheduler.stop();
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

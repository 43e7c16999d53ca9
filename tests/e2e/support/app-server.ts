import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type StartServerOverrides } from '../../../packages/server/src/serve.js';

/** The SPA the e2e tests drive: the production build, served by the real server. */
export const WEB_DIST = fileURLToPath(new URL('../../../packages/web/dist', import.meta.url));

/** The real TradingFloor server with the built SPA, a temp results directory and the given environment. */
export interface AppServer {
  url: string;
  server: RunningServer;
  resultsDir: string;
  /** Stops the server but keeps the results directory (to start again on it); later calls wait for the first. */
  stop(): Promise<void>;
  /** Stops the server and removes the results directory. */
  close(): Promise<void>;
}

/** Fails with the build command when the SPA has not been built. */
export async function assertWebDist(): Promise<void> {
  try {
    await access(path.join(WEB_DIST, 'index.html'));
  } catch {
    throw new Error(
      `The SPA is not built (${WEB_DIST}/index.html is missing). Run \`npm run build:web\` (or \`cd packages/web && npx vite build\`) first; \`npm test\` does it for you.`,
    );
  }
}

/**
 * Starts `startServer` in-process on 127.0.0.1 with only the environment given (nothing from the shell): port 0
 * and a fresh results directory unless told otherwise (a restart reuses both).
 */
export async function startAppServer(
  env: NodeJS.ProcessEnv = {},
  options: { port?: number; resultsDir?: string; scheduleClock?: StartServerOverrides['scheduleClock'] } = {},
): Promise<AppServer> {
  await assertWebDist();
  const resultsDir = options.resultsDir ?? (await mkdtemp(path.join(os.tmpdir(), 'tf-e2e-results-')));
  const server = await startServer(
    // In-process unless ENGINE_THREADS says otherwise, as the integration harness (the SPA cannot tell the modes apart).
    { LLM_MAX_CONCURRENCY: '16', ENGINE_THREADS: process.env.ENGINE_THREADS ?? '0', ...env },
    {
      port: options.port ?? 0,
      host: '127.0.0.1',
      resultsDir,
      webDist: WEB_DIST,
      log: () => {},
      ...(options.scheduleClock ? { scheduleClock: options.scheduleClock } : {}),
    },
  );
  // Once only: a test may stop a server itself (to restart on its port) before the session closes it.
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= server.close());
  return {
    url: server.url,
    server,
    resultsDir,
    stop,
    async close() {
      await stop();
      await rm(resultsDir, { recursive: true, force: true });
    },
  };
}

import { deferred, errorMessage, TradingFloorError, ValidationError } from '@tradingfloor/shared';
import { EXIT, writeLine, type CliIo } from './cli-io.js';

/** The `serve` command's flags as commander hands them over. */
export interface RawServeFlags {
  port?: string;
  host?: string;
  resultsDir?: string;
  inspect?: boolean;
  /** `--queue redis://…`: queue mode, as `REDIS_URL`. */
  queue?: string;
}

/** What `serve` needs from the server: `startServer` of `../serve.ts`, injectable for tests. */
export type StartServer = (
  env: Record<string, string | undefined>,
  overrides: ServeOverrides,
) => Promise<{ url: string; port: number; close(): Promise<void> | void; config?: { shutdownTimeoutMs: number } }>;

/** Default bound of a graceful stop when the server does not say (`SHUTDOWN_TIMEOUT_MS`). */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** What `serve` passes to `startServer`: the flags, and where its "listening" line goes. */
interface ServeOverrides {
  port?: number;
  host?: string;
  resultsDir?: string;
  log?: (line: string) => void;
  /** `--inspect`: connect run actors to the Stately inspector. */
  inspect?: boolean;
}

/** The real server, loaded only when `serve` runs so that `run` never loads Koa. */
const startRealServer: StartServer = async (env, overrides) => {
  const { startServer } = await import('../serve.js');
  return startServer(env, overrides);
};

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535)
    throw new ValidationError(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(raw)}`);
  return port;
}

function describeStartFailure(err: unknown, port: number | undefined): string {
  const code = (err as { code?: unknown } | null)?.code;
  const which = port === undefined ? 'the configured port' : `port ${port}`;
  if (code === 'EADDRINUSE') return `${which} is already in use: choose another with --port or PORT`;
  if (code === 'EACCES') return `not allowed to listen on ${which}: use a port above 1023`;
  return errorMessage(err);
}

/**
 * `tradingfloor serve`: starts the HTTP + WebSocket server and the SPA, prints its URL, and stops it
 * gracefully on SIGINT / SIGTERM: new work is refused (503), in-flight calls are aborted and every active run
 * is saved and left `interrupted`, within `SHUTDOWN_TIMEOUT_MS` (a second signal exits at once). Answers 0
 * after a clean close, 1 when the stop overran its bound or the server cannot start, 2 for bad flags or
 * configuration.
 */
export async function serveCommand(flags: RawServeFlags, io: CliIo, start: StartServer = startRealServer): Promise<number> {
  // The server prints its own "TradingFloor listening on <url>" line through `log`.
  const overrides: ServeOverrides = { log: (line) => writeLine(io.stdout, line) };
  try {
    const port = parsePort(flags.port);
    if (port !== undefined) overrides.port = port;
    if (flags.host !== undefined) {
      if (flags.host.trim() === '') throw new ValidationError('--host is empty');
      overrides.host = flags.host.trim();
    }
    if (flags.resultsDir !== undefined) overrides.resultsDir = flags.resultsDir;
    if (flags.inspect === true) overrides.inspect = true;
  } catch (err) {
    writeLine(io.stderr, `tradingfloor serve: ${(err as Error).message}`);
    return EXIT.usage;
  }

  const signals = io.signals ?? process;
  const stop = deferred<'SIGINT' | 'SIGTERM'>();
  let stopping = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopping) io.exit?.(signal === 'SIGINT' ? EXIT.interrupted : 143);
    stopping = true;
    stop.resolve(signal);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  try {
    let server: Awaited<ReturnType<StartServer>>;
    try {
      // `--queue` is `REDIS_URL` for this server (the engine's environment reads it).
      server = await start(flags.queue !== undefined ? { ...io.env, REDIS_URL: flags.queue } : io.env, overrides);
    } catch (err) {
      const userError = err instanceof TradingFloorError && (err.status === 400 || err.code === 'config');
      writeLine(io.stderr, `tradingfloor serve: ${describeStartFailure(err, overrides.port)}`);
      return userError ? EXIT.usage : EXIT.failed;
    }
    writeLine(io.stdout, 'Press Ctrl-C to stop.');
    const signal = await stop.promise;
    const bound = server.config?.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    writeLine(io.stdout, `${signal}: stopping: no new runs; active runs are saved as interrupted (resume with RESUME_INTERRUPTED=1 or the Resume button)…`);
    let timer: NodeJS.Timeout | undefined;
    const overran = new Promise<'overran'>((resolve) => (timer = setTimeout(() => resolve('overran'), bound)));
    const outcome = await Promise.race([Promise.resolve(server.close()).then(() => 'closed' as const), overran]);
    clearTimeout(timer);
    if (outcome === 'overran') {
      writeLine(io.stderr, `tradingfloor serve: the stop took longer than ${bound} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway: runs not yet saved resume from their last checkpoint`);
      return EXIT.failed;
    }
    writeLine(io.stdout, 'server closed');
    return EXIT.ok;
  } finally {
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
  }
}

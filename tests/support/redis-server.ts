import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { deferred } from '@tradingfloor/shared';

/** Where Debian's `redis-server` package puts the binary (`.ci/run` installs it when missing). */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** Why tests needing Redis skip here, or null when `redis-server` is installed. */
export const redisSkipReason: string | null = existsSync(REDIS_SERVER_BIN)
  ? null
  : `${REDIS_SERVER_BIN} is missing: install Debian's redis-server package (apt-get install redis-server; .ci/run does) or set REDIS_SERVER_BIN`;

/** A real `redis-server` child process of the test, persistence off, on a free port of 127.0.0.1. */
export interface TestRedis {
  url: string;
  port: number;
  /** The current process (a new one after `restart`). */
  readonly child: ChildProcess;
  /** Stops it (SIGTERM, then waits for the process to be gone). */
  stop(): Promise<void>;
  /**
   * Stops it and starts a new `redis-server` on the same port, resolving once that one is ready. Persistence
   * is off, so the new one starts empty: every queued job, lock and stream is gone, as after a real crash.
   */
  restart(): Promise<void>;
}

/** A port the kernel says is free now (a listener on :0, closed again). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One `redis-server` process on `port`, once it logs "Ready to accept connections" (its own readiness line). */
async function spawnRedis(port: number): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(REDIS_SERVER_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = deferred<void>();
  let out = '';
  const onData = (chunk: string) => {
    out += chunk;
    if (/Ready to accept connections/.test(out)) ready.resolve();
  };
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  void exited.then((code) => ready.reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
  await ready.promise;
  return { child, exited };
}

/**
 * Starts `redis-server --port <free> --save '' --appendonly no` and resolves once it is ready (no sleeps);
 * rejects with its output when it exits before that.
 */
export async function startRedis(): Promise<TestRedis> {
  if (redisSkipReason) throw new Error(redisSkipReason);
  const port = await freePort();
  let current = await spawnRedis(port);
  const stop = async () => {
    const { child, exited } = current;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get child() {
      return current.child;
    },
    stop,
    async restart() {
      await stop();
      current = await spawnRedis(port);
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { deferred } from '@tradingfloor/shared';
import { builtCli, repoRoot, requireBuiltCli } from './spawned-server.js';

/** `tradingfloor worker` running as a child process (queue mode). */
export interface SpawnedWorker {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  exited: Promise<number | null>;
  output(): string;
  /** SIGKILL: no cleanup at all. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful stop). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs the built `tradingfloor worker <args>` with exactly `env` (plus PATH) to its end: its code and output. */
export async function runWorkerToEnd(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  requireBuiltCli();
  const child = spawn(process.execPath, [builtCli, 'worker', ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output };
}

/**
 * Starts the built `tradingfloor worker <args>` with exactly `env` (plus PATH) and resolves once it prints
 * `TradingFloor worker ready` (it is subscribed and takes jobs); rejects with its output when it exits first.
 */
export async function spawnWorker(args: string[], env: Record<string, string>): Promise<SpawnedWorker> {
  requireBuiltCli();
  const child = spawn(process.execPath, [builtCli, 'worker', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = deferred<void>();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const onData = (chunk: string) => {
    out += chunk;
    if (/TradingFloor worker ready/.test(out)) ready.resolve();
  };
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  void exited.then((code) => ready.reject(new Error(`the worker exited (${code}) before it was ready:\n${out}`)));
  await ready.promise;
  return {
    child,
    exited,
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Commands a worker answers: each gets its arguments and resolves with a JSON-serialisable answer. */
export type RpcHandlers = Record<string, (args: never) => unknown>;

interface RpcCall {
  id: number;
  cmd: string;
  args: unknown;
}
type RpcAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A TypeScript module running in its own Node process, driven by request/answer messages over IPC. */
export interface Worker {
  readonly pid: number;
  call<T = unknown>(cmd: string, args?: unknown): Promise<T>;
  /** Asks the worker to exit and waits for it; kills it if it does not exit within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root: workers resolve `tsx` and the workspace packages from there. */
export const REPO_ROOT = path.resolve(HERE, '../..');

/**
 * Starts `file` (a path relative to tests/bench) in a child Node process that loads TypeScript through
 * tsx. Separate processes keep each measurement honest: the fake LLM and the WebSocket clients do not
 * eat the measured process's event loop, and every benchmark gets a fresh heap and its own peak RSS.
 */
export function startWorker(file: string, options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}): Promise<Worker> {
  const child: ChildProcess = fork(path.join(HERE, file), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', '--expose-gc', ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failAll = (reason: string) => {
    for (const p of pending.values()) p.reject(new Error(reason));
    pending.clear();
  };
  child.on('exit', (code, signal) => failAll(`worker ${file} exited (code ${code}, signal ${signal})`));
  child.on('message', (raw) => {
    const answer = raw as RpcAnswer;
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    if (answer.ok) p.resolve(answer.value);
    else p.reject(new Error(`${file}: ${answer.error}`));
  });
  const worker: Worker = {
    pid: child.pid ?? -1,
    call<T>(cmd: string, args?: unknown) {
      return new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`worker ${file} is not running`));
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, args } satisfies RpcCall);
      });
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  // The worker says `ready` once its handlers are installed (module loading through tsx takes a moment).
  return worker.call('ping').then(() => worker);
}

/**
 * The worker side: answers calls with `handlers` (plus `ping`) and exits when the parent disconnects, so
 * a crashed or interrupted benchmark never leaves processes behind.
 */
export function serveRpc(handlers: RpcHandlers, onDisconnect: () => Promise<void> | void = () => {}): void {
  if (!process.send) throw new Error('serveRpc must run in a worker started by startWorker()');
  const all: RpcHandlers = { ping: () => 'pong', ...handlers };
  process.on('message', (raw) => {
    const { id, cmd, args } = raw as RpcCall;
    const handler = all[cmd];
    const reply = (answer: RpcAnswer) => process.connected && process.send!(answer);
    if (!handler) return reply({ id, ok: false, error: `unknown command "${cmd}"` });
    Promise.resolve()
      .then(() => (handler as (a: unknown) => unknown)(args))
      .then(
        (value) => reply({ id, ok: true, value: value ?? null }),
        (error: unknown) => reply({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.once('disconnect', () => {
    void Promise.resolve(onDisconnect()).finally(() => process.exit(0));
  });
}

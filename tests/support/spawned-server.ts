import { deferred } from '@tradingfloor/shared';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The built bin (`npx tsc -b packages/shared packages/engine packages/server`, or `npm run build`). */
export const builtCli = path.join(repoRoot, 'packages/server/dist/cli.js');

/** Throws a clear message when the built bin is missing, so a test fails for the right reason. */
export function requireBuiltCli(): void {
  if (!existsSync(builtCli)) {
    throw new Error(
      `${path.relative(repoRoot, builtCli)} is missing: build first with \`npx tsc -b packages/shared packages/engine packages/server\` (or \`npm run build\`)`,
    );
  }
}

/** `tradingfloor serve` running as a child process. */
export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  exited: Promise<number | null>;
  output(): string;
  /** Resolves once the output (stdout + stderr) matches `pattern`; rejects if the process exits first. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** SIGKILL: no cleanup at all, as a crash or an OOM kill. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean close). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the built `tradingfloor serve --port 0` with exactly `env` (plus PATH) and resolves once it prints
 * `TradingFloor listening on http://HOST:PORT`; rejects with its output when it exits before that.
 */
export async function spawnServer(args: string[], env: Record<string, string>): Promise<SpawnedServer> {
  requireBuiltCli();
  const child = spawn(process.execPath, [builtCli, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: repoRoot,
    // ENGINE_THREADS from the test project (`integration-threads` sets 2), unless the test says otherwise.
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ENGINE_THREADS: process.env.ENGINE_THREADS ?? '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const watchers = new Set<{ pattern: RegExp; resolve: () => void }>();
  const listening = deferred<string>();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const onData = (chunk: string) => {
    out += chunk;
    const match = /TradingFloor listening on (http:\/\/\S+)/.exec(out);
    if (match) listening.resolve(match[1]!);
    for (const w of [...watchers]) {
      if (!w.pattern.test(out)) continue;
      watchers.delete(w);
      w.resolve();
    }
  };
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  void exited.then((code) => listening.reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  const url = await listening.promise;
  return {
    url,
    child,
    exited,
    output: () => out,
    waitForOutput(pattern) {
      if (pattern.test(out)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        watchers.add({ pattern, resolve });
        void exited.then(() => reject(new Error(`the server exited before its output matched ${pattern}:\n${out}`)));
      });
    },
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

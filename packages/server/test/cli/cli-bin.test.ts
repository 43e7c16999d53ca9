import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, cleanEnv, repoRoot, runDirs, tempResultsDir } from './support/paths.js';

interface Spawned {
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout matches. */
  waitForStdout(pattern: RegExp): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

function runBin(args: string[], env = cleanEnv()): Spawned {
  const child = spawn(process.execPath, [builtCli, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...watchers]) {
      if (!w.pattern.test(out)) continue;
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    exited,
    stdout: () => out,
    stderr: () => err,
    waitForStdout: (pattern) =>
      pattern.test(out)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            watchers.push({ pattern, resolve });
            void exited.then(() => reject(new Error(`exited before stdout matched ${pattern}:\n${out}\n${err}`)));
          }),
    kill: (signal) => child.kill(signal),
  };
}

describe('the built tradingfloor bin', () => {
  let results: string;
  beforeAll(async () => {
    if (!existsSync(builtCli)) throw new Error(`${path.relative(repoRoot, builtCli)} is missing: run npm run build first`);
    results = await tempResultsDir();
  });
  afterAll(async () => {
    if (results) await rm(results, { recursive: true, force: true });
  });

  it('--help documents the run options', { timeout: 30_000 }, async () => {
    const bin = runBin(['run', '--help']);
    expect(await bin.exited).toBe(0);
    expect(bin.stdout()).toContain('--tickers <list>');
    expect(bin.stdout()).toContain('Exit codes:');
  });

  it('exits 2 on a bad ticker, naming it and why', { timeout: 30_000 }, async () => {
    const bin = runBin(['run', '--tickers', 'AAPL,NV!DA']);
    expect(await bin.exited).toBe(2);
    expect(bin.stderr()).toContain('bad ticker "NV!DA": "NV!DA" contains "!"');
    expect(bin.stdout()).toBe('');
  });

  it('on SIGINT cancels the runs, keeps what they wrote, prints the summary and exits 130', { timeout: 60_000 }, async () => {
    const bin = runBin(['run', '--tickers', 'ACME,GLOBEX', '--offline-latency', '200', '--results-dir', results]);
    // Off a terminal the CLI prints one line per state change: wait for a run to be under way.
    await bin.waitForStdout(/(ACME|GLOBEX) +in_progress/);
    bin.kill('SIGINT');
    expect(await bin.exited).toBe(130);
    expect(bin.stdout()).toMatch(/0\/2 runs completed · 2 canceled/);
    const dirs = await runDirs(results);
    expect(dirs).toHaveLength(2);
    for (const dir of dirs) {
      const runId = (await readFile(path.join(dir, 'RUN_ID'), 'utf8')).trim();
      expect(runId).toMatch(/^(ACME|GLOBEX)--/);
      expect(JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'))).toMatchObject({ offline_latency_ms: 200 });
      expect(existsSync(path.join(dir, 'run.log'))).toBe(true);
    }
  });

  it('with --on-interrupt keep, SIGINT leaves the runs interrupted and prints how to resume each', { timeout: 60_000 }, async () => {
    const results = await tempResultsDir();
    const bin = runBin(['run', '--tickers', 'ACME,GLOBEX', '--offline-latency', '200', '--results-dir', results, '--on-interrupt', 'keep']);
    await bin.waitForStdout(/(ACME|GLOBEX) +in_progress/);
    bin.kill('SIGINT');
    expect(await bin.exited).toBe(130);
    expect(bin.stdout()).toMatch(/2 interrupted/);
    expect(bin.stderr()).toContain('2 run(s) left interrupted; continue them with:');
    const dirs = await runDirs(results);
    expect(dirs).toHaveLength(2);
    for (const dir of dirs) {
      const runId = (await readFile(path.join(dir, 'RUN_ID'), 'utf8')).trim();
      expect(bin.stderr()).toContain(`tradingfloor resume ${runId} --results-dir ${JSON.stringify(results)}`);
      // Saved mid-run, not canceled: a later process lists it as interrupted and resumes it.
      const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as { status: string };
      expect(['pending', 'in_progress']).toContain(state.status);
      expect(existsSync(path.join(dir, 'decision.json'))).toBe(false);
    }
    await rm(results, { recursive: true, force: true });
  });
});

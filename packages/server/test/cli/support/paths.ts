import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root. */
export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));


/** The built bin that `npm run build` produces. */
export const builtCli = path.join(repoRoot, 'packages/server/dist/cli.js');

/** A fresh results directory under the OS temp dir. */
export function tempResultsDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'tradingfloor-cli-'));
}

/** The process env without the variables that would point a test at other data or results. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const { DATA_DIR: _d, RESULTS_DIR: _r, OPENAI_API_KEY: _o, ANTHROPIC_API_KEY: _a, ...rest } = process.env;
  return { ...rest, NO_COLOR: '1', ...extra };
}

/** Every run directory `<resultsDir>/<TICKER>/<timestamp>` below a results dir. */
export async function runDirs(resultsDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const ticker of await readdir(resultsDir)) {
    for (const stamp of await readdir(path.join(resultsDir, ticker))) out.push(path.join(resultsDir, ticker, stamp));
  }
  return out.sort();
}

import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../support/spawned-server.js';

/** Whether the long forms run (`RELIABILITY_LONG=1`, as `npm run bench` does); `npm test` runs the bounded ones. */
export const LONG = process.env.RELIABILITY_LONG === '1';

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Test code reads arbitrary JSON bodies; each assertion states the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

/** One JSON request to a server. */
export async function api(base: string, method: string, urlPath: string, json?: unknown): Promise<{ status: number; json: AnyJson }> {
  const res = await fetch(`${base}${urlPath}`, {
    method,
    ...(json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
  return { status: res.status, json: await res.json() };
}

/**
 * What a finished run left that must not depend on how often it was stopped: its reports and its decision
 * (every file, keyed by path inside the run directory). Files that hold times or counts of calls (logs,
 * usage, state) are left out.
 */
export async function stableFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(path.join(dir, 'reports'))).sort()) {
    // Temp files a kill left mid-write are not results (sweeping them at start is issue 11's item 7).
    if (name.startsWith('.') && name.endsWith('.tmp')) continue;
    out[`reports/${name}`] = await readFile(path.join(dir, 'reports', name), 'utf8');
  }
  out['decision.json'] = await readFile(path.join(dir, 'decision.json'), 'utf8');
  return out;
}

/** Every `.json` file of a run directory parses (no torn write survived). */
export async function everyJsonParses(dir: string): Promise<boolean> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      JSON.parse(await readFile(path.join(dir, name), 'utf8'));
    } catch {
      return false;
    }
  }
  return true;
}

/** With `RELIABILITY_FIGURES=1`, writes a test's figures to `figures/<name>.json` (the README quotes them). */
export async function writeFigures(name: string, figures: unknown): Promise<void> {
  if (process.env.RELIABILITY_FIGURES !== '1') return;
  await writeFile(path.join(repoRoot, 'tests/reliability/figures', `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { checkTicker, isActiveStatus, parseRunId } from '@tradingfloor/shared';
import type { RunManagerApi } from '@tradingfloor/engine';

/**
 * Our results directory names: `YYYY-MM-DD_HH.MM.SS`, the run's start time in UTC, with `_2`, `_3`, … when
 * several runs of one ticker started within the same second.
 */
const RUN_DIR = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})\.(\d{2})\.(\d{2})(?:_([1-9]\d{0,3}))?$/;

export interface RetentionPolicy {
  resultsDir: string;
  /** Finished runs older than this leave memory; undefined = never. */
  runMaxAgeHours: number | undefined;
  /** Newest directories kept per ticker; 0 = no count limit. */
  resultsMaxPerTicker: number;
  /** Directories older than this are deleted; 0 disables every deletion (count and age). */
  resultsMaxAgeDays: number;
}

/** What one pass did. */
export interface RetentionReport {
  pruned: string[];
  deleted: string[];
}

/** The run start time a results directory name encodes, or null when the name is not ours. */
export function runDirTime(name: string): number | null {
  const m = RUN_DIR.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // Reject what Date.UTC would silently roll over (e.g. month 13): the name must be a real time.
  if (Number.isNaN(t) || new Date(t).getUTCDate() !== d || new Date(t).getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) return null;
  return t;
}

/** Real (non-symlink) sub-directories of `dir`; a missing dir has none. */
async function subdirs(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    // lstat, never stat: a symlink is never followed out of the results tree.
    const info = await lstat(path.join(dir, name)).catch(() => null);
    if (info?.isDirectory()) out.push(name);
  }
  return out;
}

/**
 * The results directories to delete: per ticker, those beyond the newest `resultsMaxPerTicker` and those
 * older than `resultsMaxAgeDays`, ranked by the run time in the directory name (never the analysis date).
 * Only directories matching our layout are considered, and `protectedDirs` (active runs) never are.
 */
async function findExpiredResults(policy: RetentionPolicy, now: number, protectedDirs: ReadonlySet<string>): Promise<string[]> {
  if (policy.resultsMaxAgeDays === 0) return [];
  const root = path.resolve(policy.resultsDir);
  const maxAgeMs = policy.resultsMaxAgeDays * 24 * 3600 * 1000;
  const victims: string[] = [];
  for (const tickerName of await subdirs(root)) {
    const check = checkTicker(tickerName);
    if (!check.ok || check.ticker !== tickerName) continue;
    const tickerDir = path.join(root, tickerName);
    const runs = (await subdirs(tickerDir))
      .map((name) => ({
        dir: path.join(tickerDir, name),
        time: runDirTime(name),
        suffix: Number(/_(\d+)$/.exec(name.slice(19))?.[1] ?? 1),
      }))
      .filter((r): r is { dir: string; time: number; suffix: number } => r.time !== null)
      // Newest first; within one second the later suffix is the newer run.
      .sort((a, b) => b.time - a.time || b.suffix - a.suffix);
    runs.forEach((run, rank) => {
      const overCount = policy.resultsMaxPerTicker > 0 && rank >= policy.resultsMaxPerTicker;
      const tooOld = now - run.time > maxAgeMs;
      if ((overCount || tooOld) && !protectedDirs.has(run.dir)) victims.push(run.dir);
    });
  }
  return victims;
}

/**
 * One retention pass: prunes old finished runs from memory, then deletes expired results directories,
 * never one that belongs to an active or interrupted run.
 */
export async function runRetention(manager: RunManagerApi, policy: RetentionPolicy, now: number): Promise<RetentionReport> {
  const pruned = policy.runMaxAgeHours !== undefined ? manager.prune(policy.runMaxAgeHours * 3600 * 1000) : [];
  // Read the active set after pruning and right before deciding, so a run started meanwhile is protected.
  const active = new Set<string>();
  for (const run of manager.list()) {
    // Interrupted runs are waiting to be resumed from their directory: deleting it would lose the run.
    // Cells of a backtest stay as long as their backtest: its decisions link to them.
    if (!isActiveStatus(run.status) && run.status !== 'interrupted' && run.backtest_id === undefined) continue;
    active.add(path.resolve(policy.resultsDir, run.results_path));
    // Also by the layout the run_id implies, whatever form results_path takes.
    const parsed = parseRunId(run.run_id);
    if (parsed.ok) active.add(path.resolve(policy.resultsDir, parsed.value.ticker, parsed.value.timestamp));
  }
  const victims = await findExpiredResults(policy, now, active);
  const deleted: string[] = [];
  for (const dir of victims) {
    await rm(dir, { recursive: true, force: true });
    deleted.push(dir);
  }
  return { pruned, deleted };
}

/** A running retention scheduler. */
export interface RetentionScheduler {
  /** Runs one pass now (passes never overlap). */
  runOnce(): Promise<RetentionReport>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `runRetention` every `intervalSeconds` (timer unref'd, so it never keeps the process alive), then
 * `afterPass` (what else keeps files about runs, e.g. the webhook records, lets go of the runs now gone).
 */
export function startRetention(
  manager: RunManagerApi,
  policy: RetentionPolicy,
  intervalSeconds: number,
  options: { now?: () => number; onError?: (err: unknown) => void; afterPass?: () => Promise<unknown> } = {},
): RetentionScheduler {
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((err) => console.error('retention pass failed:', err));
  const { afterPass } = options;
  let running: Promise<RetentionReport> | null = null;
  const pass = async () => {
    const report = await runRetention(manager, policy, now());
    await afterPass?.();
    return report;
  };
  const runOnce = () => {
    running ??= pass().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch(onError);
  }, intervalSeconds * 1000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

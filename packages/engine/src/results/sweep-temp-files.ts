import { readdirSync, rmSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { LoopSlices } from './loop-slices.js';

/** Name of a temp file `writeFileAtomic` leaves behind when the process dies between write and rename. */
const TEMP_FILE = /^\..+\.(\d+)\.([0-9a-f]{8})\.tmp$/;

/** True when a process with this pid is running (ours or another writer sharing the results directory). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A directory's entries; none when it cannot be read. */
function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Deletes the temp files in a run's directory and its `reports/` whose writer `cutShort` names (by the pid and
 * the 8-hex tag of the name); returns how many were removed. A file that cannot be deleted is skipped. The
 * calls are synchronous: two listings and the odd delete cost less than a promise each through libuv's pool.
 */
function sweepRunDir(runDir: string, cutShort: (pid: number, tag: number) => boolean): number {
  let removed = 0;
  for (const dir of [runDir, join(runDir, 'reports')]) {
    for (const entry of entries(dir)) {
      const match = entry.isFile() ? TEMP_FILE.exec(entry.name) : null;
      if (!match || !cutShort(Number(match[1]), Number.parseInt(match[2]!, 16))) continue;
      try {
        rmSync(join(dir, entry.name), { force: true });
        removed += 1;
      } catch {
        // left for the next start
      }
    }
  }
  return removed;
}

/**
 * Deletes the temp files a dead engine thread of this process left in one run's directory and its `reports/`:
 * a whole-file write cut short by the thread's death, which `sweepTempFiles` would only find at the next
 * start (the process is still running). A temp name carries the pid and, in its tag's top byte, the writing
 * thread's id (`writeFileAtomic`); a run's directory is written by the thread executing it and by the host's
 * own thread after a death, so the caller sweeps before the host writes there. Returns how many were removed.
 */
export function sweepThreadTempFiles(runDir: string, deadThreadId: number): Promise<number> {
  return Promise.resolve(sweepRunDir(runDir, (pid, tag) => pid === process.pid && tag >>> 24 === (deadThreadId & 0xff)));
}

/**
 * Deletes the temp files of atomic writes that were cut short by a crash or a kill, in every run directory
 * (`<results>/<TICKER>/<stamp>/` and its `reports/`). A temp file whose writer is still running (another
 * server or CLI on the same directory) is left alone. Returns how many files were removed and their bytes
 * are gone; failures to delete one file are skipped (the next start tries again). It runs at start, before
 * the history is read: the directories are listed synchronously, a slice at a time between turns of the
 * event loop (`LoopSlices`; 2,000 runs: ~290 ms with a promise per listing).
 */
export async function sweepTempFiles(resultsDir: string): Promise<number> {
  const slices = new LoopSlices();
  let removed = 0;
  for (const ticker of entries(resultsDir)) {
    if (!ticker.isDirectory()) continue;
    for (const run of entries(join(resultsDir, ticker.name))) {
      if (!run.isDirectory()) continue;
      await slices.next();
      removed += sweepRunDir(join(resultsDir, ticker.name, run.name), (pid) => !isRunning(pid));
    }
  }
  return removed;
}

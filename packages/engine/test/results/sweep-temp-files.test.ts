import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepTempFiles, sweepThreadTempFiles } from '../../src/results/sweep-temp-files.js';
import { RunManager } from '../../src/runs/run-manager.js';
import { fakeDeps, tempDir } from '../runs/support.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** The pid of a process that has already exited (a writer killed mid-write). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

async function leftovers(results: string) {
  const run = join(results, 'ACME', '2024-03-28_10.00.00');
  await mkdir(join(run, 'reports'), { recursive: true });
  const dead = deadPid();
  const stale = [`.state.json.${dead}.0a1b2c3d.tmp`, `.usage.json.${dead}.ffffffff.tmp`];
  const staleReport = `.market.md.${dead}.12345678.tmp`;
  const live = `.state.json.${process.pid}.deadbeef.tmp`;
  for (const name of [...stale, live, 'state.json', 'notes.tmp']) await writeFile(join(run, name), 'x'.repeat(1_000));
  await writeFile(join(run, 'reports', staleReport), 'x');
  await writeFile(join(run, 'reports', 'market.md'), '# report\n');
  return { run, live };
}

describe('sweeping temp files of atomic writes at start-up', () => {
  it('deletes the temp files of writers that are gone and keeps everything else', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const { run, live } = await leftovers(tmp.dir);
    expect(await sweepTempFiles(tmp.dir)).toBe(3);
    expect((await readdir(run)).sort()).toEqual([live, 'notes.tmp', 'reports', 'state.json'].sort());
    expect(await readdir(join(run, 'reports'))).toEqual(['market.md']);
    // A second pass finds nothing; a missing results directory is not an error.
    expect(await sweepTempFiles(tmp.dir)).toBe(0);
    expect(await sweepTempFiles(join(tmp.dir, 'missing'))).toBe(0);
  });

  it('RunManager.loadHistory sweeps before it reads the history', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const { run } = await leftovers(tmp.dir);
    const manager = new RunManager({ deps: fakeDeps().deps, resultsDir: tmp.dir });
    await manager.loadHistory();
    expect((await readdir(run)).filter((n) => n.endsWith('.tmp')).sort()).toEqual([`.state.json.${process.pid}.deadbeef.tmp`, 'notes.tmp']);
    await manager.shutdown();
  });
});

describe('sweeping the temp files of a dead engine thread', () => {
  it('deletes only this process\'s temp files tagged with that thread, in the run directory and its reports', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const run = join(tmp.dir, 'ACME', '2024-03-28_10.00.00');
    await mkdir(join(run, 'reports'), { recursive: true });
    const pid = process.pid;
    // Thread 3's tags: 0x03 in the top byte. 259 & 0xff is 3 too (ids past 255 wrap as the names do).
    const dead = [`.state.json.${pid}.03000001.tmp`, `.decision.json.${pid}.03ffffff.tmp`];
    const deadReport = `.market_report.md.${pid}.03000002.tmp`;
    const kept = [`.state.json.${pid}.04000001.tmp`, `.usage.json.${pid}.00000003.tmp`, `.state.json.${pid + 1}.03000001.tmp`, 'state.json', '.hidden.tmp'];
    for (const name of [...dead, ...kept]) await writeFile(join(run, name), 'x');
    await writeFile(join(run, 'reports', deadReport), 'x');
    expect(await sweepThreadTempFiles(run, 259)).toBe(3);
    expect((await readdir(run)).sort()).toEqual([...kept, 'reports'].sort());
    expect(await readdir(join(run, 'reports'))).toEqual([]);
    // A directory that is gone (or was never made) is nothing to sweep.
    expect(await sweepThreadTempFiles(join(tmp.dir, 'missing'), 3)).toBe(0);
  });
});

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatRunTimestamp } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDirTime, runRetention, startRetention, type RetentionPolicy } from '../src/retention.js';
import { fakeDecision, FakeRunManager } from './support/fake-run-manager.js';

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2024, 5, 30, 12, 0, 0);
let tmp: string;
let results: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tf-retention-'));
  results = path.join(tmp, 'results');
  await mkdir(results);
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Makes `results/<ticker>/<run time>` with a marker file; returns the dir. */
async function runDir(ticker: string, ageDays: number): Promise<string> {
  const dir = path.join(results, ticker, formatRunTimestamp(new Date(NOW - ageDays * DAY)));
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'RUN_ID'), 'x');
  return dir;
}
const list = async (ticker: string) => (await readdir(path.join(results, ticker))).sort();
const policy = (p: Partial<RetentionPolicy> = {}): RetentionPolicy => ({
  resultsDir: results,
  runMaxAgeHours: undefined,
  resultsMaxPerTicker: 3,
  resultsMaxAgeDays: 7,
  ...p,
});

describe('results retention', () => {
  it('runs afterPass once each pass, after the pass has deleted what expired', async () => {
    const old = await runDir('GLOBEX', 8);
    const seen: boolean[] = [];
    const retention = startRetention(new FakeRunManager(), policy(), 3600, {
      now: () => NOW,
      afterPass: async () => {
        seen.push(existsSync(old));
      },
    });
    await retention.runOnce();
    await retention.runOnce();
    await retention.stop();
    expect(seen).toEqual([false, false]);
  });

  it('keeps the newest N per ticker by run time and deletes those older than the age limit', async () => {
    const dirs = await Promise.all([0, 1, 2, 3, 4].map((d) => runDir('ACME', d)));
    const old = await runDir('GLOBEX', 8);
    const fresh = await runDir('GLOBEX', 6);
    const report = await runRetention(new FakeRunManager(), policy(), NOW);
    expect(report.deleted.sort()).toEqual([dirs[3], dirs[4], old].sort());
    expect(await list('ACME')).toEqual(
      dirs
        .slice(0, 3)
        .map((d) => path.basename(d))
        .sort(),
    );
    expect(await list('GLOBEX')).toEqual([path.basename(fresh)]);
  });

  it('ranks same-second runs by their suffix', async () => {
    const first = await runDir('ACME', 1);
    const second = `${first}_2`;
    await mkdir(second);
    await runRetention(new FakeRunManager(), policy({ resultsMaxPerTicker: 1 }), NOW);
    expect(await list('ACME')).toEqual([path.basename(second)]);
  });

  it('ranks by the run time in the directory name, never the analysis date in config.json', async () => {
    const newer = await runDir('ACME', 1);
    const older = await runDir('ACME', 2);
    // The older run analysed a later trading day: it still goes first.
    await writeFile(path.join(older, 'config.json'), JSON.stringify({ trade_date: '2024-06-28' }));
    await writeFile(path.join(newer, 'config.json'), JSON.stringify({ trade_date: '2020-01-02' }));
    await runRetention(new FakeRunManager(), policy({ resultsMaxPerTicker: 1 }), NOW);
    expect(await list('ACME')).toEqual([path.basename(newer)]);
  });

  it('deletes nothing at all when RUN_RESULTS_MAX_AGE_DAYS is 0', async () => {
    await Promise.all([1, 2, 30, 400].map((d) => runDir('ACME', d)));
    expect((await runRetention(new FakeRunManager(), policy({ resultsMaxAgeDays: 0, resultsMaxPerTicker: 1 }), NOW)).deleted).toEqual([]);
    expect(await list('ACME')).toHaveLength(4);
  });

  it('never touches an active run’s directory, foreign names, or symlinks', async () => {
    const manager = new FakeRunManager();
    manager.clock = NOW - 30 * DAY;
    const active = manager.create('ACME');
    const activeDir = path.join(results, 'ACME', active.run_id.split('--')[1]!);
    await mkdir(activeDir, { recursive: true });
    await mkdir(path.join(results, 'ACME', 'notes'));
    await mkdir(path.join(results, 'ACME', '2020-01-01_00.00'));
    await mkdir(path.join(results, 'lower'), { recursive: true });
    await mkdir(path.join(results, 'lower', formatRunTimestamp(new Date(NOW - 90 * DAY))));
    // A symlinked "run" pointing outside the results tree must not be followed or removed.
    const outside = path.join(tmp, 'precious');
    await mkdir(outside);
    await writeFile(path.join(outside, 'keep.txt'), 'keep');
    await symlink(outside, path.join(results, 'ACME', formatRunTimestamp(new Date(NOW - 90 * DAY))));

    const report = await runRetention(manager, policy({ resultsMaxPerTicker: 1 }), NOW);
    expect(report.deleted).toEqual([]);
    expect(await readdir(outside)).toEqual(['keep.txt']);
    expect((await list('ACME')).length).toBe(4);
    expect(await readdir(path.join(results, 'lower'))).toHaveLength(1);
  });

  it('never deletes an interrupted run’s directory: it waits there to be resumed', async () => {
    const manager = new FakeRunManager();
    manager.clock = NOW - 90 * DAY;
    const interrupted = manager.create('ACME', '2024-01-05', 'interrupted');
    const dir = path.join(results, 'ACME', interrupted.run_id.split('--')[1]!);
    await mkdir(dir, { recursive: true });
    const expired = await runDir('ACME', 60);
    const report = await runRetention(manager, policy({ resultsMaxPerTicker: 1 }), NOW);
    expect(report.deleted).toEqual([expired]);
    expect(await list('ACME')).toEqual([path.basename(dir)]);
  });

  it('prunes old finished runs from memory when RUN_MAX_AGE_HOURS is set', async () => {
    const manager = new FakeRunManager();
    const done = manager.create('ACME');
    manager.finish(done.run_id, 'completed', fakeDecision('ACME', 'BUY'));
    const running = manager.create('GLOBEX');
    manager.clock += 3 * 3600 * 1000;
    expect((await runRetention(manager, policy({ runMaxAgeHours: 2 }), NOW)).pruned).toEqual([done.run_id]);
    expect(manager.list().map((r) => r.run_id)).toEqual([running.run_id]);
    expect((await runRetention(manager, policy(), NOW)).pruned).toEqual([]);
  });

  it('parses only our timestamp layout', () => {
    expect(runDirTime('2024-06-30_12.00.00')).toBe(NOW);
    expect(runDirTime('2024-06-30_12.00.00_2')).toBe(NOW);
    expect(runDirTime('2024-06-30_12.00')).toBeNull();
    expect(runDirTime('2024-13-01_12.00.00')).toBeNull();
    expect(runDirTime('2024-06-30_12.00.00_x')).toBeNull();
    expect(runDirTime('..')).toBeNull();
  });

  it('the scheduler never runs two passes at once', async () => {
    await runDir('ACME', 10);
    const scheduler = startRetention(new FakeRunManager(), policy(), 3600, { now: () => NOW });
    const [a, b] = [scheduler.runOnce(), scheduler.runOnce()];
    expect(a).toBe(b);
    expect((await a).deleted).toHaveLength(1);
    await scheduler.stop();
  });
});

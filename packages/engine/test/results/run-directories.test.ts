import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunDirectories } from '../../src/results/run-directories.js';
import { tempDir } from '../runs/support.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const STARTED = new Date(Date.UTC(2024, 4, 10, 9, 5, 7));
const STAMP = '2024-05-10_09.05.07';
const names = (n: number, from = 1) => Array.from({ length: n }, (_, i) => (i + from === 1 ? STAMP : `${STAMP}_${i + from}`));

describe('RunDirectories', () => {
  it('makes one directory per run, in request order, with the suffixes of one second handed out in turn', async () => {
    const dirs = await new RunDirectories(tmp.dir, 4).create([
      { ticker: 'ACME', started: STARTED },
      { ticker: 'GLOBEX', started: STARTED },
      { ticker: 'ACME', started: STARTED },
      { ticker: 'ACME', started: STARTED },
    ]);
    expect(dirs).toEqual([join(tmp.dir, 'ACME', STAMP), join(tmp.dir, 'GLOBEX', STAMP), join(tmp.dir, 'ACME', `${STAMP}_2`), join(tmp.dir, 'ACME', `${STAMP}_3`)]);
    expect((await readdir(join(tmp.dir, 'ACME'))).sort()).toEqual(names(3));
  });

  it('gives concurrent calls of one ticker and second distinct directories, continuing the numbering', async () => {
    const runDirs = new RunDirectories(tmp.dir, 2);
    const batches = await Promise.all([0, 1, 2].map(() => runDirs.create(Array.from({ length: 5 }, () => ({ ticker: 'ACME', started: STARTED })))));
    expect(new Set(batches.flat()).size).toBe(15);
    expect((await readdir(join(tmp.dir, 'ACME'))).sort()).toEqual(names(15).sort());
  });

  it('steps over names taken by someone else (an earlier server life) without reusing one', async () => {
    await mkdir(join(tmp.dir, 'ACME', `${STAMP}_2`), { recursive: true });
    await mkdir(join(tmp.dir, 'ACME', STAMP));
    const dirs = await new RunDirectories(tmp.dir).create(Array.from({ length: 3 }, () => ({ ticker: 'ACME', started: STARTED })));
    expect(new Set(dirs).size).toBe(3);
    expect((await readdir(join(tmp.dir, 'ACME'))).sort()).toEqual(names(5).sort());
  });

  it('starts again from the bare name in a new second', async () => {
    const runDirs = new RunDirectories(tmp.dir);
    await runDirs.create([{ ticker: 'ACME', started: STARTED }, { ticker: 'ACME', started: STARTED }]);
    const later = new Date(STARTED.getTime() + 1000);
    expect(await runDirs.create([{ ticker: 'ACME', started: later }])).toEqual([join(tmp.dir, 'ACME', '2024-05-10_09.05.08')]);
  });

  it('refuses a ticker that is not a path segment before making anything', async () => {
    await expect(new RunDirectories(tmp.dir).create([{ ticker: 'ACME', started: STARTED }, { ticker: '../etc', started: STARTED }])).rejects.toThrow(ValidationError);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('fails the whole batch without a run directory when a ticker folder cannot be made', async () => {
    // A file where the ticker's folder would go.
    await writeFile(join(tmp.dir, 'HOOLI'), 'not a directory');
    await expect(
      new RunDirectories(tmp.dir, 1).create([
        { ticker: 'GLOBEX', started: STARTED },
        { ticker: 'HOOLI', started: STARTED },
      ]),
    ).rejects.toThrow();
    expect(await readdir(join(tmp.dir, 'GLOBEX')).catch(() => [])).toEqual([]);
  });
});

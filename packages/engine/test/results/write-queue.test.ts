import { mkdir, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppendFlusher } from '../../src/results/append-flusher.js';
import { WriteQueue } from '../../src/results/write-queue.js';
import * as fdOps from '../../src/fs/fd-ops.js';
import { RunManager } from '../../src/runs/run-manager.js';
import { fakeDeps, fakeSteps, tempDir } from '../runs/support.js';

vi.mock('../../src/fs/fd-ops.js', async (original) => {
  const real = await original<typeof import('../../src/fs/fd-ops.js')>();
  // The real operations, counted: how many writes reach the files.
  return { ...real, writeAll: vi.fn(real.writeAll), openFd: vi.fn(real.openFd) };
});

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
  vi.mocked(fdOps.writeAll).mockClear();
  vi.mocked(fdOps.openFd).mockClear();
});
afterEach(async () => {
  await tmp.cleanup();
});

/** A flusher whose window ends when the test says so. */
function manualFlusher() {
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const flusher = new AppendFlusher(200, { setTimeout: (fn, ms) => timers.push({ fn, ms }) });
  return { flusher, timers, fire: () => timers.at(-1)!.fn() };
}

const read = (file: string) => readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));

/** The descriptors this process holds open on files under `dir` (Linux: /proc/self/fd). */
async function openUnder(dir: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(dir)) count++;
  }
  return count;
}
const linux = process.platform === 'linux';

describe('WriteQueue appends', () => {
  it('hold lines until the window ends (one timer for every queue), then write each file once', async () => {
    const { flusher, timers, fire } = manualFlusher();
    const a = new WriteQueue(undefined, flusher);
    const b = new WriteQueue(undefined, flusher);
    const [logA, msgA, logB] = ['a.log', 'a.msg', 'b.log'].map((f) => join(tmp.dir, f)) as [string, string, string];
    a.append(logA, '1\n');
    a.append(msgA, 'm1\n');
    a.append(logA, '2\n');
    b.append(logB, 'x\n');
    a.append(logA, '3\n');
    expect(timers.map((t) => t.ms)).toEqual([200]);
    // Nothing is written before the window ends.
    await new Promise((resolve) => setImmediate(resolve));
    expect(fdOps.writeAll).not.toHaveBeenCalled();
    expect(await read(logA)).toBeNull();

    fire();
    await Promise.all([a.idle(), b.idle()]);
    expect(await read(logA)).toBe('1\n2\n3\n');
    expect(await read(msgA)).toBe('m1\n');
    expect(await read(logB)).toBe('x\n');
    expect(fdOps.writeAll).toHaveBeenCalledTimes(3);

    // The next line arms a new window.
    a.append(logA, '4\n');
    expect(timers).toHaveLength(2);
    fire();
    await a.idle();
    expect(await read(logA)).toBe('1\n2\n3\n4\n');
  });

  it('are written before the next whole-file write starts, and at once by idle()', async () => {
    const { flusher, timers } = manualFlusher();
    const q = new WriteQueue(undefined, flusher);
    const log = join(tmp.dir, 'run.log');
    q.append(log, 'before\n');
    let seen: string | null = 'not run';
    void q.run('state.json', async () => {
      seen = await read(log);
      // Asked for while the write runs: it waits for the next one.
      q.append(log, 'during\n');
    });
    await q.idle();
    expect(seen).toBe('before\n');
    expect(await read(log)).toBe('before\nduring\n');
    // Written without the window ever ending.
    expect(timers).toHaveLength(1);
  });

  it.skipIf(!linux)('keep each file open between writes, close it on close(), and still append after it', async () => {
    const { flusher } = manualFlusher();
    const q = new WriteQueue(undefined, flusher);
    const log = join(tmp.dir, 'run.log');
    for (const line of ['1\n', '2\n', '3\n']) {
      q.append(log, line);
      await q.idle();
    }
    expect(fdOps.openFd).toHaveBeenCalledTimes(1);
    expect(await openUnder(tmp.dir)).toBe(1);

    q.append(log, '4\n');
    await q.close();
    expect(await openUnder(tmp.dir)).toBe(0);
    expect(await read(log)).toBe('1\n2\n3\n4\n');

    // A late line (a stopped step's) opens, writes and closes.
    q.append(log, 'late\n');
    await q.idle();
    expect(await read(log)).toBe('1\n2\n3\n4\nlate\n');
    expect(await openUnder(tmp.dir)).toBe(0);
  });

  it('report a failed append, keep going, and open the file anew next time', async () => {
    const { flusher } = manualFlusher();
    const errors: string[] = [];
    const q = new WriteQueue((error, what) => errors.push(`${what}: ${(error as NodeJS.ErrnoException).code}`), flusher);
    const log = join(tmp.dir, 'gone', 'run.log');
    q.append(log, 'lost\n');
    let ran = false;
    void q.run('next', async () => {
      ran = true;
    });
    await q.idle();
    expect(errors).toEqual([`append ${log}: ENOENT`]);
    expect(ran).toBe(true);

    await mkdir(join(tmp.dir, 'gone'));
    q.append(log, 'kept\n');
    await q.idle();
    expect(await read(log)).toBe('kept\n');
    expect(errors).toHaveLength(1);
    await q.close();
  });
});

describe.skipIf(!linux)('a run', () => {
  it('closes its log files when it ends, with every line written', async () => {
    const { deps } = fakeDeps();
    const m = new RunManager({ deps, resultsDir: tmp.dir, steps: fakeSteps() });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('completed');
    expect(await openUnder(tmp.dir)).toBe(0);
    const lines = (await readFile(join(done.results_path, 'run.log'), 'utf8')).trim().split('\n');
    const seqs = lines.map((line) => (JSON.parse(line) as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(lines.at(-1)).toContain('run completed');
    await m.shutdown();
  });
});

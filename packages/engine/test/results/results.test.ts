import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatRunId, ValidationError } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/fs/atomic-write.js';
import { readResultsHistory, type StoredRun } from '../../src/results/read-history.js';
import { createRunDirectory } from '../../src/results/results-dir.js';
import { logLine, RunFiles, writeFirstFiles } from '../../src/results/run-files.js';
import { WriteQueue } from '../../src/results/write-queue.js';
import { tempDir } from '../runs/support.js';
import { testConfig } from '../machine/support.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const STARTED = new Date(Date.UTC(2024, 4, 10, 9, 5, 7));

describe('createRunDirectory', () => {
  it('names the directory after the ticker and the UTC start second', async () => {
    expect(await createRunDirectory(tmp.dir, 'BRK.B', STARTED)).toBe(join(tmp.dir, 'BRK.B', '2024-05-10_09.05.07'));
  });

  it('gives concurrent creations of one ticker in one second distinct directories', async () => {
    const dirs = await Promise.all(Array.from({ length: 6 }, () => createRunDirectory(tmp.dir, 'ACME', STARTED)));
    expect(new Set(dirs).size).toBe(6);
    expect((await readdir(join(tmp.dir, 'ACME'))).sort()).toEqual([
      '2024-05-10_09.05.07',
      '2024-05-10_09.05.07_2',
      '2024-05-10_09.05.07_3',
      '2024-05-10_09.05.07_4',
      '2024-05-10_09.05.07_5',
      '2024-05-10_09.05.07_6',
    ]);
  });

  it.each(['../etc', 'acme', 'A/B', ''])('refuses %j as a path segment', async (ticker) => {
    await expect(createRunDirectory(tmp.dir, ticker, STARTED)).rejects.toThrow(ValidationError);
    expect(await readdir(tmp.dir)).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file so that a reader sees the old or the new content, never a part', async () => {
    const path = join(tmp.dir, 'state.json');
    const before = 'a'.repeat(1 << 20);
    const after = 'b'.repeat(4 << 20);
    await writeFile(path, before);
    let done = false;
    const writing = writeFileAtomic(path, after).then(() => (done = true));
    const seen = new Set<string>();
    while (!done) {
      const text = await readFile(path, 'utf8');
      seen.add(text === before ? 'old' : text === after ? 'new' : `partial(${text.length})`);
    }
    await writing;
    expect([...seen].filter((s) => s.startsWith('partial'))).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(after);
    expect(await readdir(tmp.dir)).toEqual(['state.json']);
  });

  it('writes text with multi-byte characters byte for byte, flushed or not', async () => {
    const text = `Résumé: 株価 ↑ 📈 ${'ü'.repeat(70_000)}\n`;
    await writeFileAtomic(join(tmp.dir, 'plain.md'), text);
    await writeFileAtomic(join(tmp.dir, 'durable.md'), text, { durable: true });
    expect(await readFile(join(tmp.dir, 'plain.md'))).toEqual(Buffer.from(text, 'utf8'));
    expect(await readFile(join(tmp.dir, 'durable.md'))).toEqual(Buffer.from(text, 'utf8'));
    expect((await readdir(tmp.dir)).sort()).toEqual(['durable.md', 'plain.md']);
  });

  it('rejects, leaving nothing behind, when its temp file cannot be made', async () => {
    await expect(writeFileAtomic(join(tmp.dir, 'missing', 'state.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('removes its temp file and keeps the target when the rename fails', async () => {
    const target = join(tmp.dir, 'taken');
    await mkdir(join(target, 'inside'), { recursive: true }); // a non-empty directory cannot be renamed over
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(await readdir(tmp.dir)).toEqual(['taken']);
  });
});

describe('WriteQueue', () => {
  it('keeps the order of appends and writes, one at a time, and survives a failed operation', async () => {
    const errors: string[] = [];
    const q = new WriteQueue((_e, what) => errors.push(what));
    const file = join(tmp.dir, 'log');
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      order.push(name);
      await Promise.resolve();
      running--;
    };
    for (let i = 0; i < 50; i++) q.append(file, `${i}\n`);
    void q.run('first', task('first'));
    void q.run('broken', () => Promise.reject(new Error('disk full')));
    q.append(file, 'after\n');
    void q.run('second', task('second'));
    await q.idle();
    expect((await readFile(file, 'utf8')).split('\n').slice(0, -1)).toEqual([...Array.from({ length: 50 }, (_, i) => String(i)), 'after']);
    expect(order).toEqual(['first', 'second']);
    expect(maxRunning).toBe(1);
    expect(errors).toEqual(['broken']);
  });
});

describe('RunFiles', () => {
  it('writes the initial files, reports only when they change, and error.log with message and stack', async () => {
    const dir = await createRunDirectory(tmp.dir, 'ACME', STARTED);
    const files = new RunFiles(dir);
    await writeFirstFiles(dir, 'ACME--2024-05-10_09.05.07--abcdef', testConfig());
    files.writeReports({ market_report: 'up' });
    files.writeReports({ market_report: 'up', investment_plan: 'buy' });
    files.appendMessage('2024-05-10T09:05:08.000Z', 'analysts.market', 'line one\nline two');
    const error = new Error('boom');
    files.writeError('boom', error.stack);
    await files.idle();
    expect((await readdir(dir)).sort()).toEqual(['RUN_ID', 'config.json', 'error.log', 'message_tool.log', 'reports']);
    expect((await readdir(join(dir, 'reports'))).sort()).toEqual(['investment_plan.md', 'market_report.md']);
    expect(await readFile(join(dir, 'message_tool.log'), 'utf8')).toBe('2024-05-10T09:05:08.000Z [analysts.market] line one\\nline two\n');
    expect(await readFile(join(dir, 'error.log'), 'utf8')).toMatch(/^boom\n\nError: boom\n\s+at /);
  });

  it('writes only the newest of the states waiting with nothing queued after them, never ahead of earlier reports', async () => {
    const dir = await createRunDirectory(tmp.dir, 'ACME', STARTED);
    const files = new RunFiles(dir);
    await writeFirstFiles(dir, 'ACME--2024-05-10_09.05.07--abcdef', testConfig());
    const state = (n: number) => ({ machine_version: 1, run_id: 'r', status: 'in_progress' as const, saved_at: `t${n}`, snapshot: { n } });
    const seen: string[] = [];
    const queue = (files as unknown as { queue: WriteQueue }).queue;
    const run = queue.run.bind(queue);
    queue.run = (what, task) => run(what, async () => {
      await task();
      seen.push(what === 'state.json' ? `state ${JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).saved_at}` : what);
    });
    files.writeState(state(1));
    files.writeState(state(2));
    files.writeReports({ market_report: 'up' });
    files.writeState(state(3));
    files.writeState(state(4));
    await files.idle();
    expect(seen).toEqual(['state t2', 'report market_report', 'state t4']);
    files.writeState(state(5));
    await files.idle();
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))).toEqual(state(5));
  });
});

describe('logLine', () => {
  it('is the JSON line of the entry, whatever its text holds', () => {
    const entries = [
      { seq: 1, ts: 1_796_641_997_980, iso: '2026-12-07T11:13:17.980Z', severity: 'INFO' as const, source: 'run', agent_id: null, message: 'run started' },
      {
        seq: 42,
        ts: 0.5,
        iso: '1970-01-01T00:00:00.000Z',
        severity: 'WARN' as const,
        source: 'to"ol',
        agent_id: 'analysts.\\market',
        message: 'quotes " and \\ and a\nnew line, \u0001, \u2028, ☃ and a lone \ud800',
      },
    ];
    for (const entry of entries) {
      expect(logLine(entry)).toBe(`${JSON.stringify(entry)}\n`);
      expect(JSON.parse(logLine(entry))).toEqual(entry);
    }
  });
});

/** Every run `readResultsHistory` hands over, in its order, and the directories it skipped. */
async function readAll(resultsDir: string) {
  const runs: StoredRun[] = [];
  const skipped = await readResultsHistory(resultsDir, 10, (run) => void runs.push(run));
  return { runs, skipped };
}

describe('readResultsHistory', () => {
  it('reads run directories and explains the ones it skips', async () => {
    const dir = await createRunDirectory(tmp.dir, 'ACME', STARTED);
    await writeFirstFiles(dir, 'ACME--2024-05-10_09.05.07--abcdef', testConfig());
    const wrong = await createRunDirectory(tmp.dir, 'ACME', STARTED);
    await writeFile(join(wrong, 'RUN_ID'), 'GLOBEX--2024-05-10_09.05.07--abcdef\n');
    await mkdir(join(tmp.dir, 'not a ticker', '2024-05-10_09.05.07'), { recursive: true });
    await mkdir(join(tmp.dir, 'ACME', 'notes'));
    const { runs, skipped } = await readAll(tmp.dir);
    expect(runs.map((r) => [r.runId, r.state, r.decision])).toEqual([['ACME--2024-05-10_09.05.07--abcdef', null, null]]);
    expect(runs[0]!.createdAt).toBe(STARTED.getTime());
    expect(skipped).toEqual([{ dir: wrong, reason: expect.stringMatching(/does not belong under ACME/) }]);
    expect(await readAll(join(tmp.dir, 'missing'))).toEqual({ runs: [], skipped: [] });
  });

  it('hands the runs over oldest first across tickers, by start time then run id, each awaited before the next', async () => {
    // Written out of order, and ten GLOBEX runs in one second: directories `<stamp>`, `<stamp>_2` … `<stamp>_10`,
    // which a sort by name would put `_10` before `_2`; ACME and GLOBEX share another second.
    const at = (s: number) => new Date(STARTED.getTime() + s * 1000);
    const made: Array<[string, Date, string]> = [
      ['GLOBEX', at(5), 'ffffff'],
      ['ACME', at(5), '000000'],
      ['ACME', at(2), 'aaaaaa'],
      ['GLOBEX', at(1), 'bbbbbb'],
    ];
    for (let i = 0; i < 10; i++) made.push(['GLOBEX', at(9), i.toString(16).padStart(6, '0')]);
    for (const [ticker, started, hex] of made) {
      await writeFirstFiles(await createRunDirectory(tmp.dir, ticker, started), formatRunId(ticker, started, hex), testConfig());
    }
    const order: string[] = [];
    let visiting = false;
    await readResultsHistory(tmp.dir, 10, async (run) => {
      expect(visiting).toBe(false);
      visiting = true;
      await new Promise((resolve) => setImmediate(resolve));
      order.push(run.runId);
      visiting = false;
    });
    const expected = made.map(([ticker, started, hex]) => formatRunId(ticker, started, hex)).sort((a, b) => {
      const time = (id: string) => id.split('--')[1]!;
      return time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : a.localeCompare(b);
    });
    expect(order).toEqual(expected);
  });

  it('reads a slice at a time, letting the event loop turn between slices, and leaves the messages out', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const started = new Date(STARTED.getTime() + i * 1000);
      const dir = await createRunDirectory(tmp.dir, 'ACME', started);
      const id = formatRunId('ACME', started, `abcde${i}`);
      await writeFirstFiles(dir, id, testConfig());
      await writeFile(join(dir, 'message_tool.log'), '2024-05-10T09:05:08.000Z [analysts.market] hello\n');
      ids.push(id);
    }
    // Marks each turn of the event loop among the runs handed over: a slice of 0 ms turns it before every
    // directory, so a turn separates any two runs; one long slice hands them over back to back.
    const handOver = async (sliceMs: number) => {
      const marks: string[] = [];
      let reading = true;
      const tick = () => {
        if (marks.at(-1) !== 'turn') marks.push('turn');
        if (reading) setImmediate(tick);
      };
      setImmediate(tick);
      const runs: StoredRun[] = [];
      await readResultsHistory(tmp.dir, 10, (run) => void (runs.push(run), marks.push(run.runId)), sliceMs);
      reading = false;
      return { runs, between: marks.slice(marks.indexOf(ids[0]!), marks.lastIndexOf(ids.at(-1)!) + 1) };
    };
    const sliced = await handOver(0);
    expect(sliced.between).toEqual(ids.flatMap((id, i) => (i === 0 ? [id] : ['turn', id])));
    expect(sliced.runs.map((r) => r.runId)).toEqual(ids);
    expect(sliced.runs.every((r) => r.messages === undefined)).toBe(true);
    const whole = await handOver(60_000);
    expect(whole.between).toEqual(ids);
    expect(whole.runs).toEqual(sliced.runs);
  });
});

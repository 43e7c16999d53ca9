import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src/host/host-protocol.js';
import type { ThreadHost } from '../../src/host/thread-host.js';
import { ConcurrencyLimiter, type LimiterKey, type LimiterLease } from '../../src/limiter/concurrency-limiter.js';
import type { RunManager } from '../../src/runs/run-manager.js';
import { RUN_FILES } from '../../src/results/run-files.js';
import { canListOpenFds, openFdsOn } from './open-fds.js';
import { startSourceThreadHost } from './source-thread-host.js';
import { tempDir } from '../runs/support.js';

/** The server thread's limiter, counting how many calls hold permits at once, whichever thread made them. */
class CountingLimiter extends ConcurrencyLimiter {
  active = 0;
  max = 0;
  acquired = 0;
  private readonly watchers = new Set<() => void>();

  override run<T>(key: LimiterKey, fn: (lease: LimiterLease) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return super.run(
      key,
      async (lease) => {
        this.active++;
        this.acquired++;
        this.max = Math.max(this.max, this.active);
        this.notify();
        try {
          return await fn(lease);
        } finally {
          this.active--;
          this.notify();
        }
      },
      signal,
    );
  }

  /** Resolves once `check` holds (checked at every acquisition and release). */
  when(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const watcher = () => {
        if (!check()) return;
        this.watchers.delete(watcher);
        resolve();
      };
      this.watchers.add(watcher);
    });
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}

let results: Awaited<ReturnType<typeof tempDir>>;
let limiter: CountingLimiter;
let host: ThreadHost;
let manager: RunManager;
const events: HostEvent[] = [];
const exits: Array<{ threadId: number; reason: string; runs: string[] }> = [];

beforeAll(async () => {
  results = await tempDir();
  // One permit in the whole process: two threads' runs must take turns for every model call.
  limiter = new CountingLimiter({ global: 1 });
  ({ host, manager } = await startSourceThreadHost({
    threads: 2,
    resultsDir: results.dir,
    limiter,
    onThreadExit: (info) => exits.push(info),
  }));
  host.subscribe((event) => events.push(event));
}, 180_000);

afterAll(async () => {
  await manager?.shutdown();
  await results?.cleanup();
});

describe('thread host: runs in engine worker threads', { timeout: 120_000 }, () => {
  it('spreads runs over the threads, holds the limiter across them, and reports plain ordered events', async () => {
    const runs = await manager.start([
      { ticker: 'ACME', options: { analysts: ['market'], offline_latency_ms: 20 } },
      { ticker: 'GLOBEX', options: { analysts: ['market'], offline_latency_ms: 20 } },
    ]);
    expect(host.threads().map((t) => t.runs)).toEqual([1, 1]);
    const done = await Promise.all(runs.map((r) => manager.whenFinished(r.run_id)));
    expect(done.map((s) => s.status)).toEqual(['completed', 'completed']);
    // Every model call of both threads took the one permit; never two at once.
    expect(limiter.acquired).toBeGreaterThanOrEqual(2 * 8);
    expect(limiter.max).toBe(1);
    expect(limiter.snapshot()[0]).toMatchObject({ key: 'global', in_use: 0, waiting: 0 });
    for (const run of runs) {
      const own = events.filter((e) => e.run_id === run.run_id);
      expect(own[0]!.type).toBe('created');
      expect(own.at(-1)!.type).toBe('finished');
      const view = manager.get(run.run_id)!;
      expect(view.decision).toEqual(JSON.parse(await readFile(join(view.summary.results_path, 'decision.json'), 'utf8')));
      const report = await readFile(join(view.summary.results_path, 'reports', 'market_report.md'), 'utf8');
      expect(view.contents['analysts.market.report']!.trimEnd()).toBe(report.trimEnd());
      expect(manager.logs(run.run_id)!.entries.at(-1)!.message).toMatch(/^run completed: /);
    }
  });

  it('each thread reports its own CPU, event-loop time and turns and its own heap, read inside it', async () => {
    const before = await host.usage();
    expect(before.map((u) => u.threadId).sort()).toEqual(host.threads().map((t) => t.threadId).sort());
    const [run] = await manager.start([{ ticker: 'ACME', options: { analysts: ['market'], offline_latency_ms: 1 } }]);
    await manager.whenFinished(run!.run_id);
    const after = await host.usage();
    const busy = host.threads().length;
    expect(after).toHaveLength(busy);
    const spent = (list: typeof after, key: 'activeMs' | 'cpuMs' | 'loopTurns') => list.reduce((sum, u) => sum + (u[key] ?? 0), 0);
    // The run's thread was busy: its loop's active time and its turns grew (and, on Linux, its CPU time, 10 ms ticks).
    expect(spent(after, 'activeMs')).toBeGreaterThan(spent(before, 'activeMs'));
    // Node 20.18+ reports the loop's turns (this project runs on 20.19+).
    expect(after.every((u) => u.loopTurns !== null)).toBe(true);
    expect(spent(after, 'loopTurns')).toBeGreaterThan(spent(before, 'loopTurns'));
    if (process.platform === 'linux') {
      expect(after.every((u) => u.cpuMs !== null)).toBe(true);
      expect(spent(after, 'cpuMs')).toBeGreaterThan(0);
    } else expect(after.every((u) => u.cpuMs === null)).toBe(true);
    // Each thread's own V8 heap: what it uses within what it has committed, within its limit.
    for (const { heap } of after) {
      expect(heap.usedBytes).toBeGreaterThan(0);
      expect(heap.usedBytes).toBeLessThanOrEqual(heap.totalBytes);
      expect(heap.totalBytes).toBeLessThanOrEqual(heap.limitBytes);
    }
  });

  it('a cancel reaches the worker at once: the model call in flight is aborted and its permit given back', async () => {
    const [run] = await manager.start([{ ticker: 'ACME', options: { analysts: ['market'], offline_latency_ms: 60_000 } }]);
    await limiter.when(() => limiter.active === 1);
    manager.cancel(run!.run_id);
    const done = await manager.whenFinished(run!.run_id);
    expect(done.status).toBe('canceled');
    await limiter.when(() => limiter.active === 0);
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('a crashed thread ends its runs as error with the reason, closes their logs, gives back its permits and is replaced', async () => {
    const [run] = await manager.start([{ ticker: 'GLOBEX', options: { analysts: ['market'], offline_latency_ms: 60_000 } }]);
    await limiter.when(() => limiter.active === 1);
    // The run's first log lines written: its thread holds run.log open between writes.
    await host.flush(run!.run_id);
    const logs = [RUN_FILES.log, RUN_FILES.messages].map((file) => join(run!.results_path, file));
    if (canListOpenFds) expect([...(await openFdsOn(logs)).keys()]).toContain(logs[0]);
    const before = host.threads();
    const victim = before.find((t) => t.runs === 1)!.threadId;
    // Whole-file writes the death cuts short: temp files named as the victim thread names its own (its id in the
    // tag's top byte), beside ones of another thread and of another process, which must stay.
    const tag = (thread: number, n: number) => ((((thread & 0xff) << 24) | n) >>> 0).toString(16).padStart(8, '0');
    const cutShort = [
      join(run!.results_path, `.state.json.${process.pid}.${tag(victim, 7)}.tmp`),
      join(run!.results_path, 'reports', `.market_report.md.${process.pid}.${tag(victim, 8)}.tmp`),
    ];
    const others = [
      join(run!.results_path, `.usage.json.${process.pid}.${tag(victim + 1, 7)}.tmp`),
      join(run!.results_path, `.usage.json.${process.pid + 1}.${tag(victim, 9)}.tmp`),
    ];
    for (const file of [...cutShort, ...others]) await writeFile(file, 'partial');
    host.crashThread(victim);
    const done = await manager.whenFinished(run!.run_id);
    // The dead thread's descriptors were closed as it exited: none is left open on the run's logs.
    if (canListOpenFds) expect(await openFdsOn(logs)).toEqual(new Map());
    // Its cut-short temp files are gone before the run is seen ended; the others' are left alone.
    expect(cutShort.filter((file) => existsSync(file))).toEqual([]);
    expect(others.filter((file) => existsSync(file))).toEqual(others);
    expect(done.status).toBe('error');
    expect(done.error).toMatch(/engine thread running this run stopped \(engine thread crash requested\)/);
    expect(await readFile(join(done.results_path, 'error.log'), 'utf8')).toContain('engine thread running this run stopped');
    expect(manager.logs(run!.run_id)!.entries.at(-1)).toMatchObject({ severity: 'ERROR', message: done.error });
    expect(exits).toEqual([{ threadId: victim, reason: 'engine thread crash requested', runs: [run!.run_id] }]);
    await limiter.when(() => limiter.active === 0);
    const after = host.threads();
    expect(after).toHaveLength(2);
    expect(after.map((t) => t.threadId)).not.toContain(victim);
    // The replacement works: a new batch runs on both threads and completes.
    await host.ready();
    const again = await manager.start([
      { ticker: 'ACME', options: { analysts: ['market'] } },
      { ticker: 'GLOBEX', options: { analysts: ['market'] } },
    ]);
    const ended = await Promise.all(again.map((r) => manager.whenFinished(r.run_id)));
    expect(ended.map((s) => s.status)).toEqual(['completed', 'completed']);
    expect(existsSync(join(ended[0]!.results_path, 'decision.json'))).toBe(true);
  });
});

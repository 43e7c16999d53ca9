import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { applyContentPatches, applyStatusPatch, type ExecutionTree } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src/host/host-protocol.js';
import { AGENT_STEPS } from '../../src/machine/agent-steps.js';
import { LessonStore } from '../../src/memory/lesson-store.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';
import { createEngineDeps } from '../../src/runs/engine-deps.js';
import { InProcessHost } from '../../src/runs/in-process-host.js';
import { RunManager } from '../../src/runs/run-manager.js';
import { readViewFromDisk } from '../../src/runs/view-from-disk.js';
import { tempDir } from '../runs/support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

/** A RunManager over an in-process host whose every event the test records. */
function recordedManager() {
  const deps = createEngineDeps(parseEngineEnv({}));
  const host = new InProcessHost({ deps, steps: AGENT_STEPS, logBufferMaxLines: 250, now: Date.now, lessonStore: new LessonStore(results.dir) });
  const events: HostEvent[] = [];
  host.subscribe((event) => events.push(event));
  const manager = new RunManager({ deps, resultsDir: results.dir, host, maxParallelRuns: 3 });
  return { manager, events };
}

describe('engine host events (in-process host, real offline runs)', { timeout: 60_000 }, () => {
  it('are ordered per run, plain data, and rebuild exactly what the run wrote to disk', async () => {
    const { manager, events } = recordedManager();
    const runs = await manager.start([
      { ticker: 'ACME', options: { analysts: ['market', 'news'] } },
      { ticker: 'GLOBEX', options: { analysts: ['fundamentals'] } },
    ]);
    await Promise.all(runs.map((r) => manager.whenFinished(r.run_id)));
    await manager.idle();

    for (const run of runs) {
      const own = events.filter((e) => e.run_id === run.run_id);
      // created first, finished once; only log lines a stopped step writes late may follow it (none here).
      expect(own[0]!.type).toBe('created');
      expect(own.filter((e) => e.type === 'created')).toHaveLength(1);
      expect(own.filter((e) => e.type === 'finished')).toHaveLength(1);
      expect(own.at(-1)!.type).toBe('finished');
      // Log seqs arrive in order, with no gap.
      const seqs = own.flatMap((e) => (e.type === 'log' ? [e.entry.seq] : []));
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));

      // Replay: the created state plus every change gives the final tree and contents, as the disk has them.
      const created = own[0] as Extract<HostEvent, { type: 'created' }>;
      let tree: ExecutionTree = created.tree;
      let contents = created.contents;
      for (const event of own) {
        if (event.type !== 'changed') continue;
        tree = applyStatusPatch(tree, event.tree_changes);
        // Content changes carry what changed, never an unchanged text again.
        for (const patch of event.contents) {
          const next = applyContentPatches(contents, [patch])[patch.id];
          expect(next).not.toBe(contents[patch.id]);
        }
        contents = applyContentPatches(contents, event.contents);
      }
      const finished = own.at(-1) as Extract<HostEvent, { type: 'finished' }>;
      expect(finished.summary.status).toBe('completed');
      const disk = readViewFromDisk(finished.summary, created.config, 250).view;
      expect(isDeepStrictEqual(tree, disk.tree)).toBe(true);
      expect(contents).toEqual(disk.contents);
      expect(finished.decision).toEqual(JSON.parse(await readFile(join(finished.summary.results_path, 'decision.json'), 'utf8')));
      expect(finished.usage).toEqual(JSON.parse(await readFile(join(finished.summary.results_path, 'usage.json'), 'utf8')));
      // The manager's view of the run is built from these events only.
      const view = manager.get(run.run_id)!;
      expect(view.tree).toEqual(tree);
      expect(view.contents).toEqual(contents);
      expect(view.decision).toEqual(finished.decision);
    }
    // The two runs' events interleave: they ran at once.
    const order = events.map((e) => e.run_id);
    expect(order.indexOf(runs[1]!.run_id)).toBeLessThan(order.lastIndexOf(runs[0]!.run_id));
  });

  it('survive a structured clone and a JSON round trip unchanged', async () => {
    const { manager, events } = recordedManager();
    const [run] = await manager.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    await manager.whenFinished(run!.run_id);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['created', 'changed', 'log', 'inspection', 'finished']));
    for (const event of events) {
      expect(structuredClone(event)).toEqual(event);
      expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    }
  });

  it('a cancel reaches the executing run at once and its end comes as a finished event', async () => {
    const { manager, events } = recordedManager();
    // Each offline answer takes a minute: the run is surely inside a model call when canceled.
    const [run] = await manager.start([{ ticker: 'ACME', options: { analysts: ['market'], offline_latency_ms: 60_000 } }]);
    await until(() => events.some((e) => e.type === 'log' && e.run_id === run!.run_id && /market analyst started/.test(e.entry.message)));
    manager.cancel(run!.run_id);
    const done = await manager.whenFinished(run!.run_id);
    expect(done.status).toBe('canceled');
    expect(events.filter((e) => e.type === 'finished').map((e) => (e as { summary: { status: string } }).summary.status)).toEqual(['canceled']);
    expect(manager.limiterSnapshot().every((layer) => layer.in_use === 0)).toBe(true);
  });
});

/** Resolves once `check` holds, checking after each turn of the event loop (no fixed sleeps). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

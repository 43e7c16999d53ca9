import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../src/runs/run-manager.js';
import { EvictedRunEntry } from '../../src/runs/evicted-run.js';
import { RunMirror } from '../../src/runs/run-mirror.js';
import { StoredRunEntry } from '../../src/runs/stored-run.js';
import type { RunEntry } from '../../src/runs/run-entry.js';
import { fakeDeps, fakeSteps, tempDir } from './support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

/** The manager's entries, by kind (a white-box look: what is held whole, what only as a summary). */
function kinds(m: RunManager): Record<string, number> {
  const entries = (m as unknown as { entries: Map<string, RunEntry> }).entries;
  const count = { live: 0, stored: 0, evicted: 0 };
  for (const e of entries.values()) {
    if (e instanceof RunMirror) count.live++;
    else if (e instanceof StoredRunEntry) count.stored++;
    else if (e instanceof EvictedRunEntry) count.evicted++;
  }
  return count;
}

function evicted(m: RunManager, runId: string): boolean {
  return (m as unknown as { entries: Map<string, RunEntry> }).entries.get(runId) instanceof EvictedRunEntry;
}

async function finishRuns(m: RunManager, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const [run] = await m.start([{ ticker: i % 2 ? 'ACME' : 'GLOBEX', options: { analysts: ['market'] } }]);
    await m.whenFinished(run!.run_id);
    ids.push(run!.run_id);
  }
  return ids;
}

describe('runsInMemory: finished runs beyond the cap keep a summary; their data comes from disk', () => {
  it('live runs: the oldest finished are evicted, and every view, log and phase sample reads the same as before', async () => {
    const whole = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps() });
    const ids = await finishRuns(whole, 5);
    const before = new Map(ids.map((id) => [id, { view: whole.get(id)!, logs: whole.logs(id)! }]));

    const capped = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps(), runsInMemory: 2 });
    await capped.loadHistory();
    expect(kinds(capped)).toEqual({ live: 0, stored: 2, evicted: 3 });
    for (const id of ids) {
      const view = capped.get(id)!;
      const { view: was, logs } = before.get(id)!;
      expect(view.summary).toMatchObject({ status: 'completed', action: was.summary.action, overall_progress: 100 });
      expect(view.decision).toEqual(was.decision);
      expect(view.usage).toEqual(was.usage);
      expect(view.tree).toEqual(was.tree);
      // Read back from disk: the reports and each agent's messages, as the live run showed them. (Runs held
      // whole from the history show their reports; their messages are not read at start-up.)
      const reportsOf = (contents: Record<string, string>) =>
        Object.fromEntries(Object.entries(contents).filter(([k]) => !k.endsWith('.messages')));
      if (evicted(capped, id)) expect(view.contents).toEqual(was.contents);
      else expect(reportsOf(view.contents)).toEqual(reportsOf(was.contents));
      expect(capped.logs(id)!.last_seq).toBe(logs.last_seq);
    }
    expect(capped.phaseSamples()).toEqual(ids.map(() => expect.objectContaining({ status: 'completed' })));

    // New runs finishing push older ones out; the count held whole stays at the cap.
    const more = await finishRuns(capped, 3);
    expect(kinds(capped)).toEqual({ live: 2, stored: 0, evicted: 6 });
    expect(capped.get(more[0]!)!.contents).toEqual(
      expect.objectContaining({ 'analysts.market.report': expect.stringContaining('says hello') }),
    );
    expect(capped.list()).toHaveLength(8);
  });

  it('an evicted run whose directory was deleted still lists, with a blank tree and the reason', async () => {
    const m = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps(), runsInMemory: 1 });
    await finishRuns(m, 2);
    // A fresh manager, so the read-back cache is empty.
    const again = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps(), runsInMemory: 1 });
    await again.loadHistory();
    const entries = (again as unknown as { entries: Map<string, RunEntry> }).entries;
    const first = [...entries.values()].find((e) => e instanceof EvictedRunEntry)!.runId;
    const dir = again.get(first)!.summary.results_path;
    const reports = again.get(first)!.contents;
    expect(Object.keys(reports).length).toBeGreaterThan(0);
    // Held in the small read-back cache: served as read, even after the directory is gone.
    await rm(dir, { recursive: true });
    expect(again.get(first)!.contents).toEqual(reports);
    // Pushed out of that cache by reads of other runs, it is read again and found gone.
    for (let i = 0; i < 10; i++) await finishRuns(again, 1);
    for (const e of entries.values()) if (e instanceof EvictedRunEntry && e.runId !== first) e.view();
    const view = again.get(first)!;
    expect(view.summary.status).toBe('completed');
    expect(view.tree.length).toBeGreaterThan(0);
    expect(view.contents).toEqual({});
    expect(view.error).toMatch(/the results directory cannot be read/);
    expect(again.logs(first)).toEqual({ entries: [], last_seq: 0 });
  });

  it('interrupted runs are never evicted', async () => {
    const first = fakeDeps({ mode: 'manual' });
    const m = new RunManager({ deps: first.deps, resultsDir: results.dir, steps: fakeSteps() });
    await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    await first.providerOf('ACME').next();
    await m.shutdown({ interrupt: true });
    const capped = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps(), runsInMemory: 1 });
    await capped.loadHistory();
    await finishRuns(capped, 2);
    expect(capped.list({ status: 'interrupted' })).toHaveLength(1);
    expect(kinds(capped)).toEqual({ live: 1, stored: 1, evicted: 1 });
  });
});

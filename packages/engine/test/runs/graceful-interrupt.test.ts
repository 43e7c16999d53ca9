import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShuttingDownError } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../src/runs/run-manager.js';
import { fakeDeps, fakeSteps, tempDir } from './support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

describe('shutdown({ interrupt: true }): a graceful stop saves active runs for a resume', () => {
  it('aborts the call in flight, leaves the run interrupted (not canceled), refuses new work, and a later process resumes it', async () => {
    const first = fakeDeps({ mode: 'manual' });
    const m = new RunManager({ deps: first.deps, resultsDir: results.dir, steps: fakeSteps() });
    const [run, pendingRun] = await m.start([
      { ticker: 'ACME', options: { analysts: ['market'] } },
      { ticker: 'GLOBEX', options: { analysts: ['market'] } },
    ]);
    const calls = first.providerOf('ACME');
    (await calls.next()).answer('market report before the stop');
    const held = await calls.next();
    expect(held.request.meta.agentId).toBe('research_debate.bull');
    await first.providerOf('GLOBEX').next();

    const stopping = m.shutdown({ interrupt: true });
    // New work is refused at once, while the stop is under way.
    await expect(m.start([{ ticker: 'ACME', options: {} }])).rejects.toBeInstanceOf(ShuttingDownError);
    await stopping;
    expect(held.signal.aborted).toBe(true);
    for (const r of [run!, pendingRun!]) {
      const summary = m.get(r.run_id)!.summary;
      expect(summary.status).toBe('interrupted');
      const state = JSON.parse(await readFile(join(r.results_path, 'state.json'), 'utf8')) as { status: string };
      expect(state.status).toBe('in_progress');
      expect(existsSync(join(r.results_path, 'decision.json'))).toBe(false);
      expect(existsSync(join(r.results_path, 'error.log'))).toBe(false);
    }
    expect(await readFile(join(run!.results_path, 'run.log'), 'utf8')).toContain('run interrupted: the server stopped');

    // The next process lists both as interrupted and resumes them; the market analyst is not asked again.
    const second = fakeDeps({ mode: 'auto' });
    const again = new RunManager({ deps: second.deps, resultsDir: results.dir, steps: fakeSteps() });
    await again.loadHistory();
    expect(again.list().map((s) => s.status)).toEqual(['interrupted', 'interrupted']);
    const outcomes = await again.resumeInterrupted();
    expect(outcomes.map((o) => o.error)).toEqual([null, null]);
    await expect(again.whenFinished(run!.run_id)).resolves.toMatchObject({ status: 'completed' });
    await again.whenFinished(pendingRun!.run_id);
    const asked = second.providerOf('ACME').calls.map((c) => c.request.meta.agentId);
    expect(asked).not.toContain('analysts.market');
    expect(asked[0]).toBe('research_debate.bull');
    expect(await readFile(join(run!.results_path, 'reports', 'market_report.md'), 'utf8')).toContain('market report before the stop');
  });

  it('a run whose final files are being written when the stop comes ends as it would have', async () => {
    const { deps } = fakeDeps();
    const steps = fakeSteps();
    let stopped: Promise<void> | undefined;
    const m: RunManager = new RunManager({
      deps,
      resultsDir: results.dir,
      steps: {
        ...steps,
        parseDecision: (text, options) => {
          // Runs after the decision step has resolved and the run has reached `completed` (the microtasks
          // that follow), and before any of its final files can be written (that needs the I/O phase).
          setImmediate(() => {
            stopped = m.shutdown({ interrupt: true });
          });
          return steps.parseDecision(text, options);
        },
      },
    });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    const done = await m.whenFinished(run!.run_id);
    await stopped;
    expect(done.status).toBe('completed');
    expect(m.get(run!.run_id)!.summary.status).toBe('completed');
    expect(existsSync(join(run!.results_path, 'decision.json'))).toBe(true);
  });

  it('shutdown() without interrupt still cancels for good', async () => {
    const { deps, providerOf } = fakeDeps({ mode: 'manual' });
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    await providerOf('ACME').next();
    await m.shutdown();
    expect(m.get(run!.run_id)!.summary.status).toBe('canceled');
  });
});

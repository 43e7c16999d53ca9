import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, isTerminalStatus, type RunSummary } from '@tradingfloor/shared';
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

/** What is on disk at this very moment (read synchronously, so nothing can be written meanwhile). */
function onDisk(dir: string) {
  const state = existsSync(join(dir, 'state.json'))
    ? (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { status: string })
    : null;
  return {
    state: state?.status ?? null,
    decision: existsSync(join(dir, 'decision.json')),
    usage: existsSync(join(dir, 'usage.json')),
    error: existsSync(join(dir, 'error.log')),
    reports: existsSync(join(dir, 'reports', 'final_trade_decision.md')),
  };
}

/**
 * Records, at the moment each event or read shows the run in a terminal status, what is on disk: every time
 * a reader can see the end, the final files must already be there.
 */
function watchTerminal(m: RunManager) {
  const seen: Array<{ via: string; status: string; disk: ReturnType<typeof onDisk> }> = [];
  const check = (via: string, summary: RunSummary | undefined) => {
    if (summary && isTerminalStatus(summary.status)) seen.push({ via, status: summary.status, disk: onDisk(summary.results_path) });
  };
  m.subscribe((event) => {
    if (event.type === 'changed' || event.type === 'finished') check(event.type, event.summary);
    if (event.type === 'log' || event.type === 'changed') check(`get after ${event.type}`, m.get(event.run_id)?.summary);
  });
  return seen;
}

describe('a run shows its terminal status only once its final files are on disk', () => {
  it('completed: decision.json, the reports, usage.json and the final state.json are there first', async () => {
    const { deps } = fakeDeps();
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const seen = watchTerminal(m);
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    await m.whenFinished(run!.run_id);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen)
      expect(s).toMatchObject({ status: 'completed', disk: { state: 'completed', decision: true, usage: true, reports: true } });
    // A decision shown is a decision saved.
    expect(m.get(run!.run_id)!.decision).not.toBeNull();
  });

  it('error: error.log, usage.json and the final state.json are there first', async () => {
    const { deps, providerOf } = fakeDeps({ mode: 'manual' });
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const seen = watchTerminal(m);
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    (await providerOf('ACME').next()).fail(new Error('the model is down'));
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('error');
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s).toMatchObject({ status: 'error', disk: { state: 'error', usage: true, error: true } });
  });

  it('canceled: usage.json and the final state.json are there first; the status is never shown before', async () => {
    const { deps, providerOf } = fakeDeps({ mode: 'manual' });
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const seen = watchTerminal(m);
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    await providerOf('ACME').next();
    m.cancel(run!.run_id);
    expect(m.get(run!.run_id)!.summary.status).toBe('in_progress');
    await m.whenFinished(run!.run_id);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s).toMatchObject({ status: 'canceled', disk: { state: 'canceled', usage: true } });
  });

  it('a cancel while its end is being saved is refused (it has ended) and changes nothing', async () => {
    const { deps } = fakeDeps();
    const steps = fakeSteps();
    let refused: unknown = null;
    let shown: string | undefined;
    const m: RunManager = new RunManager({
      deps,
      resultsDir: results.dir,
      steps: {
        ...steps,
        parseDecision: (text, options) => {
          // After the decision step resolves the run is `completed` in its actor; its files are not written yet.
          setImmediate(() => {
            shown = m.get(runId)!.summary.status;
            try {
              m.cancel(runId);
            } catch (error) {
              refused = error;
            }
          });
          return steps.parseDecision(text, options);
        },
      },
    });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    const runId = run!.run_id;
    const done = await m.whenFinished(runId);
    expect(shown).toBe('in_progress');
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/already ended \(completed\)/);
    expect(done.status).toBe('completed');
  });
});

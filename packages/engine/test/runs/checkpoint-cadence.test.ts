import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunFiles, type StateFile } from '../../src/results/run-files.js';
import { RunManager } from '../../src/runs/run-manager.js';
import type { RunView } from '../../src/runs/run-manager-api.js';
import { fakeDeps, fakeSteps, tempDir, until } from './support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
let states: StateFile[];

beforeEach(async () => {
  results = await tempDir();
  states = [];
  // Every state.json asked for, in order (the checkpoints and the end), without waiting for the disk.
  const writeState = RunFiles.prototype.writeState;
  vi.spyOn(RunFiles.prototype, 'writeState').mockImplementation(function (this: RunFiles, state: StateFile) {
    states.push(state);
    writeState.call(this, state);
  });
  // Only the timers: the checkpoint's wait (and the log window) run when the test advances the clock.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await results.cleanup();
});

const completed = (view: RunView) => view.tree.flatMap((p) => p.children).filter((a) => a.status === 'completed').length;
type Snapshot = { value: unknown; context: { reports: Record<string, string | undefined>; researchDebate: unknown[] } };
const snapshotOf = (state: StateFile) => state.snapshot as Snapshot;

describe('checkpoint cadence (PHASE_CHECKPOINT_MS = 300, STEP_CHECKPOINT_MS = 5000)', () => {
  it('checkpoints 300 ms after a phase ends, 5 s after a step inside a phase ends, once for the steps ending meanwhile, and never for a step that only started', async () => {
    const { deps, providerOf } = fakeDeps({ mode: 'manual' });
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market', 'news'] } }]);
    const runId = run!.run_id;
    const calls = providerOf('ACME');
    const market = await calls.next();
    const news = await calls.next();
    // Started and both analysts asking: only the initial state.json, and no checkpoint waiting.
    expect(states.map((s) => s.status)).toEqual(['pending']);
    vi.advanceTimersByTime(10_000);
    expect(states).toHaveLength(1);

    // One analyst of two ends: a step inside the analysts phase, saved 5 s later.
    market.answer('market before');
    await until(m, runId, (v) => completed(v) === 1);
    vi.advanceTimersByTime(4_999);
    expect(states).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(states).toHaveLength(2);
    expect(snapshotOf(states[1]!).context.reports.market).toContain('market before');

    // The analysts phase ends, the bull's turn ends and the bear's begins, all within one wait: one checkpoint,
    // 300 ms after the phase's end (the bull's turn, inside the debate, waits for no checkpoint of its own).
    news.answer('news before');
    const bull = await calls.next();
    expect(bull.request.meta.agentId).toBe('research_debate.bull');
    bull.answer('bull before');
    const bear = await calls.next();
    expect(bear.request.meta.agentId).toBe('research_debate.bear');
    expect(states).toHaveLength(2);
    vi.advanceTimersByTime(300);
    expect(states).toHaveLength(3);
    const third = snapshotOf(states[2]!);
    expect(third.value).toEqual({ in_progress: { research_debate: 'bear' } });
    expect(third.context.reports.news).toContain('news before');
    expect(third.context.researchDebate).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(states).toHaveLength(3);
    // On disk too, after the reports it names.
    await m.idle();
    const onDisk = JSON.parse(await readFile(join(run!.results_path, 'state.json'), 'utf8')) as StateFile;
    expect(snapshotOf(onDisk).value).toEqual(third.value);
    expect(await readFile(join(run!.results_path, 'reports', 'bull_researcher.md'), 'utf8')).toContain('bull before');

    // The bear's turn ends the debate: a phase end, saved 300 ms later.
    bear.answer('bear before');
    const manager = await calls.next();
    expect(manager.request.meta.agentId).toBe('research_manager.manager');
    vi.advanceTimersByTime(299);
    expect(states).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(states).toHaveLength(4);
    expect(snapshotOf(states[3]!).value).toEqual({ in_progress: 'research_manager' });

    m.cancel(runId);
    expect((await m.whenFinished(runId)).status).toBe('canceled');
    expect(states.at(-1)!.status).toBe('canceled');
  });

  it('a step end just before the run ends adds no checkpoint: the final files replace it', async () => {
    const { deps } = fakeDeps({ mode: 'auto' });
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    // Every model answers at once, so the whole run ends within the first wait.
    expect((await m.whenFinished(run!.run_id)).status).toBe('completed');
    expect(states.map((s) => s.status)).toEqual(['pending', 'completed']);
    vi.advanceTimersByTime(1_000);
    expect(states).toHaveLength(2);
  });
});

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunUsage } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialRunContext, type RunContext } from '../../src/machine/run-context.js';
import { RUN_MACHINE_VERSION } from '../../src/machine/run-machine.js';
import { RUN_FILES, RunFiles, writeFirstFiles, type StateFile } from '../../src/results/run-files.js';
import type { PacerClock } from '../../src/runs/checkpoint-pacer.js';
import { RunPersistence } from '../../src/runs/run-persistence.js';
import { fakeDecision, testConfig } from '../machine/support.js';

/** RunFiles that also records the order in which files are asked for. */
class RecordingFiles extends RunFiles {
  readonly order: string[] = [];
  override writeReports(reports: Parameters<RunFiles['writeReports']>[0]): void {
    this.order.push(...Object.keys(reports).map((name) => `reports/${name}`));
    super.writeReports(reports);
  }
  override writeJson(file: Parameters<RunFiles['writeJson']>[0], value: unknown): void {
    this.order.push(file);
    super.writeJson(file, value);
  }
  override writeState(state: StateFile): void {
    this.order.push(`${RUN_FILES.state}:${state.status}`);
    super.writeState(state);
  }
  override writeError(message: string, stack: string | undefined): void {
    this.order.push(RUN_FILES.error);
    super.writeError(message, stack);
  }
}

const usage: RunUsage = { total: { calls: 2, input_tokens: 30, output_tokens: 12, cost_usd: null }, by_agent: {}, by_model: {} };

let dir: string;
let files: RecordingFiles;
let persistence: RunPersistence;
let snapshotNo: number;
/** What a paced checkpoint reads when it fires (the run "as it is then"). */
let current: RunContext | undefined;
/** A hand-driven clock: `advance` runs the timers that come due. */
let clock: PacerClock & { advance(ms: number): void; timers: number };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-persistence-'));
  files = new RecordingFiles(dir);
  await writeFirstFiles(dir, 'ACME-1', testConfig());
  snapshotNo = 0;
  current = undefined;
  clock = manualClock();
  persistence = new RunPersistence(
    files,
    {
      runId: 'ACME-1',
      now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
      persistedSnapshot: () => ({ no: ++snapshotNo }),
      usage: () => usage,
      current: () => (current ? { context: current, status: 'in_progress' } : undefined),
    },
    { phaseMs: 300, stepMs: 5_000, clock },
  );
});

afterEach(async () => {
  // The checkpoints a test asked for are still being written (temp file, then rename): removing the directory
  // under them fails with ENOTEMPTY now and then.
  await files.idle();
  await rm(dir, { recursive: true, force: true });
});

function manualClock() {
  let now = 1_000;
  let timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (handle: unknown) => {
      timers = timers.filter((t) => t !== handle);
    },
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
    get timers() {
      return timers.length;
    },
  };
}

const readState = async (): Promise<StateFile> => JSON.parse(await readFile(join(dir, RUN_FILES.state), 'utf8')) as StateFile;

function contextWith(patch: Partial<RunContext>): RunContext {
  return { ...initialRunContext(testConfig()), ...patch };
}

describe('RunPersistence', () => {
  it('saves state.json tagged with the machine version, the run, the time, the snapshot and the usage', async () => {
    persistence.saveState('in_progress');
    await files.idle();
    expect(await readState()).toEqual({
      machine_version: RUN_MACHINE_VERSION,
      run_id: 'ACME-1',
      status: 'in_progress',
      saved_at: '2026-01-02T03:04:05.000Z',
      snapshot: { no: 1 },
      usage,
    });
  });

  it('checkpoints the reports so far with the state', async () => {
    persistence.checkpoint(contextWith({ reports: { ...initialRunContext(testConfig()).reports, market: 'Market text.' } }), 'in_progress');
    await files.idle();
    expect(files.order).toEqual(['reports/market_report', `${RUN_FILES.state}:in_progress`]);
    expect(await readFile(join(dir, RUN_FILES.reports, 'market_report.md'), 'utf8')).toContain('Market text.');
    expect((await readState()).status).toBe('in_progress');
  });

  it('paces checkpoints: one at the end of the wait after a phase ends, for every step that ends meanwhile, with the run as it is then', async () => {
    const market = (text: string) => contextWith({ reports: { ...initialRunContext(testConfig()).reports, market: text } });
    current = market('one');
    persistence.requestCheckpoint('phase');
    // Nothing is written at once: the checkpoint waits the phase interval for more step ends.
    expect(files.order).toEqual([]);
    expect(clock.timers).toBe(1);
    clock.advance(100);
    current = market('two');
    persistence.requestCheckpoint('step');
    current = market('three');
    persistence.requestCheckpoint('phase');
    // The phase's wait ends sooner than a step's: the step end shares it, no second timer.
    expect(clock.timers).toBe(1);
    clock.advance(199);
    expect(files.order).toEqual([]);
    clock.advance(1);
    expect(files.order).toEqual(['reports/market_report', `${RUN_FILES.state}:in_progress`]);
    await files.idle();
    expect(await readFile(join(dir, RUN_FILES.reports, 'market_report.md'), 'utf8')).toBe('three\n');
    expect(await readState()).toMatchObject({ snapshot: { no: 1 } });
    // The next phase end starts a new wait: two checkpoints are never closer than the phase interval.
    current = market('four');
    persistence.requestCheckpoint('phase');
    clock.advance(299);
    expect(files.order).toHaveLength(2);
    clock.advance(1);
    expect(files.order).toHaveLength(4);
    await files.idle();
    expect(await readState()).toMatchObject({ snapshot: { no: 2 } });
    expect(clock.timers).toBe(0);
  });

  it('saves a step that ends inside a phase at the end of the step wait, or with the phase end that comes first', async () => {
    const states = () => files.order.filter((f) => f.startsWith(RUN_FILES.state));
    current = contextWith({});
    // A step alone: saved 5 s after it ended, once for the steps ending meanwhile.
    persistence.requestCheckpoint('step');
    clock.advance(3_000);
    persistence.requestCheckpoint('step');
    expect(clock.timers).toBe(1);
    clock.advance(1_999);
    expect(states()).toHaveLength(0);
    clock.advance(1);
    expect(states()).toHaveLength(1);
    expect(clock.timers).toBe(0);
    // A step, then its phase's end 1 s later: the phase's wait saves both, and the step's wait is dropped.
    persistence.requestCheckpoint('step');
    clock.advance(1_000);
    persistence.requestCheckpoint('phase');
    expect(clock.timers).toBe(2);
    clock.advance(299);
    expect(states()).toHaveLength(1);
    clock.advance(1);
    expect(states()).toHaveLength(2);
    expect(clock.timers).toBe(0);
    clock.advance(10_000);
    expect(states()).toHaveLength(2);
    // A phase end late in a step's wait: the step's wait still ends on time.
    persistence.requestCheckpoint('step');
    clock.advance(4_900);
    persistence.requestCheckpoint('phase');
    clock.advance(100);
    expect(states()).toHaveLength(3);
    expect(clock.timers).toBe(0);
  });

  it('writes a waiting checkpoint when flushed; an interrupt checkpoint or an ending run drops it', async () => {
    const states = () => files.order.filter((f) => f.startsWith(RUN_FILES.state));
    current = contextWith({});
    persistence.requestCheckpoint('step');
    persistence.flushCheckpoint();
    expect(states()).toHaveLength(1);
    expect(clock.timers).toBe(0);
    // Flushing with nothing waiting writes nothing.
    persistence.flushCheckpoint();
    expect(states()).toHaveLength(1);
    // An interrupt writes its checkpoint at once and the waiting one is gone.
    persistence.requestCheckpoint('phase');
    persistence.checkpoint(contextWith({}), 'in_progress');
    expect(states()).toHaveLength(2);
    expect(clock.timers).toBe(0);
    clock.advance(1_000);
    expect(states()).toHaveLength(2);
    // Waiting, then the run ends: the final files replace it, the timers are gone.
    persistence.requestCheckpoint('step');
    persistence.requestCheckpoint('phase');
    await persistence.writeFinal(contextWith({}), 'canceled');
    expect(clock.timers).toBe(0);
    expect(files.order.at(-1)).toBe(`${RUN_FILES.state}:canceled`);
    // A run that is ending or interrupted has nothing to checkpoint when the timer fires.
    current = undefined;
    persistence.requestCheckpoint('phase');
    clock.advance(1_000);
    expect(files.order.at(-1)).toBe(`${RUN_FILES.state}:canceled`);
  });

  it('writes a completed end with the final state.json last, after the decision and usage are on disk', async () => {
    const decision = fakeDecision('Buy it.');
    await persistence.writeFinal(contextWith({ decision, finalText: 'Buy it.' }), 'completed');
    expect(files.order).toEqual(['reports/final_trade_decision', RUN_FILES.decision, RUN_FILES.usage, `${RUN_FILES.state}:completed`]);
    expect(files.durable).toBe(true);
    expect(JSON.parse(await readFile(join(dir, RUN_FILES.decision), 'utf8'))).toEqual(decision);
    expect(JSON.parse(await readFile(join(dir, RUN_FILES.usage), 'utf8'))).toEqual(usage);
    expect(await readState()).toMatchObject({ status: 'completed', snapshot: { no: 1 } });
    expect(await readdir(dir)).not.toContain(RUN_FILES.error);
  });

  it('writes error.log with the failure stack before the final state of an error end', async () => {
    const failure = new Error('the model went away');
    await persistence.writeFinal(contextWith({ error: 'step failed: the model went away' }), 'error', failure);
    expect(files.order).toEqual([RUN_FILES.usage, RUN_FILES.error, `${RUN_FILES.state}:error`]);
    const text = await readFile(join(dir, RUN_FILES.error), 'utf8');
    expect(text.startsWith('step failed: the model went away\n\n')).toBe(true);
    expect(text).toContain(failure.stack!.split('\n')[1]!.trim());
    expect((await readState()).status).toBe('error');
  });
});

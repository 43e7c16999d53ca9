import type { RunSummary } from '@tradingfloor/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AggregateBatch, nextFrame, type AggregateMessage } from '../src/lib/aggregate-batch.js';

const summary = (ticker: string): RunSummary => ({
  run_id: `${ticker}--2025-01-31_10.00.00--abcdef`,
  ticker,
  trade_date: '2025-01-31',
  status: 'in_progress',
  overall_progress: 10,
  created_at: 1,
  updated_at: 1,
  current_phase: null,
  provider: 'offline',
  error: null,
  action: null,
  results_path: '',
});

const update = (runs: Record<string, { progress: number; phase?: string }>): AggregateMessage => ({
  type: 'status_update_aggregate',
  runs: Object.fromEntries(
    Object.entries(runs).map(([id, { progress, phase }]) => [
      id,
      { ticker: id, status: 'in_progress', overall_progress: progress, ...(phase ? { current_phase: phase } : {}) },
    ]),
  ),
});

/** A scheduler the test fires by hand, counting what was scheduled and canceled. */
function manualFrames() {
  const waiting = new Set<() => void>();
  let scheduled = 0;
  return {
    schedule: (fn: () => void) => {
      scheduled++;
      waiting.add(fn);
      return () => waiting.delete(fn);
    },
    fire() {
      const fns = [...waiting];
      waiting.clear();
      for (const fn of fns) fn();
    },
    get scheduled() {
      return scheduled;
    },
    get waiting() {
      return waiting.size;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('AggregateBatch', () => {
  it('applies the messages of one frame once, merged, the later fields of a run winning', () => {
    const frames = manualFrames();
    const applied: AggregateMessage[] = [];
    const batch = new AggregateBatch((m) => applied.push(m), frames.schedule);
    batch.push(update({ A: { progress: 10, phase: 'analysts' } }));
    batch.push(update({ B: { progress: 5 } }));
    batch.push(update({ A: { progress: 20 } }));
    expect(applied).toEqual([]);
    expect(frames.scheduled).toBe(1);
    frames.fire();
    expect(applied).toEqual([
      {
        type: 'status_update_aggregate',
        runs: {
          A: { ticker: 'A', status: 'in_progress', overall_progress: 20, current_phase: 'analysts' },
          B: { ticker: 'B', status: 'in_progress', overall_progress: 5 },
        },
      },
    ]);
    expect(batch.pending).toBe(false);
    // The next message waits for a frame of its own.
    batch.push(update({ B: { progress: 6 } }));
    expect(frames.scheduled).toBe(2);
  });

  it('drops a queue position that a later entry of the same frame no longer carries (queue mode: the run was taken)', () => {
    const frames = manualFrames();
    const applied: AggregateMessage[] = [];
    const batch = new AggregateBatch((m) => applied.push(m), frames.schedule);
    batch.push({ type: 'status_update_aggregate', runs: { A: { ticker: 'A', status: 'pending', overall_progress: 0, queue_position: 2 }, B: { ticker: 'B', status: 'pending', overall_progress: 0, queue_position: 3 } } });
    batch.push({ type: 'status_update_aggregate', runs: { A: { ticker: 'A', status: 'in_progress', overall_progress: 0 }, B: { ticker: 'B', status: 'pending', overall_progress: 0, queue_position: 1 } } });
    frames.fire();
    expect(applied).toEqual([
      {
        type: 'status_update_aggregate',
        runs: { A: { ticker: 'A', status: 'in_progress', overall_progress: 0 }, B: { ticker: 'B', status: 'pending', overall_progress: 0, queue_position: 1 } },
      },
    ]);
  });

  it('lets an init_all drop what came before it, and applies the updates after it on top', () => {
    const frames = manualFrames();
    const applied: AggregateMessage[] = [];
    const batch = new AggregateBatch((m) => applied.push(m), frames.schedule);
    batch.push(update({ OLD: { progress: 50 } }));
    batch.push({ type: 'init_all', runs: [summary('A')] });
    batch.push(update({ A: { progress: 30 } }));
    frames.fire();
    expect(applied.map((m) => m.type)).toEqual(['init_all', 'status_update_aggregate']);
    expect(applied[1]).toMatchObject({ runs: { A: { overall_progress: 30 } } });
    expect(JSON.stringify(applied)).not.toContain('OLD');
  });

  it('flushes at once when asked (another write to the list comes next) and cancels the frame', () => {
    const frames = manualFrames();
    const applied: AggregateMessage[] = [];
    const batch = new AggregateBatch((m) => applied.push(m), frames.schedule);
    batch.push(update({ A: { progress: 10 } }));
    batch.flush();
    expect(applied).toHaveLength(1);
    expect(frames.waiting).toBe(0);
    batch.flush();
    expect(applied).toHaveLength(1);
    batch.push(update({ A: { progress: 11 } }));
    batch.dispose();
    frames.fire();
    expect(applied).toHaveLength(1);
  });

  it('nextFrame falls back to a timer when no frame comes (a hidden tab), and runs the callback once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const cancelFrame = vi.fn();
    vi.stubGlobal('requestAnimationFrame', () => 7);
    vi.stubGlobal('cancelAnimationFrame', cancelFrame);
    const fn = vi.fn();
    nextFrame(100)(fn);
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(cancelFrame).toHaveBeenCalledWith(7);
    const canceled = vi.fn();
    nextFrame(100)(canceled)();
    vi.advanceTimersByTime(200);
    expect(canceled).not.toHaveBeenCalled();
  });

  it('nextFrame runs at the next animation frame and drops its fallback timer', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    const fn = vi.fn();
    nextFrame(100)(fn);
    vi.advanceTimersByTime(20);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(200);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

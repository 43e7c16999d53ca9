import { RunSummarySchema } from '@tradingfloor/shared';
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

const newManager = () =>
  new RunManager({ deps: fakeDeps({ mode: 'auto' }).deps, resultsDir: results.dir, steps: fakeSteps(), maxParallelRuns: 10 });

describe('batch id and board fields of a run summary (issue 17)', () => {
  it('gives every run of one request the same batch id, another request another, and keeps it on disk', async () => {
    const m = newManager();
    const first = await m.start([
      { ticker: 'ACME', options: {} },
      { ticker: 'GLOBEX', options: {} },
    ]);
    const second = await m.start([{ ticker: 'ACME', options: {} }]);
    const batchA = first[0]!.batch_id;
    expect(batchA).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(first[1]!.batch_id).toBe(batchA);
    expect(second[0]!.batch_id).not.toBe(batchA);
    await Promise.all([...first, ...second].map((r) => m.whenFinished(r.run_id)));
    await m.idle();

    const done = m.get(first[0]!.run_id)!.summary;
    expect(RunSummarySchema.parse(done)).toEqual(done);
    expect(done).toMatchObject({ status: 'completed', batch_id: batchA, rating: 'Buy', confidence: 0.5, position_action: 'open_long' });
    expect(done.quick_model).toBeTypeOf('string');
    expect(done.tokens).toBeGreaterThan(0);

    // A new manager reading the results directory lists the same batch ids and decision figures.
    const reread = newManager();
    await reread.loadHistory();
    const stored = reread.list().find((s) => s.run_id === first[0]!.run_id)!;
    expect(stored).toMatchObject({ batch_id: batchA, rating: 'Buy', confidence: 0.5, tokens: done.tokens });
    expect(reread.list().filter((s) => s.batch_id === batchA)).toHaveLength(2);
  });
});

import { RunOptionsSchema, type RunSummary } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { RunBatch } from '../../src/cli/run-batch.js';
import { FakeRunManager } from '../support/fake-run-manager.js';
import { decisionFixture, outsideData } from './support/fixtures.js';

const options = RunOptionsSchema.parse({});

/** Resolves with the summaries of the manager's next successful start() call. */
function nextStart(manager: FakeRunManager): Promise<RunSummary[]> {
  return new Promise((resolve) => {
    manager.onStarted = (summaries) => {
      manager.onStarted = undefined;
      resolve(summaries);
    };
  });
}

function setup(tickers: string[], parallel: number) {
  const manager = new FakeRunManager({ maxParallelRuns: parallel });
  let changes = 0;
  const batch = new RunBatch(manager, { tickers, options, parallel }, () => (changes += 1));
  return { manager, batch, changes: () => changes };
}

describe('RunBatch', () => {
  it('starts `parallel` runs and feeds the next ticker into each freed slot', async () => {
    const { manager, batch } = setup(['ACME', 'GLOBEX', 'INITECH', 'STARK'], 2);
    await batch.begin();
    expect(manager.startedTickers).toEqual([['ACME', 'GLOBEX']]);
    expect(batch.rows.map((r) => r.status)).toEqual(['pending', 'pending', 'queued', 'queued']);

    const third = nextStart(manager);
    manager.finish(manager.idsOf('GLOBEX')[0]!, 'completed', decisionFixture('GLOBEX'));
    expect((await third).map((s) => s.ticker)).toEqual(['INITECH']);

    const fourth = nextStart(manager);
    manager.finish(manager.idsOf('ACME')[0]!, 'error', null, 'no data');
    expect((await fourth).map((s) => s.ticker)).toEqual(['STARK']);
    expect(manager.startedTickers).toEqual([['ACME', 'GLOBEX'], ['INITECH'], ['STARK']]);

    manager.finish(manager.idsOf('INITECH')[0]!, 'completed', decisionFixture('INITECH', { action: 'SELL' }));
    manager.finish(manager.idsOf('STARK')[0]!, 'canceled');
    await batch.done;
    const outcomes = batch.outcomes();
    expect(outcomes.map((o) => [o.ticker, o.status, o.decision?.action ?? null, o.error])).toEqual([
      ['ACME', 'error', null, 'no data'],
      ['GLOBEX', 'completed', 'BUY', null],
      ['INITECH', 'completed', 'SELL', null],
      ['STARK', 'canceled', null, null],
    ]);
    expect(outcomes[0]!.results_path).toBe(manager.get(manager.idsOf('ACME')[0]!)!.summary.results_path);
    expect(outcomes[0]!.run_id).toBe(manager.idsOf('ACME')[0]);
  });

  it('keeps each row up to date from the manager events, with the phase label from the tree', async () => {
    const { manager, batch, changes } = setup(['ACME'], 1);
    await batch.begin();
    const id = manager.idsOf('ACME')[0]!;
    const before = changes();
    manager.update(id, { status: 'in_progress', phase: 'research_debate', progress: 40 });
    expect(changes()).toBeGreaterThan(before);
    expect(batch.rows[0]).toMatchObject({ run_id: id, status: 'in_progress', phase: 'Research Debate', progress: 40, ended_at: null });
    manager.update(id, { phase: 'risk_debate.round_1' });
    expect(batch.rows[0]!.phase).toBe('Risk Debate');
    manager.finish(id, 'completed', decisionFixture('ACME'));
    await batch.done;
    expect(batch.rows[0]).toMatchObject({ status: 'completed', action: 'BUY', phase: null, progress: 100 });
    expect(batch.rows[0]!.ended_at).not.toBeNull();
  });

  it('throws the manager refusal of the first runs before anything runs', async () => {
    const { manager, batch } = setup(['ACME', 'GLOBEX'], 1);
    manager.refuse = outsideData;
    await expect(batch.begin()).rejects.toThrow('outside the data');
    expect(manager.runs.size).toBe(0);
  });

  it('ends a queued ticker that the manager refuses as an error and goes on with the next one', async () => {
    const { manager, batch } = setup(['ACME', 'GLOBEX', 'INITECH'], 1);
    await batch.begin();
    manager.refuse = (requests) => (requests[0]?.ticker === 'GLOBEX' ? new Error('GLOBEX refused') : undefined);
    const next = nextStart(manager);
    manager.finish(manager.idsOf('ACME')[0]!, 'completed', decisionFixture('ACME'));
    expect((await next).map((s) => s.ticker)).toEqual(['INITECH']);
    expect(batch.rows[1]).toMatchObject({ ticker: 'GLOBEX', status: 'error', error: 'GLOBEX refused', run_id: null });
    manager.finish(manager.idsOf('INITECH')[0]!, 'completed', decisionFixture('INITECH'));
    await batch.done;
    expect(batch.outcomes().map((o) => o.status)).toEqual(['completed', 'error', 'completed']);
  });

  it('on interrupt cancels the active runs through shutdown() and ends the queue as never started', async () => {
    const { manager, batch } = setup(['ACME', 'GLOBEX', 'INITECH'], 2);
    await batch.begin();
    manager.update(manager.idsOf('ACME')[0]!, { status: 'in_progress', phase: 'analysts', progress: 10 });
    await batch.interrupt();
    await batch.done;
    expect(manager.shutdownCalls).toBe(1);
    expect(manager.startedTickers).toEqual([['ACME', 'GLOBEX']]);
    expect(batch.outcomes().map((o) => [o.ticker, o.status, o.run_id === null])).toEqual([
      ['ACME', 'canceled', false],
      ['GLOBEX', 'canceled', false],
      ['INITECH', 'canceled', true],
    ]);
    expect(batch.rows[2]!.error).toBe('not started: the batch was interrupted');
  });
});

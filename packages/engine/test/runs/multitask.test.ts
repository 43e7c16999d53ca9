import { ConflictError, deferred } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { beginWhenFree, MultitaskGate, type ActiveRunRef } from '../../src/runs/multitask.js';

const acme = (multitask: 'reject' | 'enqueue' | 'allow', tradeDate = '2024-03-28') => ({ ticker: 'ACME', tradeDate, multitask });

describe('MultitaskGate', () => {
  it('reject names the active run; nothing is claimed when it refuses', () => {
    const gate = new MultitaskGate();
    const active: ActiveRunRef[] = [
      { runId: 'ACME--2026-12-06_20.00.00--a1b2c3', ticker: 'ACME', tradeDate: '2024-03-28', finished: new Promise(() => {}) },
    ];
    expect(() => gate.admit([acme('reject')], active)).toThrowError(ConflictError);
    expect(() => gate.admit([acme('reject')], active)).toThrowError(/ACME--2026-12-06_20\.00\.00--a1b2c3/);
    // Another date is another run; and the refused requests left no claim behind.
    expect(gate.admit([acme('reject', '2024-03-27')], active).waits).toEqual([[]]);
    expect(gate.admit([acme('reject')], []).waits).toEqual([[]]);
  });

  it('runs a start under way is still creating count as active, until they exist or are abandoned', () => {
    const gate = new MultitaskGate();
    const first = gate.admit([acme('allow')], []);
    expect(() => gate.admit([acme('reject', '2024-03-28')], [])).toThrowError(/another request is starting/);
    first.abandoned();
    const second = gate.admit([acme('reject')], []);
    second.created([Promise.resolve()]);
    // Once created, the manager's active list speaks for the run: the gate forgets its claim.
    expect(gate.admit([acme('reject')], []).waits).toEqual([[]]);
  });

  it('one request naming the same ticker and date twice follows the same rule', () => {
    const gate = new MultitaskGate();
    expect(() => gate.admit([acme('reject'), acme('reject')], [])).toThrowError(/an earlier run of this request/);
    const queued = gate.admit([acme('enqueue'), acme('enqueue')], []);
    expect(queued.waits.map((w) => w.length)).toEqual([0, 1]);
    expect(gate.admit([acme('allow'), acme('allow')], []).waits).toEqual([[], []]);
  });

  it('enqueue waits for the active run and for an earlier claim; a claim follows its run to its end', async () => {
    const gate = new MultitaskGate();
    const active = deferred<void>();
    const firstRun = deferred<void>();
    const first = gate.admit([acme('enqueue')], [{ runId: 'r0', ticker: 'ACME', tradeDate: '2024-03-28', finished: active.promise }]);
    const second = gate.admit([acme('enqueue')], [{ runId: 'r0', ticker: 'ACME', tradeDate: '2024-03-28', finished: active.promise }]);
    expect(second.waits[0]).toHaveLength(2);
    first.created([firstRun.promise]);
    const order: string[] = [];
    const begun = deferred<void>();
    beginWhenFree({ begin: () => (order.push('second'), begun.resolve()) }, second.waits[0]!);
    active.resolve();
    await active.promise;
    order.push('active run finished');
    // A run that ends in error still ends the wait.
    firstRun.reject(new Error('failed'));
    await begun.promise;
    expect(order).toEqual(['active run finished', 'second']);
  });
});

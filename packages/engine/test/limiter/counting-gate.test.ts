import { describe, expect, it } from 'vitest';
import { CountingGate } from '../../src/limiter/counting-gate.js';
import { flush } from '../../../../tests/support/flush.js';

/** Queues an acquisition and records when it is admitted (or why it was refused). */
function waiter(gate: CountingGate, log: string[], name: string, signal?: AbortSignal) {
  const entry: { release?: () => void; error?: unknown } = {};
  const done = gate.acquire(signal).then(
    (release) => {
      log.push(name);
      entry.release = release;
    },
    (error: unknown) => {
      entry.error = error;
    },
  );
  return Object.assign(entry, { done });
}

const state = (gate: CountingGate) => ({ limit: gate.limit, inUse: gate.inUse, waiting: gate.waiting });

describe('CountingGate', () => {
  it('admits at once while under the limit and queues beyond it; release is idempotent', async () => {
    const gate = new CountingGate(2);
    const a = await gate.acquire();
    const b = await gate.acquire();
    const log: string[] = [];
    const c = waiter(gate, log, 'c');
    await flush();
    expect(state(gate)).toEqual({ limit: 2, inUse: 2, waiting: 1 });
    a();
    a();
    await c.done;
    expect(state(gate)).toEqual({ limit: 2, inUse: 2, waiting: 0 });
    // The double release handed out no extra permit.
    const d = waiter(gate, log, 'd');
    await flush();
    expect(log).toEqual(['c']);
    b();
    c.release!();
    await d.done;
    d.release!();
    expect(state(gate)).toEqual({ limit: 2, inUse: 0, waiting: 0 });
  });

  it('rejects an aborted waiter at once with the reason; its permit goes back to the next waiter, not lost', async () => {
    const gate = new CountingGate(1);
    const holder = await gate.acquire();
    const log: string[] = [];
    const controller = new AbortController();
    const quitter = waiter(gate, log, 'quitter', controller.signal);
    const next = waiter(gate, log, 'next');
    await flush();
    expect(state(gate)).toMatchObject({ inUse: 1, waiting: 2 });
    const reason = new Error('canceled by the user');
    controller.abort(reason);
    await quitter.done;
    expect(quitter.error).toBe(reason);
    expect(state(gate)).toMatchObject({ inUse: 1, waiting: 1 });
    holder();
    await next.done;
    expect(log).toEqual(['next']);
    expect(state(gate)).toMatchObject({ inUse: 1, waiting: 0 });
    next.release!();
    await flush();
    // Exactly one permit exists: one acquisition is admitted, the second waits.
    const x = waiter(gate, log, 'x');
    const y = waiter(gate, log, 'y');
    await flush();
    expect(log).toEqual(['next', 'x']);
    expect(state(gate)).toMatchObject({ inUse: 1, waiting: 1 });
    x.release!();
    await y.done;
    y.release!();
    expect(state(gate)).toMatchObject({ inUse: 0, waiting: 0 });
  });

  it('leaks nothing when a waiter aborts in the same tick its permit is freed', async () => {
    const gate = new CountingGate(1);
    const holder = await gate.acquire();
    const log: string[] = [];
    const controller = new AbortController();
    const quitter = waiter(gate, log, 'quitter', controller.signal);
    await flush();
    holder();
    // The freed token is on its way to the waiter through Sema's queue; the abort still wins, and the
    // token is handed straight back.
    controller.abort(new Error('too late'));
    await quitter.done;
    await flush();
    expect(quitter.error).toEqual(new Error('too late'));
    expect(state(gate)).toMatchObject({ inUse: 0, waiting: 0 });
    const a = waiter(gate, log, 'a');
    const b = waiter(gate, log, 'b');
    await flush();
    expect(log).toEqual(['a']);
    a.release!();
    await b.done;
    b.release!();
    expect(state(gate)).toMatchObject({ inUse: 0, waiting: 0 });
  });

  it('rejects an already aborted signal without queueing', async () => {
    const gate = new CountingGate(1);
    const reason = new Error('already canceled');
    await expect(gate.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(state(gate)).toMatchObject({ inUse: 0, waiting: 0 });
  });

  it('makes a lowered limit bind the next admission even with waiters queued', async () => {
    const gate = new CountingGate(3);
    const holders = [await gate.acquire(), await gate.acquire(), await gate.acquire()];
    const log: string[] = [];
    const w1 = waiter(gate, log, 'w1');
    const w2 = waiter(gate, log, 'w2');
    await flush();
    gate.setLimit(1);
    expect(state(gate)).toEqual({ limit: 1, inUse: 3, waiting: 2 });
    holders[0]!();
    await flush();
    holders[1]!();
    await flush();
    // Two permits freed, but one call is still in flight at limit 1: nobody is admitted.
    expect(log).toEqual([]);
    expect(state(gate)).toEqual({ limit: 1, inUse: 1, waiting: 2 });
    // A newcomer does not jump the queue either.
    const late = waiter(gate, log, 'late');
    holders[2]!();
    await w1.done;
    await flush();
    expect(log).toEqual(['w1']);
    expect(state(gate)).toEqual({ limit: 1, inUse: 1, waiting: 2 });
    w1.release!();
    await w2.done;
    await flush();
    expect(log).toEqual(['w1', 'w2']);
    w2.release!();
    await late.done;
    late.release!();
    expect(state(gate)).toEqual({ limit: 1, inUse: 0, waiting: 0 });
  });

  it('admits queued waiters FIFO when the limit is raised, also beyond any earlier limit', async () => {
    const gate = new CountingGate(2);
    const holders = [await gate.acquire(), await gate.acquire()];
    gate.setLimit(1);
    const log: string[] = [];
    const ws = ['w1', 'w2', 'w3', 'w4', 'w5'].map((name) => waiter(gate, log, name));
    await flush();
    expect(state(gate)).toEqual({ limit: 1, inUse: 2, waiting: 5 });
    gate.setLimit(3);
    await flush();
    expect(log).toEqual(['w1']);
    gate.setLimit(5);
    await flush();
    expect(log).toEqual(['w1', 'w2', 'w3']);
    expect(state(gate)).toEqual({ limit: 5, inUse: 5, waiting: 2 });
    holders[0]!();
    await flush();
    expect(log).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(state(gate)).toEqual({ limit: 5, inUse: 5, waiting: 1 });
    holders[1]!();
    await Promise.all(ws.map((w) => w.done));
    expect(log).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
    for (const w of ws) w.release!();
    expect(state(gate)).toEqual({ limit: 5, inUse: 0, waiting: 0 });
    // Five permits now, no more.
    const more = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((name) => waiter(gate, log, name));
    await flush();
    expect(state(gate)).toEqual({ limit: 5, inUse: 5, waiting: 1 });
    for (const m of more.slice(0, 5)) m.release!();
    await more[5]!.done;
    more[5]!.release!();
    expect(state(gate)).toEqual({ limit: 5, inUse: 0, waiting: 0 });
  });

  it('goes from unlimited to limited and back, counting the unlimited holders against the new limit', async () => {
    const gate = new CountingGate(null);
    const early = [await gate.acquire(), await gate.acquire(), await gate.acquire(), await gate.acquire()];
    expect(state(gate)).toEqual({ limit: null, inUse: 4, waiting: 0 });
    gate.setLimit(2);
    const log: string[] = [];
    const w1 = waiter(gate, log, 'w1');
    await flush();
    expect(state(gate)).toEqual({ limit: 2, inUse: 4, waiting: 1 });
    early[0]!();
    early[1]!();
    await flush();
    expect(log).toEqual([]);
    expect(state(gate)).toEqual({ limit: 2, inUse: 2, waiting: 1 });
    early[2]!();
    await w1.done;
    expect(state(gate)).toEqual({ limit: 2, inUse: 2, waiting: 0 });
    const w2 = waiter(gate, log, 'w2');
    const w3 = waiter(gate, log, 'w3');
    await flush();
    expect(state(gate)).toEqual({ limit: 2, inUse: 2, waiting: 2 });

    // Back to unlimited: everyone queued is admitted, and nobody waits any more.
    gate.setLimit(null);
    await Promise.all([w2.done, w3.done]);
    expect(log).toEqual(['w1', 'w2', 'w3']);
    expect(state(gate)).toEqual({ limit: null, inUse: 4, waiting: 0 });
    const free = await gate.acquire();
    expect(gate.inUse).toBe(5);

    // Limited again, with holders from both earlier phases still in flight.
    gate.setLimit(3);
    const w4 = waiter(gate, log, 'w4');
    await flush();
    expect(state(gate)).toEqual({ limit: 3, inUse: 5, waiting: 1 });
    early[3]!();
    w1.release!();
    await flush();
    expect(log).toEqual(['w1', 'w2', 'w3']);
    expect(state(gate)).toEqual({ limit: 3, inUse: 3, waiting: 1 });
    free();
    await w4.done;
    expect(state(gate)).toEqual({ limit: 3, inUse: 3, waiting: 0 });
    for (const w of [w2, w3, w4]) w.release!();
    expect(state(gate)).toEqual({ limit: 3, inUse: 0, waiting: 0 });
    const three = [await gate.acquire(), await gate.acquire(), await gate.acquire()];
    const w5 = waiter(gate, log, 'w5');
    await flush();
    expect(state(gate)).toEqual({ limit: 3, inUse: 3, waiting: 1 });
    for (const release of three) release();
    await w5.done;
    w5.release!();
    expect(state(gate)).toEqual({ limit: 3, inUse: 0, waiting: 0 });
  });

  it('admitNow counts a holder at once, over a limit too, and the next admission waits for it', async () => {
    const gate = new CountingGate(1);
    const first = gate.admitNow();
    const second = gate.admitNow();
    expect(state(gate)).toEqual({ limit: 1, inUse: 2, waiting: 0 });
    const log: string[] = [];
    const w = waiter(gate, log, 'w');
    await flush();
    first();
    first();
    await flush();
    expect(log).toEqual([]);
    expect(state(gate)).toEqual({ limit: 1, inUse: 1, waiting: 1 });
    second();
    await w.done;
    expect(state(gate)).toEqual({ limit: 1, inUse: 1, waiting: 0 });
    w.release!();
    expect(state(gate)).toEqual({ limit: 1, inUse: 0, waiting: 0 });
  });
});

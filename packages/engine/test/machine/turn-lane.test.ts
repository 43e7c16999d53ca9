import { describe, expect, it } from 'vitest';
import { TurnLane } from '../../src/machine/turn-lane.js';

/** Resolves after the immediates queued before it (the lane's drain of this turn, when one is queued). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnLane', () => {
  it('lets waiters go in later turns, calls before steps before answers, each in the order asked, twice as many each turn', async () => {
    const lane = new TurnLane(2, 8);
    const gone: string[] = [];
    const waits = [
      ...['a1', 'a2'].map((name) => lane.enter('answer').then(() => gone.push(name))),
      ...Array.from({ length: 6 }, (_, i) => lane.enter('step').then(() => gone.push(`s${i + 1}`))),
      ...Array.from({ length: 6 }, (_, i) => lane.enter('call').then(() => gone.push(`c${i + 1}`))),
    ];
    // Nothing goes in the turn it was asked in.
    await Promise.resolve();
    expect(gone).toEqual([]);
    const perTurn: number[] = [];
    while (lane.size > 0) {
      const before = gone.length;
      await nextTurn();
      perTurn.push(gone.length - before);
    }
    await Promise.all(waits);
    expect(gone).toEqual([...Array.from({ length: 6 }, (_, i) => `c${i + 1}`), ...Array.from({ length: 6 }, (_, i) => `s${i + 1}`), 'a1', 'a2']);
    // 2, 4, 8 (the most), then the rest.
    expect(perTurn).toEqual([2, 4, 8]);
  });

  it('starts again from the fewest once it was empty', async () => {
    const lane = new TurnLane(1, 4);
    const first = Array.from({ length: 3 }, () => lane.enter('step'));
    await Promise.all(first);
    expect(lane.size).toBe(0);
    let gone = 0;
    const again = Array.from({ length: 3 }, () => lane.enter('call').then(() => gone++));
    await nextTurn();
    expect(gone).toBe(1);
    await Promise.all(again);
    expect(gone).toBe(3);
  });
});

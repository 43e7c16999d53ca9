import { describe, expect, it } from 'vitest';
import { WaitingLine } from '../../src/host/waiting-line.js';

/** Resolves after the pending immediates (the line tells positions after the current burst). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WaitingLine', () => {
  it('numbers runs in the order they were added and moves the ones behind up once per burst of takes', async () => {
    const moves: Array<[string, number]> = [];
    const line = new WaitingLine<string>((run, position) => moves.push([run, position]));
    for (const id of ['a', 'b', 'c', 'd']) line.add(id, id);
    expect([...line.positions()]).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);

    expect(line.take('a')).toBe(true);
    expect(line.take('c')).toBe(true);
    expect(line.take('x')).toBe(false);
    expect(moves).toEqual([]);
    await nextTurn();
    // One round for both takes: every run still waiting hears its position.
    expect(moves).toEqual([['b', 1], ['d', 2]]);
    expect(line.size).toBe(2);
  });

  it('drops a run without telling the others, and tells nothing once stopped', async () => {
    const moves: Array<[string, number]> = [];
    const line = new WaitingLine<string>((run, position) => moves.push([run, position]));
    line.add('a', 'a');
    line.add('b', 'b');
    line.drop('a');
    await nextTurn();
    expect(moves).toEqual([]);
    expect([...line.positions()]).toEqual([['b', 1]]);
    line.add('c', 'c');
    line.take('b');
    line.stop();
    await nextTurn();
    expect(moves).toEqual([]);
  });
});

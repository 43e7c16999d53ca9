import { LogEntrySchema, type LogEntry } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { agentSink, RunLog } from '../../src/logs/run-log.js';

const info = (message: string) => ({ severity: 'INFO' as const, source: 'run', agent_id: null, message });

describe('RunLog', () => {
  it('numbers entries from 1, stamps them with the injected clock and hands each to onEntry', () => {
    const seen: LogEntry[] = [];
    let t = Date.UTC(2024, 0, 1);
    const log = new RunLog({ now: () => (t += 1000), onEntry: (e) => seen.push(e) });
    log.append(info('a'));
    log.sink(info('b'));
    expect(seen).toEqual([
      {
        seq: 1,
        ts: Date.UTC(2024, 0, 1, 0, 0, 1),
        iso: '2024-01-01T00:00:01.000Z',
        severity: 'INFO',
        source: 'run',
        agent_id: null,
        message: 'a',
      },
      {
        seq: 2,
        ts: Date.UTC(2024, 0, 1, 0, 0, 2),
        iso: '2024-01-01T00:00:02.000Z',
        severity: 'INFO',
        source: 'run',
        agent_id: null,
        message: 'b',
      },
    ]);
    expect(seen.every((e) => LogEntrySchema.safeParse(e).success)).toBe(true);
    expect(log.lastSeq).toBe(2);
  });

  it('keeps only the newest entries in its ring while seq keeps counting', () => {
    const log = new RunLog({ now: () => 0, maxLines: 3 });
    for (let i = 1; i <= 8; i++) log.append(info(`m${i}`));
    expect(log.entries().map((e) => [e.seq, e.message])).toEqual([
      [6, 'm6'],
      [7, 'm7'],
      [8, 'm8'],
    ]);
    expect(log.lastSeq).toBe(8);
  });

  it('continues after restored entries and survives a throwing listener', () => {
    const log = new RunLog({
      now: () => 0,
      maxLines: 2,
      onEntry: () => {
        throw new Error('listener bug');
      },
    });
    log.restore(
      [1, 2, 3].map((seq) => ({
        seq,
        ts: 0,
        iso: '1970-01-01T00:00:00.000Z',
        severity: 'INFO' as const,
        source: 'run',
        agent_id: null,
        message: `old ${seq}`,
      })),
    );
    expect(log.append(info('new')).seq).toBe(4);
    expect(log.entries().map((e) => e.message)).toEqual(['old 3', 'new']);
  });

  it('with keep false holds no entry, but still numbers, hands on and continues after restored ones', () => {
    const seen: number[] = [];
    const log = new RunLog({ now: () => 0, maxLines: 3, keep: false, onEntry: (e) => seen.push(e.seq) });
    log.restore([{ seq: 5, ts: 0, iso: '1970-01-01T00:00:00.000Z', severity: 'INFO', source: 'run', agent_id: null, message: 'old' }]);
    log.append(info('a'));
    log.append(info('b'));
    expect(seen).toEqual([6, 7]);
    expect(log.lastSeq).toBe(7);
    expect(log.entries()).toEqual([]);
  });

  it('refuses a buffer size that is not a positive whole number', () => {
    expect(() => new RunLog({ now: () => 0, maxLines: 0 })).toThrow(/positive integer/);
  });

  it('agentSink fills in the agent id unless the entry names one', () => {
    const log = new RunLog({ now: () => 0 });
    const sink = agentSink(log.sink, 'analysts.news');
    sink(info('x'));
    sink({ ...info('y'), agent_id: 'other' });
    expect(log.entries().map((e) => e.agent_id)).toEqual(['analysts.news', 'other']);
  });
});

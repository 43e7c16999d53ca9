import { InspectionRecordSchema, type InspectionRecord } from '@tradingfloor/shared';
import { createActor, type InspectionEvent } from 'xstate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InspectionBuffer } from '../../src/machine/inspection-buffer.js';
import { summarizePayload } from '../../src/machine/payload-summary.js';
import { createRunMachine } from '../../src/machine/run-machine.js';
import { scriptedSteps, steppingClock, testConfig } from './support.js';

const root = { sessionId: 'x:0', send: () => {}, getSnapshot: () => undefined };
const eventOf = (type: string, extra: Record<string, unknown> = {}): InspectionEvent =>
  ({ type: '@xstate.event', rootId: 'x:0', actorRef: root, sourceRef: undefined, event: { type, ...extra } }) as InspectionEvent;
const snapshotOf = (value: unknown, event = 'E'): InspectionEvent =>
  ({ type: '@xstate.snapshot', rootId: 'x:0', actorRef: root, event: { type: event }, snapshot: { status: 'active', output: undefined, error: undefined, value, machine: {} } }) as InspectionEvent;

describe('InspectionBuffer bounds and ordering', () => {
  it('keeps the newest `max` records, oldest first, with seqs that keep counting', () => {
    const buffer = new InspectionBuffer({ now: () => 7, max: 3 });
    for (let i = 0; i < 5; i++) buffer.inspect(eventOf(`E${i}`));
    expect(buffer.list().map((r) => [r.seq, r.event])).toEqual([
      [3, 'E2'],
      [4, 'E3'],
      [5, 'E4'],
    ]);
    expect(buffer.lastSeq).toBe(5);
    expect(buffer.list()[0]).toEqual({ seq: 3, ts: 7, type: '@xstate.event', actor: 'x:0', event: 'E2', state: null });
  });

  it('pages after a seq, reports what dropped out, and hands every record to its listener in order', () => {
    const seen: InspectionRecord[] = [];
    const buffer = new InspectionBuffer({ now: steppingClock(0), max: 4, onRecord: (r) => seen.push(r) });
    for (let i = 0; i < 6; i++) buffer.inspect(eventOf(`E${i}`));
    expect(seen.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen.map((r) => r.ts)).toEqual([10, 20, 30, 40, 50, 60]);
    const page = buffer.page(3, 2);
    expect(page).toMatchObject({ session: buffer.session, returned: 2, last_seq: 5, total_seq: 6, first_seq: 3 });
    expect(page.records.map((r) => r.seq)).toEqual([4, 5]);
    // A cursor older than the ring gets what is still held; one at the end gets nothing and keeps its place.
    expect(buffer.page(0).records.map((r) => r.seq)).toEqual([3, 4, 5, 6]);
    expect(buffer.page(6)).toMatchObject({ records: [], returned: 0, last_seq: 6 });
  });

  it('with keep: false hands every record to its listener and keeps none (the listener is where they are kept)', () => {
    const seen: InspectionRecord[] = [];
    const buffer = new InspectionBuffer({ now: steppingClock(0), keep: false, onRecord: (r) => seen.push(r) });
    for (let i = 0; i < 3; i++) buffer.inspect(eventOf(`E${i}`));
    expect(seen.map((r) => [r.seq, r.event])).toEqual([
      [1, 'E0'],
      [2, 'E1'],
      [3, 'E2'],
    ]);
    expect(buffer.list()).toEqual([]);
    expect(buffer.lastSeq).toBe(3);
    expect(buffer.page(0)).toMatchObject({ records: [], returned: 0, total_seq: 3 });
  });

  it('gives every record the run state as of that moment', () => {
    const buffer = new InspectionBuffer({ now: () => 1, initialState: { in_progress: 'trader' } });
    buffer.inspect(eventOf('START'));
    buffer.inspect(snapshotOf({ in_progress: 'risk_debate' }, 'xstate.done.actor.x'));
    buffer.inspect(eventOf('CANCEL', { graceful: true }));
    const [first, second, third] = buffer.list();
    expect(first?.state).toEqual({ in_progress: 'trader' });
    expect(second).toMatchObject({ type: '@xstate.snapshot', event: 'xstate.done.actor.x', status: 'active', state: { in_progress: 'risk_debate' } });
    expect(third).toMatchObject({ event: 'CANCEL', summary: 'graceful: true', state: { in_progress: 'risk_debate' } });
  });

  it('records a real run actor: actors, events, snapshots and actions, all valid JSON records', async () => {
    const steps = scriptedSteps();
    const buffer = new InspectionBuffer({ now: steppingClock() });
    const machine = createRunMachine(steppingClock()).provide({ actors: steps.actors });
    const actor = createActor(machine, { input: { config: testConfig({ analysts: ['market'] }) }, inspect: buffer.inspect });
    const done = new Promise<void>((resolve) => actor.subscribe({ complete: () => resolve() }));
    actor.start();
    actor.send({ type: 'START' });
    await done;
    const records = buffer.list();
    expect(records.every((r) => InspectionRecordSchema.safeParse(r).success)).toBe(true);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(records.filter((r) => r.type === '@xstate.actor').map((r) => r.src)).toEqual([
      'run',
      'analyst',
      'researcher',
      'researcher',
      'researchManager',
      'trader',
      'riskAnalyst',
      'riskAnalyst',
      'riskAnalyst',
      'portfolioManager',
      'extractDecision',
    ]);
    const start = records.find((r) => r.type === '@xstate.snapshot' && r.event === 'START');
    expect(start?.state).toEqual({ in_progress: { analysts: { market: 'running', social: 'skipped', news: 'skipped', fundamentals: 'skipped' } } });
    const reportDone = records.find((r) => r.type === '@xstate.event' && r.event?.startsWith('xstate.done.actor.') && r.summary?.includes('analysts.market'));
    expect(reportDone?.summary).toBe('output: {text: "analysts.market r1"}, actorId: "0.run.in_progress.analysts.market.running"');
    expect(records.find((r) => r.action === 'xstate.spawnChild')?.summary).toBe('analyst as 0.run.in_progress.analysts.market.running');
    const stops = records.filter((r) => r.action === 'xstate.stopChild');
    expect(stops.length).toBe(10);
    expect(stops.every((r) => /^actor x:\d+$/.test(r.summary ?? ''))).toBe(true);
    expect(records.at(-1)?.state).toBe('completed');
  });

  it('with eagerSummaries makes the same records, each summary a plain value from the start', async () => {
    const recordRun = async (eagerSummaries: boolean) => {
      const buffer = new InspectionBuffer({ now: steppingClock(), eagerSummaries });
      const machine = createRunMachine(steppingClock()).provide({ actors: scriptedSteps().actors });
      const actor = createActor(machine, { input: { config: testConfig({ analysts: ['market', 'news'] }) }, inspect: buffer.inspect });
      const done = new Promise<void>((resolve) => actor.subscribe({ complete: () => resolve() }));
      actor.start();
      actor.send({ type: 'START' });
      await done;
      return buffer.list();
    };
    const eager = await recordRun(true);
    const lazy = await recordRun(false);
    // Session ids differ between the two actors; the rest, key order included, is the same.
    const text = (records: InspectionRecord[]) => JSON.stringify(records).replace(/x:\d+/g, 'x');
    expect(text(eager) === text(lazy)).toBe(true);
    const summarized = eager.filter((r) => r.type === '@xstate.event' && r.summary !== undefined);
    expect(summarized.length).toBeGreaterThan(5);
    for (const r of summarized) expect(Object.getOwnPropertyDescriptor(r, 'summary')).toMatchObject({ value: r.summary, writable: true });
  });
});

describe('a TOOL_CALLS event in the timeline', () => {
  it('names the agents and the tools started and counts the calls that ended and failed, lazy or eager', () => {
    const changes = [
      { agentId: 'market_analyst', at: 1, started: { name: 'get_stock_data', args: '{}' } },
      { agentId: 'market_analyst', at: 2, ended: { summary: '30 rows', vendor: 'demo', error: null } },
      { agentId: 'news_analyst', at: 3, started: { name: 'get_news', args: '{}' } },
      { agentId: 'news_analyst', at: 4, ended: { summary: null, vendor: null, error: 'DATA UNAVAILABLE' } },
      { agentId: 'market_analyst', at: 5, started: { name: 'get_indicators', args: '{}' } },
    ];
    for (const eagerSummaries of [false, true]) {
      const buffer = new InspectionBuffer({ now: () => 0, eagerSummaries });
      buffer.inspect(eventOf('TOOL_CALLS', { changes }));
      expect(buffer.list()[0]?.summary).toBe('agents: "market_analyst, news_analyst", started: "get_stock_data, get_news, get_indicators", ended: 2, failed: 1');
    }
  });
});

describe('summarizePayload', () => {
  it('cuts long strings, counts lists, names actors and caps the whole', () => {
    const text = 'x'.repeat(500);
    expect(summarizePayload({ type: 'E', output: { text, usage: { calls: 2 } } })).toBe(`output: {text: "${'x'.repeat(64)}…" (500 chars), usage: {calls: 2}}`);
    expect(summarizePayload({ type: 'E', items: [1, 2, 3], ref: { sessionId: 'x:3' } })).toBe('items: [3 items], ref: actor x:3');
    expect(summarizePayload({ type: 'E', error: new Error('boom') })).toBe('error: Error: "boom"');
    expect(summarizePayload({ type: 'E' })).toBeUndefined();
    const long = summarizePayload(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, 'value value'])), []);
    expect(long!.length).toBe(160);
    expect(long!.endsWith('…')).toBe(true);
  });

  it('collapses whitespace as if over the whole string, even when it only looks at a prefix', () => {
    const reference = (value: string) => {
      const oneLine = value.replace(/\s+/g, ' ');
      return oneLine.length > 64 ? `${JSON.stringify(`${oneLine.slice(0, 64)}…`)} (${value.length} chars)` : JSON.stringify(oneLine);
    };
    const cases = [
      'word '.repeat(2000),
      `${' \n\t'.repeat(300)}tail`,
      `${'a'.repeat(63)}${' '.repeat(5000)}b${'c'.repeat(10)}`,
      `${'a\n\n'.repeat(100)}`,
      'short  text\n',
      ' '.repeat(10_000),
    ];
    for (const text of cases) expect(summarizePayload({ type: 'E', text })).toBe(`text: ${reference(text)}`);
  });

  it('collapses every kind of whitespace `\\s` matches, and nothing else', () => {
    const reference = (value: string) => {
      const oneLine = value.replace(/\s+/g, ' ');
      return oneLine.length > 64 ? `${JSON.stringify(`${oneLine.slice(0, 64)}…`)} (${value.length} chars)` : JSON.stringify(oneLine);
    };
    // Every character `\s` matches, and look-alikes it does not (next line, zero-width and Mongolian vowel separator).
    const spaces = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
    const others = ['a', 'é', '\u0085', '\u180e', '\u200b', '\u2060', '\u2010'];
    const textArb = fc.array(fc.constantFrom(...spaces, ...others, 'word'), { maxLength: 200 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(textArb, (text) => {
        expect(summarizePayload({ type: 'E', text })).toBe(`text: ${reference(text)}`);
      }),
      { numRuns: 2000 },
    );
  });
});

import { compareEntries, RUN_SORT_KEYS, RunListQuerySchema, sortValue, ValidationError, type RunSummary } from '@tradingfloor/shared';
import type { RunEvent } from '@tradingfloor/engine';
import { describe, expect, it } from 'vitest';
import { RunIndex, type CachedJson } from '../src/runs/run-index.js';

const STATUSES = ['pending', 'in_progress', 'completed', 'error', 'canceled', 'interrupted'] as const;
const ACTIONS = ['BUY', 'SELL', 'HOLD', null] as const;
const TICKERS = ['ACME', 'GLOBEX', 'INITECH', 'STARK', 'WAYNE'];

/** A varied but deterministic run: i picks its ticker, date, status, action, confidence (some null) and batch. */
function summary(i: number): RunSummary {
  const status = STATUSES[i % STATUSES.length]!;
  return {
    run_id: `${TICKERS[i % 5]}--2024-01-01_00.00.${String(i).padStart(4, '0')}--abc${i}`,
    ticker: TICKERS[i % 5]!,
    trade_date: `2024-0${1 + (i % 3)}-1${i % 7}`,
    status,
    overall_progress: (i * 7) % 101,
    created_at: 1000 + Math.floor(i / 2), // pairs share a created_at: the run id breaks the tie
    updated_at: 5000 + i * 3,
    current_phase: null,
    provider: 'offline',
    error: null,
    action: ACTIONS[i % 4]!,
    results_path: '',
    batch_id: `b${i % 3}`,
    confidence: i % 5 === 0 ? null : ((i * 37) % 100) / 100,
    tokens: i * 11,
    cost_usd: null,
  };
}

/** An event source like the RunManager: a list and synchronous events. */
function source(initial: RunSummary[]) {
  const listeners = new Set<(e: RunEvent) => void>();
  return {
    list: () => initial,
    subscribe(l: (e: RunEvent) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit: (e: RunEvent) => listeners.forEach((l) => l(e)),
    listeners,
  };
}

const parse = (q: Record<string, string>) => RunListQuerySchema.parse(q);

/** Follows next_cursor to the end, collecting every run id. */
function walk(index: RunIndex, q: Record<string, string>): { ids: string[]; totals: number[] } {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const page = index.page({ ...parse({ ...q, ...(cursor ? { cursor } : {}) }), limit: Number(q.limit ?? 7) });
    ids.push(...page.runs.map((r) => r.run_id));
    totals.push(page.total);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return { ids, totals };
}

describe('RunIndex', () => {
  const runs = Array.from({ length: 60 }, (_, i) => summary(i));

  it('pages through every sort, both directions, in the order a full sort gives, with nulls last', () => {
    const index = new RunIndex(source(runs));
    for (const key of RUN_SORT_KEYS) {
      for (const desc of [false, true]) {
        const expected = [...runs]
          .map((r) => ({ v: sortValue(r, key), id: r.run_id }))
          .sort((a, b) => compareEntries(a, b, desc))
          .map((e) => e.id);
        const { ids, totals } = walk(index, { sort: `${desc ? '-' : ''}${key}` });
        expect(ids, `${desc ? '-' : ''}${key}`).toEqual(expected);
        expect(new Set(totals)).toEqual(new Set([60]));
      }
    }
    const confidence = walk(index, { sort: '-confidence', limit: '100' }).ids.map((id) => runs.find((r) => r.run_id === id)!.confidence);
    expect(confidence.slice(-12).every((c) => c === null)).toBe(true);
    expect(confidence[0]).toBe(Math.max(...confidence.filter((c): c is number => c !== null)));
  });

  it('filters by status, action, ticker search, trade date range and batch, and counts the matches', () => {
    const index = new RunIndex(source(runs));
    const q = { status: 'completed,error', action: 'SELL,BUY', q: 'ac', from: '2024-01-10', to: '2024-02-28', batch: 'b1' };
    const expected = runs
      .filter((r) => ['completed', 'error'].includes(r.status) && (r.action === 'SELL' || r.action === 'BUY'))
      .filter((r) => r.ticker.includes('AC') && r.trade_date >= '2024-01-10' && r.trade_date <= '2024-02-28' && r.batch_id === 'b1')
      .map((r) => r.run_id);
    const { ids, totals } = walk(index, { ...q, limit: '1' });
    expect(ids).toEqual(expected);
    expect(totals.every((t) => t === expected.length)).toBe(true);
    expect(index.all(parse(q)).map((r) => r.run_id)).toEqual(expected);
    const sell = index.all(parse({ action: 'SELL' }));
    expect(sell.length).toBeGreaterThan(0);
    expect(sell.every((r) => r.action === 'SELL')).toBe(true);
  });

  it('follows created, changed and removed runs; a change re-sorts only what it moved', () => {
    const src = source(runs.slice(0, 10));
    const index = new RunIndex(src);
    const top = () => index.page({ ...parse({ sort: '-progress' }), limit: 1 }).runs[0]!;
    expect(top().overall_progress).toBe(Math.max(...runs.slice(0, 10).map((r) => r.overall_progress)));
    const moved = { ...runs[3]!, overall_progress: 100 };
    src.emit({ type: 'changed', run_id: moved.run_id, summary: moved });
    expect(top().run_id).toBe(moved.run_id);
    // A filtered list asked before a change is not served stale after it.
    const sellsBefore = index.page({ ...parse({ action: 'SELL' }), limit: 50 }).total;
    src.emit({ type: 'changed', run_id: runs[0]!.run_id, summary: { ...runs[0]!, action: 'SELL' } });
    expect(index.page({ ...parse({ action: 'SELL' }), limit: 50 }).total).toBe(sellsBefore + (runs[0]!.action === 'SELL' ? 0 : 1));
    const fresh = summary(99);
    src.emit({ type: 'created', run_id: fresh.run_id, summary: fresh });
    expect(index.size).toBe(11);
    expect(index.page({ ...parse({ sort: '-created_at' }), limit: 1 }).runs[0]!.run_id).toBe(fresh.run_id);
    src.emit({ type: 'removed', run_id: moved.run_id });
    expect(top().run_id).not.toBe(moved.run_id);
    expect(index.size).toBe(10);
    index.dispose();
    expect(src.listeners.size).toBe(0);
  });

  it('a cursor keeps its place when runs are added before it, and refuses another sort or garbage', () => {
    const src = source(runs.slice(0, 20));
    const index = new RunIndex(src);
    const order = index.all(parse({})).map((r) => r.run_id);
    const first = index.page({ ...parse({}), limit: 5 });
    const early = { ...summary(200), created_at: 0 };
    src.emit({ type: 'created', run_id: early.run_id, summary: early });
    const second = index.page({ ...parse({ cursor: first.next_cursor! }), limit: 5 });
    expect(second.runs.map((r) => r.run_id)).toEqual(order.slice(5, 10));
    expect(second.total).toBe(21);
    expect(() => index.page({ ...parse({ cursor: first.next_cursor!, sort: 'ticker' }), limit: 5 })).toThrow(ValidationError);
    expect(() => index.page({ ...parse({ cursor: 'not-a-cursor' }), limit: 5 })).toThrow(/cursor/);
  });
});

describe('RunIndex.listJson', () => {
  it('serialises the list once while no run changes, again after a change or a removal, per status filter', () => {
    const runs = [summary(0), summary(1)];
    const s = source(runs);
    const index = new RunIndex(s);
    let built = 0;
    const answer = (status?: string) => () => {
      built++;
      return { runs: runs.filter((r) => status === undefined || r.status === status) };
    };
    const parse = (cached: CachedJson) => JSON.parse(cached.bytes.toString('utf8')) as unknown;
    const first = index.listJson(undefined, answer());
    expect(parse(first)).toEqual({ runs });
    expect(first.etag).toMatch(/^"[^"]+"$/);
    expect(index.listJson(undefined, answer())).toBe(first);
    expect(built).toBe(1);
    // Another filter is its own answer, with its own tag.
    const pending = index.listJson('pending', answer('pending'));
    expect(parse(pending)).toEqual({ runs: [runs[0]] });
    expect(pending.etag).not.toBe(first.etag);
    expect(built).toBe(2);
    // A log line changes no summary: still the same bytes and tag.
    s.emit({ type: 'log', run_id: runs[0]!.run_id, entry: { seq: 1, ts: 1, iso: '', severity: 'INFO', source: 'run', agent_id: null, message: 'x' } });
    expect(index.listJson(undefined, answer())).toBe(first);
    expect(built).toBe(2);
    runs[1] = { ...runs[1]!, overall_progress: 99 };
    s.emit({ type: 'changed', run_id: runs[1].run_id, summary: runs[1] });
    const changed = index.listJson(undefined, answer());
    expect(parse(changed)).toEqual({ runs });
    expect(changed.etag).not.toBe(first.etag);
    expect(built).toBe(3);
    runs.pop();
    s.emit({ type: 'removed', run_id: summary(1).run_id });
    const removed = index.listJson(undefined, answer());
    expect(parse(removed)).toEqual({ runs });
    expect(new Set([first.etag, pending.etag, changed.etag, removed.etag]).size).toBe(4);
    expect(built).toBe(4);
  });

  it('keeps any answer made from every run (kept) until a run changes, apart from the lists', () => {
    const runs = [summary(0), summary(1)];
    const s = source(runs);
    const index = new RunIndex(s);
    let made = 0;
    const count = () => ({ runs: runs.length, made: ++made });
    const first = index.kept('metrics/phases', count);
    expect(index.kept('metrics/phases', count)).toBe(first);
    // A list under the same index is its own entry: neither answer replaces the other.
    const list = index.listJson(undefined, () => ({ runs }));
    expect(index.kept('metrics/phases', count)).toBe(first);
    expect(index.listJson(undefined, () => ({ runs }))).toBe(list);
    s.emit({ type: 'log', run_id: runs[0]!.run_id, entry: { seq: 1, ts: 1, iso: '', severity: 'INFO', source: 'run', agent_id: null, message: 'x' } });
    expect(index.kept('metrics/phases', count)).toBe(first);
    const fresh = summary(2);
    runs.push(fresh);
    s.emit({ type: 'finished', run_id: fresh.run_id, summary: fresh });
    expect(index.kept('metrics/phases', count)).toEqual({ runs: 3, made: 2 });
  });

  it('gives tags another index (a restarted server) never gave', () => {
    const runs = [summary(0)];
    const a = new RunIndex(source(runs)).listJson(undefined, () => ({ runs }));
    const b = new RunIndex(source(runs)).listJson(undefined, () => ({ runs }));
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(b.etag).not.toBe(a.etag);
  });
});

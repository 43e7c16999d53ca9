import {
  compareEntries,
  RUN_SORT_KEYS,
  sortValue,
  type RunListQuery,
  type RunPageResponse,
  type RunSort,
  type RunSortKey,
  type RunSummary,
  type SortEntry,
} from '@tradingfloor/shared';
import type { RunManagerApi } from '@tradingfloor/engine';
import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor } from './run-cursor.js';

/**
 * An answer serialised once: its UTF-8 bytes (sent as they are, so a request neither re-encodes nor copies
 * them) and a strong ETag naming exactly these bytes.
 */
export interface CachedJson {
  readonly bytes: Buffer;
  readonly etag: string;
}

const DEFAULT_SORT: RunSort = { key: 'created_at', desc: false };
/** Filtered lists kept at once (a few boards with different filters). */
const MAX_FILTERED_LISTS = 16;

/** One sorted order of every run; rebuilt lazily, only after a run's value for its key changed. */
interface SortedList {
  entries: SortEntry[];
  dirty: boolean;
}

/** The filters of a query, as one predicate; null when there is none. */
function predicateOf(q: RunListQuery): ((run: RunSummary) => boolean) | null {
  const status = q.status ? new Set<string>(q.status) : null;
  const action = q.action ? new Set<string>(q.action) : null;
  const text = q.q ? q.q.toUpperCase() : null;
  if (!status && !action && !text && !q.from && !q.to && !q.batch && !q.backtest) return null;
  return (run) =>
    (status === null || status.has(run.status)) &&
    (action === null || (run.action !== null && action.has(run.action))) &&
    (text === null || run.ticker.includes(text)) &&
    (q.from === undefined || run.trade_date >= q.from) &&
    (q.to === undefined || run.trade_date <= q.to) &&
    (q.batch === undefined || run.batch_id === q.batch) &&
    (q.backtest === undefined || run.backtest_id === q.backtest);
}

/**
 * Every run's summary, kept from the manager's events, with lazily sorted orders per sort column, so that
 * `GET /runs?limit=50` over 10,000 stored runs is a binary search and a short scan instead of a list, filter
 * and sort per request. A live run's change dirties only the orders whose value it changed (progress, tokens,
 * …); stored runs never change, so their orders are sorted once.
 */
export class RunIndex {
  private readonly runs = new Map<string, RunSummary>();
  private readonly lists = new Map<string, SortedList>();
  private readonly unsubscribe: () => void;
  /** Recently asked filtered lists, valid while `version` is unchanged (any change of any run bumps it). */
  private readonly filtered = new Map<string, { version: number; entries: SortEntry[] }>();
  private version = 0;
  /** Answers made from every run (`kept`: the lists of `listJson`, the phase metrics), valid while `version` is unchanged. */
  private readonly answers = new Map<string, { version: number; answer: unknown }>();
  /**
   * ETags are this index's random prefix and a serial number per serialisation: unique within the process,
   * and a restarted server (another prefix) never matches a tag its predecessor gave out.
   */
  private readonly etagPrefix = randomBytes(6).toString('base64url');
  private serial = 0;

  constructor(source: Pick<RunManagerApi, 'list' | 'subscribe'>) {
    // Subscribe first: an event between the two steps then overwrites the listed summary, never the reverse.
    this.unsubscribe = source.subscribe((event) => {
      if (event.type === 'log') return;
      if (event.type === 'removed') this.remove(event.run_id);
      else this.put(event.summary);
    });
    for (const summary of source.list()) if (!this.runs.has(summary.run_id)) this.put(summary);
  }

  get size(): number {
    return this.runs.size;
  }

  /** One page of runs matching the query's filters in its sort order, after its cursor. */
  page(query: RunListQuery & { limit: number }): RunPageResponse {
    const sort = query.sort ?? DEFAULT_SORT;
    const list = this.matching(query, sort);
    const start = query.cursor === undefined ? 0 : this.after(list, decodeCursor(query.cursor, sort), sort.desc);
    const slice = list.slice(start, start + query.limit);
    const more = start + query.limit < list.length;
    return {
      runs: slice.map((entry) => this.runs.get(entry.id)!),
      total: list.length,
      next_cursor: more && slice.length > 0 ? encodeCursor(sort, slice[slice.length - 1]!) : null,
    };
  }

  /** Every run matching the query's filters, in its sort order (the unpaged `GET /runs`). */
  all(query: RunListQuery): RunSummary[] {
    return this.matching(query, query.sort ?? DEFAULT_SORT).map((entry) => this.runs.get(entry.id)!);
  }

  /**
   * The sorted entries matching the query's filters. A filtered list is kept until any run changes, so paging
   * through a filtered history (which never changes) scans it once, not once per page.
   */
  private matching(query: RunListQuery, sort: RunSort): SortEntry[] {
    const entries = this.sorted(sort);
    const matches = predicateOf(query);
    if (matches === null) return entries;
    const key = JSON.stringify([sort, query.status, query.action, query.q, query.from, query.to, query.batch, query.backtest]);
    const cached = this.filtered.get(key);
    if (cached && cached.version === this.version) return cached.entries;
    const list = entries.filter((entry) => matches(this.runs.get(entry.id)!));
    if (this.filtered.size >= MAX_FILTERED_LISTS) this.filtered.delete(this.filtered.keys().next().value!);
    this.filtered.set(key, { version: this.version, entries: list });
    return list;
  }

  /**
   * The unpaged `GET /runs` answer (`answer()`: the manager's own list) serialised as JSON, kept until any run
   * changes: a history that does not change (500 stored runs: a 300 KiB answer, ~2 ms to build and stringify)
   * is serialised once, not per request. Log lines do not change a summary and keep it. The answer is kept
   * as UTF-8 bytes: a string body would be encoded into a fresh 300 KiB buffer on every request, and on this
   * size those large allocations, not the copy, are what a loaded machine makes slow.
   */
  listJson(status: string | undefined, answer: () => unknown): CachedJson {
    return this.kept(`list:${status ?? ''}`, () => {
      const bytes = Buffer.from(JSON.stringify(answer()), 'utf8');
      return { bytes, etag: `"${this.etagPrefix}-${(++this.serial).toString(36)}"` };
    });
  }

  /**
   * What `make()` returns, kept under `key` until any run changes (as `listJson` keeps the lists): for an
   * answer computed from every run, which a dashboard polls while nothing changes. `make` must read only
   * the runs' summaries and what a change of a run announces (a finished run's tree does not change again).
   */
  kept<T>(key: string, make: () => T): T {
    const cached = this.answers.get(key);
    if (cached && cached.version === this.version) return cached.answer as T;
    const answer = make();
    this.answers.set(key, { version: this.version, answer });
    return answer;
  }

  dispose(): void {
    this.unsubscribe();
  }

  private put(summary: RunSummary): void {
    const before = this.runs.get(summary.run_id);
    this.runs.set(summary.run_id, summary);
    this.version++;
    for (const key of RUN_SORT_KEYS) {
      if (before !== undefined && sortValue(before, key) === sortValue(summary, key)) continue;
      this.markDirty(key);
    }
  }

  private remove(runId: string): void {
    if (!this.runs.delete(runId)) return;
    this.version++;
    for (const key of RUN_SORT_KEYS) this.markDirty(key);
  }

  private markDirty(key: RunSortKey): void {
    const asc = this.lists.get(key);
    if (asc) asc.dirty = true;
    const desc = this.lists.get(`-${key}`);
    if (desc) desc.dirty = true;
  }

  private sorted(sort: RunSort): SortEntry[] {
    const name = `${sort.desc ? '-' : ''}${sort.key}`;
    let list = this.lists.get(name);
    if (list && !list.dirty) return list.entries;
    const entries: SortEntry[] = [];
    for (const run of this.runs.values()) entries.push({ v: sortValue(run, sort.key), id: run.run_id });
    entries.sort((a, b) => compareEntries(a, b, sort.desc));
    list = { entries, dirty: false };
    this.lists.set(name, list);
    return entries;
  }

  /** Index of the first entry after `cursor` (binary search: the list is in the cursor's order). */
  private after(entries: SortEntry[], cursor: SortEntry, desc: boolean): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(entries[mid]!, cursor, desc) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

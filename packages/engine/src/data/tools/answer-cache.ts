import type { MarketDataVendor } from '../vendor.js';

/** A tool's finished answer: the text the model reads, the vendor that served it and the answer's one-line summary. */
export interface CachedAnswer {
  readonly text: string;
  readonly served: string;
  readonly summary: string;
}

/** Answers kept per thread: a batch or a backtest asks a few tickers and dates many times; a few kB each. */
export const ANSWER_CACHE_MAX = 256;

const answers = new Map<string, CachedAnswer>();
/** A number per vendor object, so that a key never names another vendor (two demo markets with other seeds). */
const vendorIds = new WeakMap<MarketDataVendor, number>();
let nextVendorId = 0;

function vendorId(vendor: MarketDataVendor): number {
  let id = vendorIds.get(vendor);
  if (id === undefined) vendorIds.set(vendor, (id = nextVendorId++));
  return id;
}

/**
 * JSON that says exactly what `value` is: null when it holds anything JSON would change (NaN, a Date, an
 * undefined array item; an undefined field too unless `undefinedFields`, for readers that take it as absent).
 */
export function exactJson(value: unknown, undefinedFields = true): string | null {
  let exact = true;
  const text = JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (v === undefined ? !undefinedFields || Array.isArray(this) : !isExact(v)) exact = false;
    return v;
  });
  return exact && text !== undefined ? text : null;
}

/** A value JSON writes as it is: null, a string, a boolean, a finite number, an array or a plain object. */
function isExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || Array.isArray(v)) return Array.isArray(v);
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The cache key of one tool call, or null when the answer must not be shared: the vendor does not vouch
 * that its answers as of `tradeDate` are final (`settledThrough`), or the arguments are not plain JSON.
 * The key names the vendor object, the tool, the ticker, the trade date and the validated arguments: an
 * answer is never served for another vendor, instrument or date (no look-ahead through the cache).
 */
export function answerKey(vendor: MarketDataVendor, tool: string, ticker: string, tradeDate: string, args: unknown): string | null {
  const settled = vendor.settledThrough?.();
  if (settled === undefined || tradeDate > settled) return null;
  const json = exactJson(args);
  return json === null ? null : `${vendorId(vendor)}\u0000${tool}\u0000${ticker}\u0000${tradeDate}\u0000${json}`;
}

/** The answer stored under `key` (most recently used last). */
export function cachedAnswer(key: string): CachedAnswer | undefined {
  const hit = answers.get(key);
  if (hit) {
    answers.delete(key);
    answers.set(key, hit);
  }
  return hit;
}

/** Stores an answer; the least recently used one goes beyond `ANSWER_CACHE_MAX`. */
export function storeAnswer(key: string, answer: CachedAnswer): void {
  answers.delete(key);
  answers.set(key, answer);
  if (answers.size > ANSWER_CACHE_MAX) answers.delete(answers.keys().next().value!);
}

/** How many answers are kept now (for tests of the bound). */
export function answerCacheSize(): number {
  return answers.size;
}

/** Distinct strings a pool keeps at most; beyond it, strings are returned as given (the pool never grows unbounded). */
const DEFAULT_MAX_STRINGS = 4096;

/**
 * Canonical copies of short strings that repeat across many records: a record that crossed a thread (a
 * structured clone) brings its own copy of every string, so 1000 runs' inspection records and log lines would
 * hold a million copies of `@xstate.snapshot`, `INFO` or an agent id. `intern` hands back the first copy seen,
 * and the clone's own becomes garbage at once. Meant for short, low-cardinality fields only (types, names,
 * ids); long or unique texts would only fill the pool.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  constructor(private readonly max = DEFAULT_MAX_STRINGS) {}

  intern<T extends string | null | undefined>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    if (this.strings.size < this.max) this.strings.set(value, value);
    return value;
  }

  /** Distinct strings kept. */
  get size(): number {
    return this.strings.size;
  }
}

/** The pool the server's mirrors of live runs share (inspection records, log lines). */
export const mirrorStrings = new StringPool();

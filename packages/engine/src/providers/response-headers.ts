type Entries = ReturnType<Headers['entries']>;
type Names = ReturnType<Headers['keys']>;

/**
 * The headers of an answer as `node:http` gave them (`rawHeaders`: name, value, name, value, …), read
 * through the `Headers` interface without building undici's `Headers`: the SDKs look up a handful of
 * names per answer (`content-type`, `x-request-id`, `retry-after-ms`, …), and a linear scan of ~10 raw
 * entries costs less than undici's validation and sorted list. Names compare case-insensitively; several
 * values of one name join with ", " as `Headers.get` does (`getSetCookie` keeps them apart). Iteration is
 * in lowercase name order with duplicates joined, as `Headers` iterates. Read-only, like the headers of a
 * fetched `Response`: `set`, `append` and `delete` throw a `TypeError`.
 */
export class ResponseHeaders implements Headers {
  readonly #raw: readonly string[];
  #sorted: Array<[string, string]> | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const wanted = name.toLowerCase();
    const raw = this.#raw;
    let value: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const candidate = raw[i]!;
      // Most servers send lowercase names already; lowercase only when the plain compare cannot decide.
      if (candidate === wanted || (candidate.length === wanted.length && candidate.toLowerCase() === wanted)) {
        value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
      }
    }
    return value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  getSetCookie(): string[] {
    const raw = this.#raw;
    const cookies: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'set-cookie') cookies.push(raw[i + 1]!);
    return cookies;
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#entries()) callback.call(thisArg, value, name, this);
  }

  entries(): Entries {
    return this.#entries()[Symbol.iterator]() as Entries;
  }

  keys(): Names {
    const names = this.#entries().map(([name]) => name);
    return names[Symbol.iterator]() as Names;
  }

  values(): Names {
    const values = this.#entries().map(([, value]) => value);
    return values[Symbol.iterator]() as Names;
  }

  [Symbol.iterator](): Entries {
    return this.entries();
  }

  set(): never {
    throw new TypeError('immutable');
  }

  append(): never {
    throw new TypeError('immutable');
  }

  delete(): never {
    throw new TypeError('immutable');
  }

  /** The pairs a `Headers` would iterate: lowercase names, sorted, one entry per name (cookies apart). */
  #entries(): Array<[string, string]> {
    if (this.#sorted) return this.#sorted;
    const raw = this.#raw;
    const sorted: Array<[string, string]> = [];
    // An insertion sort: an answer has a handful of headers, and this runs once per answer (the SDKs look
    // for `x-request-id` by iterating).
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const value = raw[i + 1]!;
      let at = sorted.length;
      while (at > 0 && sorted[at - 1]![0] > name) at -= 1;
      const before = sorted[at - 1];
      if (before !== undefined && before[0] === name && name !== 'set-cookie') before[1] = `${before[1]}, ${value}`;
      else sorted.splice(at, 0, [name, value]);
    }
    this.#sorted = sorted;
    return sorted;
  }
}

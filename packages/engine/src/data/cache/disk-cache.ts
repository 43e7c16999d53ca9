import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write.js';

/** One cached answer and when it was fetched (epoch ms). */
export interface CacheEntry<T> {
  fetched_at: number;
  value: T;
}

/** A cache key: vendor, data kind, symbol, range (e.g. `["yahoo", "bars", "BRK-B", "all"]`). */
export type CacheKey = readonly [vendor: string, kind: string, symbol: string, range: string];

// Key parts become path segments: keep letters, digits and a few safe marks, so no key can leave the folder.
const segment = (part: string) => (part.replace(/[^A-Za-z0-9._=^-]/g, '_').replace(/^\.+/, '_') || '_').slice(0, 120);

/**
 * Vendor answers on disk, one JSON file per key under `dir/<vendor>/<kind>/<symbol>/<range>.json`, so every
 * process and every run on this machine shares them. Writes are atomic (temp file + rename); an unreadable
 * or corrupt file reads as a miss. Whether an entry is still good is the caller's call (`isFresh`).
 */
export class DiskCache {
  constructor(readonly dir: string) {}

  /** Path of a key's file. */
  fileOf(key: CacheKey): string {
    return path.join(this.dir, ...key.slice(0, 3).map(segment), `${segment(key[3])}.json`);
  }

  async read<T>(key: CacheKey): Promise<CacheEntry<T> | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.fileOf(key), 'utf8')) as Partial<CacheEntry<T>>;
      return typeof parsed.fetched_at === 'number' && 'value' in parsed ? (parsed as CacheEntry<T>) : undefined;
    } catch {
      return undefined;
    }
  }

  async write<T>(key: CacheKey, value: T, fetchedAt: number): Promise<void> {
    const file = this.fileOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ fetched_at: fetchedAt, value } satisfies CacheEntry<T>));
  }
}

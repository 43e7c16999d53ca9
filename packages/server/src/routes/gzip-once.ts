import { gzip } from 'node:zlib';

/** Answers shorter than this go out as they are: compressing them saves less than the header it adds. */
export const GZIP_MIN_BYTES = 1024;

/** The compressed copy of each kept answer, made once; it goes when the answer's bytes are dropped. */
const compressed = new WeakMap<Buffer, Promise<Buffer>>();

/**
 * The gzip encoding of `bytes`, an answer a route keeps between requests (a cached list). The first request
 * that wants it compresses it in libuv's pool (`zlib.gzip`: a 300 KiB list takes ~2.5 ms there, none of it on
 * the serving thread); later requests share that promise, so the list is compressed once per version of it.
 * A failed compression is not kept: the next request tries again.
 */
export function gzipOnce(bytes: Buffer): Promise<Buffer> {
  let pending = compressed.get(bytes);
  if (pending === undefined) {
    pending = new Promise<Buffer>((resolve, reject) => gzip(bytes, (error, out) => (error ? reject(error) : resolve(out))));
    pending.catch(() => compressed.delete(bytes));
    compressed.set(bytes, pending);
  }
  return pending;
}

/** The strong tag of an answer's gzip encoding: a representation of its own (RFC 9110 §8.8.3), told apart by `-gz`. */
export function gzipEtag(etag: string): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-gz"` : etag;
}

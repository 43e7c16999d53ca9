/**
 * A value made on first use from a module imported then (an SDK, undici): a process or thread that never uses
 * it never loads the module, whose code each V8 isolate that loads it holds (the openai SDK ~11 MiB of RSS,
 * undici ~19, the Anthropic SDK ~21; docs/performance-log.md, 2026-12-08). The returned function gives the
 * value itself once it is made, and a promise of it before: hot paths pay no await after the first use.
 */
export function loadOnce<T extends object>(make: () => Promise<T>): () => T | Promise<T> {
  let value: T | null = null;
  let pending: Promise<T> | null = null;
  return () =>
    value ??
    (pending ??= make().then(
      (made) => (value = made),
      (error: unknown) => {
        // A failed import is tried again at the next use rather than remembered.
        pending = null;
        throw error;
      },
    ));
}

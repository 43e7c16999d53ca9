/**
 * Runs one load per key at a time and lets every concurrent caller wait on it, so ten runs starting
 * together on one ticker fetch it once. The load gets its own signal, aborted only when every caller
 * waiting on it has been aborted; a caller whose own signal aborts stops waiting at once.
 */
export class SharedFlight {
  private readonly flights = new Map<string, { promise: Promise<unknown>; controller: AbortController; waiting: number }>();

  async run<T>(key: string, load: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const created = { controller, waiting: 0, promise: Promise.resolve() as Promise<unknown> };
      created.promise = load(controller.signal).finally(() => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      });
      // Nobody may be listening when the last caller gave up; the rejection is theirs, not unhandled.
      created.promise.catch(() => {});
      this.flights.set(key, created);
      flight = created;
    }
    const current = flight;
    current.waiting++;
    if (!signal) return current.promise as Promise<T>;
    let onAbort: () => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (--current.waiting === 0) {
          current.controller.abort(signal.reason);
          if (this.flights.get(key) === current) this.flights.delete(key);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return (await Promise.race([current.promise, aborted])) as T;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

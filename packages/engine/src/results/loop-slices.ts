/** How long start-up reading of the results directory works before it lets the event loop turn, ms. */
export const START_SLICE_MS = 20;

/**
 * Splits synchronous work into slices of `sliceMs`: `next()` resolves at once while the current slice lasts,
 * and after one turn of the event loop (`setImmediate`) once it is over, starting the next. For reading the
 * results directory at start with synchronous calls (cheaper here than promise reads, each a round trip
 * through libuv's pool) while timers and connections still get the loop every `sliceMs`.
 */
export class LoopSlices {
  private start = performance.now();

  constructor(private readonly sliceMs: number = START_SLICE_MS) {}

  async next(): Promise<void> {
    if (performance.now() - this.start < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}

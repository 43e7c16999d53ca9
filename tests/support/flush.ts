/** Lets every queued promise callback run (a few macrotask turns), without depending on wall time. */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

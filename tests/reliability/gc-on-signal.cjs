// Preloaded into the soak's server (NODE_OPTIONS=--expose-gc --require …): on SIGUSR2 it runs a full
// garbage collection and prints the heap and RSS, so the soak measures memory that is really retained.
let count = 0;
process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  count += 1;
  process.stdout.write(`soak-gc ${count} heapUsed=${heapUsed} rss=${rss}\n`);
});

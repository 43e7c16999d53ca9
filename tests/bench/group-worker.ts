// Worker process: runs one benchmark group in a fresh process (its own heap, event loop and peak RSS).
import type { BenchOptions } from './bench-options.js';
import { BENCH_GROUPS } from './groups.js';
import { serveRpc } from './worker-rpc.js';

serveRpc({
  async run({ group, options, args }: { group: string; options: BenchOptions; args?: unknown }) {
    const measure = BENCH_GROUPS[group];
    if (!measure) throw new Error(`unknown benchmark group "${group}"`);
    return measure(options, args);
  },
});

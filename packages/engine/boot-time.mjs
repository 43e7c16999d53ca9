import { ThreadHost } from '/work/wt/w-threads/packages/engine/dist/host/thread-host.js';
import { ConcurrencyLimiter } from '/work/wt/w-threads/packages/engine/dist/limiter/concurrency-limiter.js';
const entry = new URL(process.argv[2]);
const t = Date.now();
const h = new ThreadHost({ threads: 2, entry, workerData: { env: {}, resultsDir: '/tmp/x', logBufferMaxLines: 250 }, limiter: new ConcurrencyLimiter({ global: null }) });
await h.ready();
console.log(entry.pathname.split('/').pop(), Date.now() - t, 'ms');
await h.close();

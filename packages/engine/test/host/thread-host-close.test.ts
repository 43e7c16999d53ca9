import { join } from 'node:path';
import { deferred } from '@tradingfloor/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreadHost } from '../../src/host/thread-host.js';
import { ConcurrencyLimiter } from '../../src/limiter/concurrency-limiter.js';
import { RUN_FILES } from '../../src/results/run-files.js';
import type { RunManager } from '../../src/runs/run-manager.js';
import { canListOpenFds, openFdsOn } from './open-fds.js';
import { startSourceThreadHost } from './source-thread-host.js';
import { tempDir } from '../runs/support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
let host: ThreadHost;
let manager: RunManager;

beforeAll(async () => {
  results = await tempDir();
  ({ host, manager } = await startSourceThreadHost({
    threads: 1,
    resultsDir: results.dir,
    limiter: new ConcurrencyLimiter({ global: 4 }),
  }));
}, 180_000);

afterAll(async () => {
  // The host was closed under its run: the manager is not shut down (its run never ends), only the files go.
  await host?.close();
  await results?.cleanup();
});

describe('thread host close', { timeout: 120_000 }, () => {
  it.skipIf(!canListOpenFds)('closes the log descriptors of the runs its terminated threads held open', async () => {
    const logged = deferred<void>();
    const unsubscribe = host.subscribe((event) => {
      if (event.type === 'log') logged.resolve();
    });
    // A run that waits a minute for its first model answer: under way when the host closes.
    const [run] = await manager.start([{ ticker: 'ACME', options: { analysts: ['market'], offline_latency_ms: 60_000 } }]);
    await logged.promise;
    unsubscribe();
    // The lines so far written: the thread keeps run.log open for the next ones.
    await host.flush(run!.run_id);
    const logs = [RUN_FILES.log, RUN_FILES.messages].map((file) => join(run!.results_path, file));
    expect([...(await openFdsOn(logs)).keys()]).toContain(logs[0]);

    await host.close();
    expect(await openFdsOn(logs)).toEqual(new Map());
  });
});

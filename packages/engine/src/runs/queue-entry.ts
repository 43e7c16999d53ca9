import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '@tradingfloor/shared';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { QueueWorker, QueueWorkerOptions } from './queue-worker.js';

/*
 * The way into queue mode's worker side from the engine's public surface. The worker's module brings BullMQ,
 * ioredis and redis-semaphore, ~34 MiB of RSS in a process that loads them; a server outside queue mode and
 * every engine thread never do, so the module is imported when a worker starts, not when the engine is.
 */

/** Refuses a results directory this process cannot write (a worker must write every run's files). */
export async function checkResultsDirWritable(dir: string): Promise<string | null> {
  const probe = join(dir, `.worker-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(probe, 'ok\n');
    await rm(probe, { force: true });
    return null;
  } catch (error) {
    return `the results directory ${dir} is not writable: ${errorMessage(error)}`;
  }
}

/** Starts a queue worker (`tradingfloor worker`); see `queue-worker.ts`. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { startQueueWorker: start } = await import('./queue-worker.js');
  return start(options);
}

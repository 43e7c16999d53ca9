import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { closeFd, openFd, renamePath, syncFd, unlinkQuietly, writeAll } from './fd-ops.js';

/** Numbers the temp files of this thread's writes (the thread's id in the top byte: engine threads share the pid). */
let tempCount = 0;

/**
 * The temp file name of one write: `.<name>.<pid>.<8 hex>.tmp` beside the target (`sweepTempFiles` knows the
 * shape and the pid). A counter, not random bytes: one target is written by one queue at a time, so the name
 * only has to differ from the other writes in flight of this process.
 */
function tempName(path: string): string {
  tempCount = (tempCount + 1) & 0xffffff;
  const tag = (((threadId & 0xff) << 24) | tempCount) >>> 0;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tag.toString(16).padStart(8, '0')}.tmp`);
}

/**
 * Writes a file atomically: the data goes to a temp file beside it, which is then renamed over the target,
 * so a reader (or a crash) never sees a half-written file. `durable`: the data is flushed to the disk
 * (fsync) before the rename, so the file survives a power loss too, not only a killed process.
 */
export async function writeFileAtomic(path: string, data: string, options: { durable?: boolean } = {}): Promise<void> {
  const temp = tempName(path);
  try {
    const fd = await openFd(temp, 'w');
    try {
      await writeAll(fd, data);
      if (options.durable) await syncFd(fd);
    } finally {
      await closeFd(fd);
    }
    await renamePath(temp, path);
  } catch (error) {
    await unlinkQuietly(temp);
    throw error;
  }
}

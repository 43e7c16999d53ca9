import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { close, fsync, open, rename, unlink } from 'node:fs';
import { writeAllThen } from './fd-ops.js';

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
 * (fsync) before the rename, so the file survives a power loss too, not only a killed process. On a failure
 * the temp file is deleted and the target is left as it was.
 *
 * One callback chain (open, write, [fsync,] close, rename) under one promise: a run writes a few dozen whole
 * files, and a promise per step cost the engine thread more than the step's own request (issue 13).
 */
export function writeFileAtomic(path: string, data: string, options: { durable?: boolean } = {}): Promise<void> {
  const temp = tempName(path);
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => unlink(temp, () => reject(error));
    open(temp, 'w', 0o666, (openError, fd) => {
      if (openError) {
        fail(openError);
        return;
      }
      // Closed whatever happened; the first failure is the one reported, and nothing is renamed after one.
      const closeThen = (failure: Error | null): void =>
        close(fd, (closeError) => {
          const error = failure ?? closeError;
          if (error) fail(error);
          else rename(temp, path, (renameError) => (renameError ? fail(renameError) : resolve()));
        });
      writeAllThen(fd, data, (writeError) => {
        if (writeError || !options.durable) closeThen(writeError);
        else fsync(fd, closeThen);
      });
    });
  });
}

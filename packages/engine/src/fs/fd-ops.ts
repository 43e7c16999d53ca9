import { close, fsync, open, rename, unlink, write } from 'node:fs';

/*
 * The few file operations the results writers make, as small promises over Node's callback API. A run writes
 * dozens of files and hundreds of log lines: `fs/promises` builds a FileHandle (with its close bookkeeping)
 * per open and several promises per call, which cost the engine thread several times what the raw request
 * does (issue 13's profile: ~12 ms of ~80 ms a run went to it). Descriptors are plain numbers: whoever opens
 * one closes it.
 */

/** Opens `path` with `flags` (`'w'`, `'a'`, …) and resolves to its descriptor. */
export function openFd(path: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, 0o666, (error, fd) => (error ? reject(error) : resolve(fd))));
}

/** Writes all of `data` at the descriptor's position (the end, for one opened with `'a'`). */
export function writeAll(fd: number, data: string | Buffer): Promise<void> {
  const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      if (offset >= buffer.length) {
        resolve();
        return;
      }
      // A regular file takes the whole buffer at once; a short write (a full disk about to fail) goes on from where it stopped.
      write(fd, buffer, offset, buffer.length - offset, null, (error, written) => (error ? reject(error) : from(offset + written)));
    };
    from(0);
  });
}

/** Flushes the descriptor's data to the disk. */
export function syncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (error) => (error ? reject(error) : resolve())));
}

export function renamePath(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => rename(from, to, (error) => (error ? reject(error) : resolve())));
}

/** Deletes a file; a missing one (or any failure) is let be. */
export function unlinkQuietly(path: string): Promise<void> {
  return new Promise((resolve) => unlink(path, () => resolve()));
}

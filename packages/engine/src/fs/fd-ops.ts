import { close, open, write } from 'node:fs';

/*
 * The file operations of the appended logs, as small promises over Node's callback API, and the write of a
 * whole buffer or string that `writeFileAtomic` chains with its own callbacks. A run writes dozens of files
 * and hundreds of log lines: `fs/promises` builds a FileHandle (with its close bookkeeping) per open and
 * several promises per call, which cost the engine thread several times what the raw request does (issue
 * 13's profile: ~12 ms of ~80 ms a run went to it). Descriptors are plain numbers: whoever opens one closes it.
 */

/** Opens `path` with `flags` (`'w'`, `'a'`, …) and resolves to its descriptor. */
export function openFd(path: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, 0o666, (error, fd) => (error ? reject(error) : resolve(fd))));
}

/**
 * Writes all of `data` at the descriptor's position (the end, for one opened with `'a'`), then calls `done`.
 * A string goes to the binding as it is (no Buffer made here); a short write (a full disk about to fail) goes
 * on with the rest of its bytes.
 */
export function writeAllThen(fd: number, data: string | Buffer, done: (error: Error | null) => void): void {
  if (typeof data !== 'string') {
    writeBytesFrom(fd, data, 0, done);
    return;
  }
  write(fd, data, null, 'utf8', (error, written) => {
    if (error) done(error);
    // A regular file takes the whole string at once.
    else if (written === Buffer.byteLength(data, 'utf8')) done(null);
    else writeBytesFrom(fd, Buffer.from(data, 'utf8'), written, done);
  });
}

function writeBytesFrom(fd: number, buffer: Buffer, offset: number, done: (error: Error | null) => void): void {
  if (offset >= buffer.length) {
    done(null);
    return;
  }
  write(fd, buffer, offset, buffer.length - offset, null, (error, written) => (error ? done(error) : writeBytesFrom(fd, buffer, offset + written, done)));
}

/** Writes all of `data` at the descriptor's position (`writeAllThen` as a promise). */
export function writeAll(fd: number, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => writeAllThen(fd, data, (error) => (error ? reject(error) : resolve())));
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (error) => (error ? reject(error) : resolve())));
}

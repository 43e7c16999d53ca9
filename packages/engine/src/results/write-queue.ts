import { closeFd, openFd, writeAll } from '../fs/fd-ops.js';
import { sharedAppendFlusher, type AppendFlusher, type AppendOwner } from './append-flusher.js';

/** One appended file: its lines waiting in memory and, while the queue keeps it open, its descriptor. */
interface AppendTarget {
  chunks: string[];
  fd: number | null;
}

/**
 * A run's ordered file-write queue: one operation at a time, in the order they were asked for, so that two
 * writes of one file never interleave and a slow disk never piles up concurrent writes. A failed operation is
 * reported and does not stop the ones after it.
 *
 * Appends wait in memory and are written together: when the next operation starts (so a line asked for
 * before a whole-file write is on disk before it), on `idle()`, and otherwise when the flusher's window ends
 * (`APPEND_WINDOW_MS` after the first waiting line). Each appended file stays open between writes until
 * `close()` (one write per flush, no open and close); appends after `close()` open, write and close again.
 */
export class WriteQueue implements AppendOwner {
  private tail: Promise<void> = Promise.resolve();
  private readonly targets = new Map<string, AppendTarget>();
  /** Lines wait in `targets` (the flusher knows, or an operation is about to write them). */
  private waiting = false;
  private keepOpen = true;
  private count = 0;

  constructor(
    private readonly onError: (error: unknown, what: string) => void = () => {},
    private readonly flusher: AppendFlusher = sharedAppendFlusher,
  ) {}

  /** Runs `task` after every operation queued before it, and after the appends asked for before it starts. */
  run(what: string, task: () => Promise<void>): Promise<void> {
    this.count++;
    const next = this.tail.then(async () => {
      if (this.waiting) await this.writeAppends();
      await task();
    });
    this.tail = next.catch((error: unknown) => this.onError(error, what));
    return this.tail;
  }

  /** Appends text to a file, in order with everything else asked for. */
  append(file: string, text: string): void {
    let target = this.targets.get(file);
    if (!target) {
      target = { chunks: [], fd: null };
      this.targets.set(file, target);
    }
    target.chunks.push(text);
    if (this.waiting) return;
    this.waiting = true;
    this.flusher.schedule(this);
  }

  /** Queues the write of the waiting appends now (the flusher's window ended). */
  flushAppends(): void {
    if (!this.waiting) return;
    this.tail = this.tail.then(() => this.writeAppends());
  }

  /**
   * Closes the appended files once everything asked for so far is written (the run ended). Later appends
   * still work: each then opens and closes its file.
   */
  close(): Promise<void> {
    this.keepOpen = false;
    this.flushAppends();
    this.tail = this.tail.then(() => this.closeAll());
    return this.tail;
  }

  /** Operations queued so far (appends do not count): tells whether anything was queued since. */
  get queued(): number {
    return this.count;
  }

  /** Resolves once everything asked for so far is written (or has failed and been reported). */
  idle(): Promise<void> {
    this.flushAppends();
    return this.tail;
  }

  /** Writes every waiting append, the files side by side; never rejects (a failure is reported). */
  private async writeAppends(): Promise<void> {
    if (!this.waiting) return;
    this.waiting = false;
    this.flusher.forget(this);
    const writes: Array<Promise<void>> = [];
    for (const [file, target] of this.targets) {
      if (target.chunks.length === 0) continue;
      const text = target.chunks.length === 1 ? target.chunks[0]! : target.chunks.join('');
      target.chunks = [];
      writes.push(this.appendTo(file, target, text));
    }
    await Promise.all(writes);
  }

  private async appendTo(file: string, target: AppendTarget, text: string): Promise<void> {
    try {
      target.fd ??= await openFd(file, 'a');
      await writeAll(target.fd, text);
    } catch (error) {
      // A descriptor that failed once is not trusted again: the next append opens the file anew.
      await this.closeTarget(target);
      this.onError(error, `append ${file}`);
      return;
    }
    if (!this.keepOpen) await this.closeTarget(target);
  }

  private async closeAll(): Promise<void> {
    await Promise.all([...this.targets.values()].map((target) => this.closeTarget(target)));
  }

  private async closeTarget(target: AppendTarget): Promise<void> {
    const { fd } = target;
    if (fd === null) return;
    target.fd = null;
    await closeFd(fd).catch(() => {});
  }
}

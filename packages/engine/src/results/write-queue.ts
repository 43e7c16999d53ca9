import { appendFile } from 'node:fs/promises';

/**
 * A run's ordered file-write queue: one operation at a time, in the order they were asked for, so that two
 * writes of one file never interleave and a slow disk never piles up concurrent writes. Appends to the same
 * file that wait together are joined into one write. A failed operation is reported and does not stop the
 * ones after it.
 */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, string[]>();
  private count = 0;

  constructor(private readonly onError: (error: unknown, what: string) => void = () => {}) {}

  /** Runs `task` after every operation queued before it. */
  run(what: string, task: () => Promise<void>): Promise<void> {
    this.count++;
    const next = this.tail.then(task).catch((error: unknown) => this.onError(error, what));
    this.tail = next;
    return next;
  }

  /** Appends text to a file, in order with everything else queued. */
  append(file: string, text: string): void {
    const waiting = this.pending.get(file);
    if (waiting) {
      waiting.push(text);
      return;
    }
    const chunks = [text];
    this.pending.set(file, chunks);
    void this.run(`append ${file}`, async () => {
      this.pending.delete(file);
      await appendFile(file, chunks.join(''), 'utf8');
    });
  }

  /** Operations queued so far (appends joined into a waiting one do not count): tells whether anything was queued since. */
  get queued(): number {
    return this.count;
  }

  /** Resolves once everything queued so far is written (or has failed and been reported). */
  idle(): Promise<void> {
    return this.tail;
  }
}

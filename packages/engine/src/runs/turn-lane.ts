/**
 * Lets heavy work of many runs start a few pieces per turn of the event loop, in the order asked. A thousand
 * runs begun together would otherwise do all their analysts' first work (tools, prompts), or all their model
 * requests (the SDK builds each), in one long run of microtasks: no request leaves the thread — its socket is
 * written in a later turn — until the last one is built. Let through `perTurn` at a time, the first requests are
 * on the wire within a few ms, and the thread's messages (permits, events) are handled in between.
 */
export class TurnLane {
  private readonly waiting: Array<() => void> = [];
  /** Index of the oldest waiter in `waiting` (taken from the front without moving the rest). */
  private head = 0;
  private scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Resolves in a later turn, once the waiters before it have gone, at most `perTurn` a turn. */
  enter(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.drain);
      }
    });
  }

  /** Waiters not let through yet. */
  get size(): number {
    return this.waiting.length - this.head;
  }

  private readonly drain = (): void => {
    const end = Math.min(this.head + this.perTurn, this.waiting.length);
    const go = this.waiting.slice(this.head, end);
    this.head = end;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
      this.scheduled = false;
    } else {
      // An immediate scheduled by an immediate runs in the next turn, after the poll phase.
      setImmediate(this.drain);
    }
    for (const resolve of go) resolve();
  };
}

/** Analysts' and other steps' work: each starts once the lane lets it (provide-run.ts). */
export const stepLane = new TurnLane(8);

/** Model requests to a network provider, after their permit (run-executor.ts). */
export const requestLane = new TurnLane(8);

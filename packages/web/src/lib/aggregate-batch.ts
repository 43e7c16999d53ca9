import type { ServerMessageOf } from '@tradingfloor/shared';

/** The aggregate-stream messages that change the runs list. */
export type AggregateMessage = ServerMessageOf<'init_all'> | ServerMessageOf<'status_update_aggregate'>;

/** Runs a callback once soon; returns a function that cancels it. Tests pass one they drive by hand. */
export type FrameScheduler = (fn: () => void) => () => void;

/**
 * The next animation frame, or at the latest `fallbackMs` later: a hidden tab gets no frames, and its list
 * must still move on (at the browser's throttled timer pace). Without `requestAnimationFrame`, the timer alone.
 */
export function nextFrame(fallbackMs = 100): FrameScheduler {
  return (fn) => {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      cancel();
      fn();
    };
    const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(once) : null;
    const timer = setTimeout(once, fallbackMs);
    function cancel(): void {
      if (frame !== null) cancelAnimationFrame(frame);
      clearTimeout(timer);
    }
    return () => {
      done = true;
      cancel();
    };
  };
}

/**
 * Collects aggregate messages and hands them on once per frame, merged (issue 17: with hundreds of live runs
 * every message re-sorts and re-renders the board; a frame needs that once, however many messages came).
 * What is pending stays bounded by the number of runs: an `init_all` drops everything before it, and the
 * updates after it merge into one message, the later fields of a run winning.
 */
export class AggregateBatch {
  private init: ServerMessageOf<'init_all'> | null = null;
  private update: ServerMessageOf<'status_update_aggregate'>['runs'] | null = null;
  private cancel: (() => void) | null = null;

  constructor(
    private readonly apply: (msg: AggregateMessage) => void,
    private readonly schedule: FrameScheduler = nextFrame(),
  ) {}

  get pending(): boolean {
    return this.init !== null || this.update !== null;
  }

  push(msg: AggregateMessage): void {
    if (msg.type === 'init_all') {
      this.init = msg;
      this.update = null;
    } else {
      this.update ??= {};
      for (const [runId, fields] of Object.entries(msg.runs)) {
        // A queue position a later entry no longer carries is gone (the run was taken by a worker).
        const { queue_position: _, ...before } = this.update[runId] ?? {};
        this.update[runId] = { ...before, ...fields } as (typeof msg.runs)[string];
      }
    }
    this.cancel ??= this.schedule(() => {
      this.cancel = null;
      this.flush();
    });
  }

  /** Applies what is pending now: before any other write to the list, so that no older message lands after it. */
  flush(): void {
    this.cancel?.();
    this.cancel = null;
    const { init, update } = this;
    this.init = null;
    this.update = null;
    if (init) this.apply(init);
    if (update) this.apply({ type: 'status_update_aggregate', runs: update });
  }

  /** Drops what is pending (the store is going away). */
  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.init = null;
    this.update = null;
  }
}

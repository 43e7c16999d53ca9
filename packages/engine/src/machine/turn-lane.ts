/** What waits in a lane, most urgent first: a model call to start, a step to start, an answer to hand back. */
export type LanePriority = 'call' | 'step' | 'answer';
const PRIORITIES: readonly LanePriority[] = ['call', 'step', 'answer'];

/**
 * Lets heavy work of many runs start a few pieces per turn of the event loop, in the order asked. A thousand
 * runs begun together would otherwise do all their analysts' first work (tools, prompts), or all their model
 * requests (the SDK builds each), in one long run of microtasks: no request leaves the thread — its socket is
 * written in a later turn — until the last one is built. Let through a few at a time, the first requests are on
 * the wire within a few ms, and the thread's messages (permits, events) are handled in between.
 *
 * Waiters go by priority (every `call` waiting before any `step`, every `step` before any `answer`), each
 * priority in the order asked. How many go a turn: `min` in the first turn after the lane was empty, twice
 * as many in each turn after, up to `max`. The first of a burst go at once; a long line is let through in few
 * turns (not paced by the length of turns, which on a shared machine says more about the other processes
 * than about this work).
 */
export class TurnLane {
  private readonly queues: Record<LanePriority, WaitLine> = { call: new WaitLine(), step: new WaitLine(), answer: new WaitLine() };
  private scheduled = false;
  private perTurn: number;

  constructor(
    private readonly min = 8,
    private readonly max = 1024,
  ) {
    this.perTurn = min;
  }

  /**
   * Resolves in a later turn, once the waiters before it have gone: those of its priority that came earlier
   * and every one of a more urgent priority.
   */
  enter(priority: LanePriority): Promise<void> {
    return new Promise<void>((resolve) => {
      this.queues[priority].push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.drain);
      }
    });
  }

  /** Waiters not let through yet. */
  get size(): number {
    return this.queues.call.size + this.queues.step.size + this.queues.answer.size;
  }

  private readonly drain = (): void => {
    const go: Array<() => void> = [];
    for (const priority of PRIORITIES) {
      if (go.length === this.perTurn) break;
      go.push(...this.queues[priority].take(this.perTurn - go.length));
    }
    if (this.size === 0) {
      this.scheduled = false;
      this.perTurn = this.min;
    } else {
      this.perTurn = Math.min(this.perTurn * 2, this.max);
      // An immediate scheduled by an immediate runs in the next turn, after the poll phase.
      setImmediate(this.drain);
    }
    for (const resolve of go) resolve();
  };
}

/** A first-in first-out line of waiters, taken from the front without moving the rest. */
class WaitLine {
  private readonly waiting: Array<() => void> = [];
  private head = 0;

  get size(): number {
    return this.waiting.length - this.head;
  }

  push(resolve: () => void): void {
    this.waiting.push(resolve);
  }

  take(n: number): Array<() => void> {
    const end = Math.min(this.head + n, this.waiting.length);
    const taken = this.waiting.slice(this.head, end);
    this.head = end;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    }
    return taken;
  }
}

/**
 * Whether a run with this model goes through the lane: a network model's calls wait for their answers, so
 * letting many start a few a turn costs nothing; the offline model answers at once, and a lane would only
 * slow it (offline throughput fell from ~73 to 49–60 runs/s when its steps went through one).
 */
export function goesThroughLane(provider: { name: string }): boolean {
  return provider.name !== 'offline';
}

/**
 * The most waiters the run lane lets go in one turn. What goes in a turn runs as one stretch of microtasks
 * (~1 ms a waiter on the bench machine: the SDK builds a request, or a step hands an answer on), and the
 * engine thread's event batch leaves only with an event made after it has waited 4 ms, or at the turn's end
 * (`engine-worker.ts`): with up to 1024 a turn, the requests of a hundred runs whose answers had landed together
 * could be built in one stretch (128 ms in one profile, a garbage collection included) while the log lines made
 * just before waited behind them. At 32 a turn such a stretch is ~30 ms, and 4000 first calls still go in ~130
 * turns. Measured in alternating pairs, 100 runs at L = 100 ms with 100 focused clients (`server-load`, 6
 * pairs): log line → client p99 31–79 ms (median 41.5) against 36–101 (median 63.5), lower in all 6; the
 * start of 1000 runs and the batch's wall time unchanged (docs/performance-log.md, 2026-12-07 16:35).
 */
const RUN_LANE_MOST_PER_TURN = 32;

/**
 * The engine thread's lane (one per thread): a network model call starts (asks for its permit, builds its
 * request) as `call` (open-live-run.ts), a step starts its work as `step` (provide-run.ts), an answer is
 * handed back to its step (tool calls, the next request) as `answer`. A batch begun together thus sends its
 * first requests as soon as their steps have built them, and the answers to them wait until every first
 * request of the batch has left.
 */
export const runLane = new TurnLane(8, RUN_LANE_MOST_PER_TURN);

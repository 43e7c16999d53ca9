import type { LogEntry } from '@tradingfloor/shared';
import { isoTime } from './iso-time.js';
import type { LogInput, LogSink } from './log-sink.js';

/** Default size of a run's in-memory log (`LOG_BUFFER_MAX_LINES`). */
export const DEFAULT_LOG_BUFFER_MAX_LINES = 250;

export interface RunLogOptions {
  /** Ring buffer size; older entries drop out of memory (they stay in `run.log`). */
  maxLines?: number;
  now: () => number;
  /** Called with every new entry, e.g. to append it to `run.log` and stream it. Must not throw. */
  onEntry?: (entry: LogEntry) => void;
  /**
   * Keep the entries in the ring (default true). False: every entry is only numbered and handed to `onEntry`
   * (whoever listens keeps them, e.g. the server's mirror of a run executing in an engine thread), and
   * `entries` finds none.
   */
  keep?: boolean;
}

/**
 * A run's structured log: assigns each entry its per-run `seq` (1-based, monotonic, never reused), `ts` and
 * `iso`, keeps the newest `maxLines` entries in a ring buffer and hands every entry to `onEntry`.
 */
export class RunLog {
  private readonly ring: Array<LogEntry | undefined>;
  private readonly keep: boolean;
  private seq = 0;
  /** The sink engine components write to; never throws. */
  readonly sink: LogSink = (input) => {
    this.append(input);
  };

  constructor(private readonly options: RunLogOptions) {
    const max = options.maxLines ?? DEFAULT_LOG_BUFFER_MAX_LINES;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`log buffer size must be a positive integer, got ${max}`);
    this.keep = options.keep ?? true;
    this.ring = new Array<LogEntry | undefined>(this.keep ? max : 0);
  }

  /** Records an entry and returns it with its seq. */
  append(input: LogInput): LogEntry {
    const ts = this.options.now();
    const entry: LogEntry = {
      seq: ++this.seq,
      ts,
      iso: isoTime(ts),
      severity: input.severity,
      source: input.source,
      agent_id: input.agent_id,
      message: String(input.message),
    };
    if (this.keep) this.ring[(entry.seq - 1) % this.ring.length] = entry;
    try {
      this.options.onEntry?.(entry);
    } catch {
      // A listener's fault must not break the component that logged.
    }
    return entry;
  }

  /** Restores entries read back from `run.log` (a run found on disk); seq continues after the last one. */
  restore(entries: readonly LogEntry[]): void {
    for (const entry of this.keep ? entries.slice(-this.ring.length) : entries) this.push(entry);
  }

  /** Keeps an entry another log made (an engine host's), with its seq; nothing is handed to `onEntry`. */
  push(entry: LogEntry): void {
    if (this.keep) this.ring[(entry.seq - 1) % this.ring.length] = entry;
    this.seq = Math.max(this.seq, entry.seq);
  }

  /** The buffered entries, oldest first. */
  entries(): LogEntry[] {
    const out: LogEntry[] = [];
    if (!this.keep) return out;
    const first = Math.max(1, this.seq - this.ring.length + 1);
    for (let s = first; s <= this.seq; s++) {
      const entry = this.ring[(s - 1) % this.ring.length];
      if (entry?.seq === s) out.push(entry);
    }
    return out;
  }

  /** The highest seq produced so far (0 before the first entry). */
  get lastSeq(): number {
    return this.seq;
  }
}

/** A sink that stamps every entry with an agent id, for one agent's steps. */
export function agentSink(sink: LogSink, agentId: string): LogSink {
  return (entry) => sink({ ...entry, agent_id: entry.agent_id ?? agentId });
}

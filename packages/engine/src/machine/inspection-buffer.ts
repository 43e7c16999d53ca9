import { randomUUID } from 'node:crypto';
import type { InspectionRecord, InspectResponse, MachineStateValue } from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';
import { summarizePayload } from './payload-summary.js';
import type { ToolCallChange } from './tool-call-records.js';

export type { InspectionRecord };

/** An event's payload is summarized without its type (the record's `event`). */
const EVENT_SKIP = ['type'] as const;

/** Default number of inspection records kept per run: a whole default run fits. */
export const DEFAULT_INSPECTION_MAX = 1000;

export interface InspectionBufferOptions {
  now: () => number;
  /** Ring size; older records drop out. */
  max?: number;
  /** Called with every new record and the buffer's session (e.g. to stream it). Must not throw. */
  onRecord?: (record: InspectionRecord, session: string) => void;
  /** The run's state value before the first snapshot (a resumed run: the restored one). */
  initialState?: MachineStateValue | null;
  /**
   * Work out each record's payload summary as it is made (default false: when first read, as most records of
   * a run in this thread are never looked at). For records that leave the thread at once (an engine worker's,
   * a queue worker's): the clone or the JSON reads every summary anyway, and a record with a lazy one (an
   * accessor, then a data property) cost ≈ 3 µs more to make and clone than one made with it (issue 13).
   */
  eagerSummaries?: boolean;
  /**
   * Keep the records in the ring (default true). False: every record is only handed to `onRecord` (whoever
   * listens keeps them, e.g. the server's `InspectionMirror`), and `list` / `page` find none.
   */
  keep?: boolean;
}

/** A page of a run actor's inspection records (`GET /runs/:id/inspect` without the run id). */
export type InspectionPage = Omit<InspectResponse, 'run_id'>;

/** The page of a run without inspection records (found on disk, evicted): nothing after `afterSeq`. */
export function emptyInspectionPage(afterSeq: number): InspectionPage {
  return { session: null, records: [], returned: 0, last_seq: afterSeq, total_seq: 0, first_seq: 1 };
}

/**
 * A run actor's `inspect` callback and the bounded ring of what it saw (docs/architecture.md, "Inspection"): actors created,
 * events delivered, snapshots, microsteps and actions, each with the run machine's state value as of that
 * moment. Only small JSON fields are kept (payloads are summarized), never contexts or step inputs.
 */
export class InspectionBuffer {
  /**
   * Identifies this actor's life: a resumed run gets a new buffer, a new session and seqs from 1. Eight random
   * hex digits, the first group of a v4 UUID: `randomUUID` draws from a pool, where `randomBytes(4)` asked the
   * system for each run's (≈ 12 µs a run, issue 13).
   */
  readonly session = randomUUID().slice(0, 8);
  private readonly records: InspectionRecord[] = [];
  private readonly max: number;
  private readonly keep: boolean;
  private seq = 0;
  private state: MachineStateValue | null;

  constructor(private readonly options: InspectionBufferOptions) {
    this.max = options.max ?? DEFAULT_INSPECTION_MAX;
    if (!Number.isInteger(this.max) || this.max < 1) throw new RangeError(`inspection buffer size must be a positive integer, got ${this.max}`);
    this.state = options.initialState ?? null;
    this.keep = options.keep ?? true;
  }

  /** Pass as `createActor(machine, { inspect })`. Never throws: a bad event is recorded as far as it can be. */
  readonly inspect = (event: InspectionEvent): void => {
    const record = this.toRecord(event);
    if (this.keep) {
      this.records.push(record);
      if (this.records.length > this.max) this.records.shift();
    }
    try {
      this.options.onRecord?.(record, this.session);
    } catch {
      // A listener's fault must not reach the actor.
    }
  };

  /** The kept records, oldest first. */
  list(): InspectionRecord[] {
    return [...this.records];
  }

  /** Records after `afterSeq`, oldest first, at most `limit`. */
  page(afterSeq = 0, limit = this.max): InspectionPage {
    return inspectionPage(this.records, { session: this.session, seq: this.seq }, afterSeq, limit);
  }

  /** The highest seq so far (0 before the first record). */
  get lastSeq(): number {
    return this.seq;
  }

  private toRecord(event: InspectionEvent): InspectionRecord {
    const actorRef = event.actorRef as { sessionId: string; src?: unknown; logic?: { id?: unknown } };
    const isRun = event.rootId === actorRef.sessionId;
    const record: InspectionRecord = { seq: ++this.seq, ts: this.options.now(), type: event.type, actor: actorRef.sessionId, state: null };
    switch (event.type) {
      case '@xstate.actor':
        record.src = typeof actorRef.src === 'string' ? actorRef.src : String(actorRef.logic?.id ?? 'actor');
        break;
      case '@xstate.event': {
        if (event.sourceRef) record.source = event.sourceRef.sessionId;
        record.event = event.event.type;
        const payload = event.event.type === 'TOOL_CALLS' ? toolCallsPayload(event.event.changes as readonly ToolCallChange[]) : event.event;
        if (this.options.eagerSummaries) {
          const summary = summarizePayload(payload, EVENT_SKIP);
          if (summary !== undefined) record.summary = summary;
        } else lazySummary(record, payload, EVENT_SKIP);
        break;
      }
      case '@xstate.snapshot':
      case '@xstate.microstep': {
        record.event = event.event.type;
        const snapshot = event.snapshot as { status?: unknown; value?: unknown };
        if (typeof snapshot.status === 'string') record.status = snapshot.status;
        if (isRun && snapshot.value !== undefined) this.state = snapshot.value as MachineStateValue;
        break;
      }
      case '@xstate.action': {
        record.action = event.action.type;
        const summary = actionSummary(event.action.type, event.action.params);
        if (summary !== undefined) record.summary = summary;
        break;
      }
    }
    record.state = this.state;
    return record;
  }
}

/**
 * What a timeline says of a `TOOL_CALLS` event (a turn's tool-call starts and ends, see `LiveRun`): which
 * agents, the tools started by name, and how many calls ended and failed — not `changes: [n items]`.
 */
function toolCallsPayload(changes: readonly ToolCallChange[]): Record<string, unknown> {
  const agents: string[] = [];
  const started: string[] = [];
  let ended = 0;
  let failed = 0;
  for (const change of changes) {
    if (!agents.includes(change.agentId)) agents.push(change.agentId);
    if ('started' in change) started.push(change.started.name);
    else {
      ended++;
      if (change.ended.error !== null) failed++;
    }
  }
  return { agents: agents.join(', '), started: started.join(', '), ended, failed };
}

/**
 * Gives `record` a `summary` of `payload` that is worked out when first read (the inspector, a stream, JSON),
 * not for every event of every run: most records are never looked at. Whether there is a summary is known
 * at once, so a record without one has no `summary` key, as before.
 */
function lazySummary(record: InspectionRecord, payload: Record<string, unknown>, skip: readonly string[]): void {
  if (!Object.keys(payload).some((key) => !skip.includes(key) && payload[key] !== undefined)) return;
  Object.defineProperty(record, 'summary', {
    configurable: true,
    enumerable: true,
    get() {
      const summary = summarizePayload(payload, skip);
      Object.defineProperty(record, 'summary', { value: summary, writable: true, configurable: true, enumerable: true });
      return summary;
    },
    set(value: string | undefined) {
      Object.defineProperty(record, 'summary', { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

/** What an action did, in a few words; step inputs (which carry reports) are never included. */
function actionSummary(type: string, params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as { id?: unknown; src?: unknown; sessionId?: unknown };
  if (type === 'xstate.spawnChild') return `${String(p.src)} as ${String(p.id)}`;
  if (typeof p.sessionId === 'string') return `actor ${p.sessionId}`;
  if (type.startsWith('xstate.')) return undefined;
  return summarizePayload(params as Record<string, unknown>, []);
}

/**
 * A page of `kept` (a session's newest records, oldest first, the highest seq made being `seq`): the records
 * after `afterSeq`, at most `limit`. One reading for the live buffer and the server's mirror of it.
 */
export function inspectionPage(
  kept: readonly InspectionRecord[],
  at: { session: InspectionPage['session']; seq: number },
  afterSeq: number,
  limit: number,
): InspectionPage {
  const records = kept.filter((r) => r.seq > afterSeq).slice(0, limit);
  return {
    session: at.session,
    records,
    returned: records.length,
    last_seq: records.at(-1)?.seq ?? afterSeq,
    total_seq: at.seq,
    first_seq: kept[0]?.seq ?? at.seq + 1,
  };
}

import type { InspectionEvent } from 'xstate';

/** One recorded inspection event of a run actor (or one of its invoked steps), in a compact JSON form. */
export interface InspectionRecord {
  /** Per-run number, 1-based. */
  seq: number;
  ts: number;
  /** `@xstate.event`, `@xstate.snapshot`, `@xstate.actor`, `@xstate.action`, … */
  type: string;
  /** Session id of the actor concerned (the run, or one of its steps). */
  actor: string;
  /** Event type, for event / snapshot / microstep records. */
  event?: string;
  /** Action type, for action records. */
  action?: string;
  /** State value, for the run machine's snapshot records. */
  value?: unknown;
}

/** Default number of inspection records kept per run. */
export const DEFAULT_INSPECTION_MAX = 200;

/**
 * A run actor's `inspect` callback and the bounded ring of what it saw (DESIGN.md §3), for an inspector
 * view. Only small, JSON-safe fields are kept: never contexts or step inputs.
 */
export class InspectionBuffer {
  private readonly records: InspectionRecord[] = [];
  private seq = 0;

  constructor(
    private readonly now: () => number,
    private readonly max = DEFAULT_INSPECTION_MAX,
  ) {}

  /** Pass as `createActor(machine, { inspect })`. */
  readonly inspect = (event: InspectionEvent): void => {
    const record: InspectionRecord = { seq: ++this.seq, ts: this.now(), type: event.type, actor: event.actorRef.sessionId };
    if ('event' in event) record.event = event.event.type;
    if (event.type === '@xstate.action') record.action = event.action.type;
    if (event.type === '@xstate.snapshot' && isMachineSnapshot(event.snapshot)) record.value = event.snapshot.value;
    this.records.push(record);
    if (this.records.length > this.max) this.records.shift();
  };

  /** The kept records, oldest first. */
  list(): InspectionRecord[] {
    return [...this.records];
  }
}

function isMachineSnapshot(snapshot: unknown): snapshot is { value: unknown } {
  return typeof snapshot === 'object' && snapshot !== null && 'value' in snapshot && 'machine' in snapshot;
}

import type { InspectionRecord, MachineStateValue } from '@tradingfloor/shared';

/** One delivered event of the inspector's timeline. */
export interface TimelineRow {
  /** seq of the event's inspection record. */
  seq: number;
  ts: number;
  event: string;
  summary: string;
  /** What received it: `run`, or the invoked step's name (`analyst`, `researcher`, …). */
  target: string;
  /** The run machine's state value once the event was handled (as of the last record before the next event). */
  state: MachineStateValue | null;
}

const EVENT = '@xstate.event';

/** The name of each actor session, from the `@xstate.actor` records that announced them. */
function actorNames(records: readonly InspectionRecord[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of records) if (r.type === '@xstate.actor' && r.src) names.set(r.actor, r.src);
  return names;
}

/**
 * The timeline rows of a run's inspection records, oldest first: one per delivered event. The state shown
 * for an event is the one its processing led to, i.e. the state of the last record before the next event.
 */
export function timelineRows(records: readonly InspectionRecord[]): TimelineRow[] {
  const names = actorNames(records);
  const rows: TimelineRow[] = [];
  let after: MachineStateValue | null = records.at(-1)?.state ?? null;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.type !== EVENT) continue;
    rows.push({
      seq: r.seq,
      ts: r.ts,
      event: r.event ?? '(event)',
      summary: r.summary ?? '',
      target: names.get(r.actor) ?? r.actor,
      state: after ?? r.state,
    });
    // The record just before this event holds the state the previous event ended in.
    after = records[i - 1]?.state ?? null;
  }
  return rows.reverse();
}

/** `HH:MM:SS.mmm` in local time, for timeline rows. */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

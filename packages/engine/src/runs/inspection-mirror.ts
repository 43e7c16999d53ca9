import { DEFAULT_INSPECTION_MAX, inspectionPage, type InspectionPage, type InspectionRecord } from '../machine/inspection-buffer.js';
import { mirrorStrings } from './string-pool.js';

/**
 * The server's copy of a run actor's inspection records, fed by the engine host's `inspection` events and paged
 * like the actor's own `InspectionBuffer`: the newest `max` records of the current session. A record of a new
 * session (a resume) starts afresh.
 *
 * A record that crossed a thread brings its own copy of every string; with up to `max` records for each of
 * 1000 runs in flight, those copies were a third of what the records weigh. So the few-valued fields (type,
 * event, action, status, src) are interned in a pool the mirrors share, and an actor or source id equal to the
 * previous record's takes that record's copy (ids are per run: they would only fill a shared pool).
 */
export class InspectionMirror {
  private records: InspectionRecord[] = [];
  private session: string | null = null;
  private seq = 0;

  constructor(private readonly max = DEFAULT_INSPECTION_MAX) {}

  add(record: InspectionRecord, session: string): void {
    if (session !== this.session) {
      this.session = session;
      this.records = [];
      this.seq = 0;
    }
    compact(record, this.records.at(-1));
    this.records.push(record);
    if (this.records.length > this.max) this.records.shift();
    this.seq = Math.max(this.seq, record.seq);
  }

  list(): InspectionRecord[] {
    return [...this.records];
  }

  /** Records after `afterSeq`, oldest first, at most `limit` (as `InspectionBuffer.page`). */
  page(afterSeq = 0, limit = this.max): InspectionPage {
    return inspectionPage(this.records, { session: this.session, seq: this.seq }, afterSeq, limit);
  }
}

/** Makes `record`'s repeated strings share one copy (in place: the record may have a lazy `summary`, left alone). */
function compact(record: InspectionRecord, previous: InspectionRecord | undefined): void {
  record.type = mirrorStrings.intern(record.type);
  if (record.event !== undefined) record.event = mirrorStrings.intern(record.event);
  if (record.action !== undefined) record.action = mirrorStrings.intern(record.action);
  if (record.status !== undefined) record.status = mirrorStrings.intern(record.status);
  if (record.src !== undefined) record.src = mirrorStrings.intern(record.src);
  if (previous === undefined) return;
  if (record.actor === previous.actor) record.actor = previous.actor;
  else if (record.actor === previous.source) record.actor = previous.source;
  if (record.source !== undefined && record.source === previous.actor) record.source = previous.actor;
}

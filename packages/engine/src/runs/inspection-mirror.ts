import { DEFAULT_INSPECTION_MAX, inspectionPage, type InspectionPage, type InspectionRecord } from '../machine/inspection-buffer.js';

/**
 * The server's copy of a run actor's inspection records, fed by the engine host's `inspection` events and paged
 * like the actor's own `InspectionBuffer`: the newest `max` records of the current session. A record of a new
 * session (a resume) starts afresh.
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

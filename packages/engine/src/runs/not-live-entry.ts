import { emptyInspectionPage, type InspectionPage, type InspectionRecord } from '../machine/inspection-buffer.js';

/**
 * What every run entry with nothing running in this process answers alike (a run found on disk, a run
 * evicted from memory): it is finished, has nothing to flush, no inspection records and no lessons in
 * memory, and interrupting it is the same as canceling it.
 */
export abstract class NotLiveRunEntry {
  abstract cancel(): void;

  isFinished(): boolean {
    return true;
  }

  /** Read from disk: the host has no view of it. */
  mirror(): null {
    return null;
  }

  interrupt(): Promise<void> {
    this.cancel();
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  inspectionRecords(): InspectionRecord[] {
    return [];
  }

  inspectionPage(afterSeq: number): InspectionPage {
    return emptyInspectionPage(afterSeq);
  }

  lessons(): null {
    return null;
  }
}

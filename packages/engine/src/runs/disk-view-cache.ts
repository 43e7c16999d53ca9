import type { LogEntry, RunConfig, RunSummary } from '@tradingfloor/shared';
import type { RunView } from './run-manager-api.js';

/** A finished run's view and logs as read back from its results directory. */
export interface DiskView {
  view: RunView;
  logs: { entries: LogEntry[]; last_seq: number };
}

/**
 * The few finished runs whose data was read back from disk last, most recent last: a run opened in the SPA
 * is asked for its tree, logs and decision several times in a row, and each ask must not read it again.
 * `load` reads one run (`readViewFromDisk`); the cache only decides when.
 */
export class DiskViewCache {
  private readonly views = new Map<string, DiskView>();

  constructor(
    private readonly load: (summary: RunSummary, config: RunConfig) => DiskView,
    private readonly max = 8,
  ) {}

  get(summary: RunSummary, config: RunConfig): DiskView {
    const runId = summary.run_id;
    let hit = this.views.get(runId);
    if (hit) this.views.delete(runId);
    else hit = this.load(summary, config);
    this.views.set(runId, hit);
    while (this.views.size > this.max) this.views.delete(this.views.keys().next().value!);
    return hit;
  }

  delete(runId: string): void {
    this.views.delete(runId);
  }
}

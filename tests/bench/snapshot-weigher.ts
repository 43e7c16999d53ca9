import { initialFocusedRun, reduceFocusedRun, type FocusedRunState, type ServerMessage } from '@tradingfloor/shared';

/** What a snapshot of a run's state weighs: the fields a `run_snapshot` has, without the stream seqs (a server sending only snapshots needs none). */
export function snapshotBytes(s: Pick<FocusedRunState, 'runId' | 'ticker' | 'status' | 'progress' | 'tree' | 'contents' | 'error' | 'decision' | 'dataSources'>): number {
  const full = {
    type: 'run_snapshot',
    run_id: s.runId,
    ticker: s.ticker,
    status: s.status,
    overall_progress: s.progress,
    execution_tree: s.tree,
    contents: s.contents,
    error: s.error,
    final_decision: s.decision,
    ...(Object.keys(s.dataSources).length > 0 ? { data_sources: s.dataSources } : {}),
  };
  return Buffer.byteLength(JSON.stringify(full));
}

/**
 * The naive baseline of the patch-efficiency figure, weighed on the client: it follows one focused stream
 * with the SPA's own reducer and, at each update of the run's state the client receives, adds the bytes of
 * the full snapshot of that state (`snapshotBytes`: status, progress, tree, contents, error, decision, data
 * sources) a server without patches would have sent instead. An update is `init_run`, `status_update_run`,
 * a `status_patch_run`, or a `content_patch_run` that did not come right after a `status_patch_run` (the
 * server sends both of one flush back to back: that is one update, not two). Counting what the client
 * receives keeps the baseline independent of how the engine batches its changes. The log stream is not part
 * of it: a server sending snapshots would stream the same log lines (see `patch-efficiency.ts`).
 */
export class SnapshotWeigher {
  bytes = 0;
  updates = 0;
  private state: FocusedRunState;
  private previousType = '';

  constructor(runId: string) {
    this.state = initialFocusedRun(runId);
  }

  receive(message: ServerMessage): void {
    const step = reduceFocusedRun(this.state, message);
    this.state = step.state;
    const type = message.type;
    const sameFlush = type === 'content_patch_run' && this.previousType === 'status_patch_run';
    this.previousType = type;
    if (!step.applied || sameFlush) return;
    if (type !== 'init_run' && type !== 'status_update_run' && type !== 'status_patch_run' && type !== 'content_patch_run') return;
    this.bytes += snapshotBytes(this.state);
    this.updates++;
  }
}

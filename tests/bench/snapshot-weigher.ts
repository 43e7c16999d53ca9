import { initialFocusedRun, reduceFocusedRun, type FocusedRunState, type ServerMessage } from '@tradingfloor/shared';

/**
 * The naive baseline of the patch-efficiency figure, weighed on the client: it follows one focused stream
 * with the SPA's own reducer and, at each update of the run's state the client receives, adds the bytes of
 * the full snapshot (tree and contents) a server without patches would have sent instead. An update is
 * `init_run`, `status_update_run`, a `status_patch_run`, or a `content_patch_run` that did not come right
 * after a `status_patch_run` (the server sends both of one flush back to back: that is one update, not two).
 * Counting what the client receives keeps the baseline independent of how the engine batches its changes.
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
    const s = this.state;
    const full = { type: 'run_snapshot', run_id: s.runId, status: s.status, overall_progress: s.progress, execution_tree: s.tree, contents: s.contents };
    this.bytes += Buffer.byteLength(JSON.stringify(full));
    this.updates++;
  }
}

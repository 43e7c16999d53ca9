import {
  applyContentPatches,
  applyStatusPatch,
  isTerminalStatus,
  type ExecutionTree,
  type LogEntry,
  type RunStatus,
  type ServerMessage,
} from '@tradingfloor/shared';
import type { WsRecorder } from './ws-recorder.js';

/**
 * What a focused client knows about its run, rebuilt from the messages it processes exactly as a browser
 * would: init/snapshot replace the state, patches apply when their seq is `last + 1`, and a gap sends
 * `resync` (status/content) or `log_dump` (logs) and ignores that stream until the snapshot arrives.
 * `drop` lets a test discard messages client-side to simulate loss.
 */
export class FocusedView {
  tree: ExecutionTree = [];
  contents: Record<string, string> = {};
  logs: LogEntry[] = [];
  status: RunStatus | null = null;
  progress = 0;
  seq = -1;
  contentSeq = -1;
  logSeq = -1;
  decisionHtml: string | null = null;
  resyncs = 0;
  logDumps = 0;
  dropped = 0;
  /** Every seq seen per stream, in arrival order (to check monotonicity). */
  readonly seen = { status: [] as number[], content: [] as number[], log: [] as number[] };
  private awaitingSnapshot = false;
  private awaitingLogs = false;

  constructor(
    readonly recorder: WsRecorder,
    private readonly drop: (m: ServerMessage) => boolean = () => false,
  ) {
    for (const m of recorder.messages) this.apply(m);
    recorder.onMessage((m) => this.apply(m));
  }

  /** Resolves once this client's view of the run is terminal (from a patch, an update or its init). */
  async untilTerminal(): Promise<void> {
    await this.recorder.waitFor(() => this.status !== null && isTerminalStatus(this.status));
  }

  /** Terminal announcements this client got: `status_update_run`, or an init that was already terminal. */
  terminalAnnouncements(): number {
    const init = this.recorder.messages.find((m) => m.type === 'init_run');
    const initTerminal = init?.type === 'init_run' && isTerminalStatus(init.status) ? 1 : 0;
    return this.recorder.ofType('status_update_run').length + initTerminal;
  }

  private apply(m: ServerMessage): void {
    if (this.drop(m)) {
      this.dropped++;
      return;
    }
    switch (m.type) {
      case 'init_run':
      case 'run_snapshot':
        this.tree = m.execution_tree;
        this.contents = m.contents;
        this.status = m.status;
        this.progress = m.overall_progress;
        this.seq = m.seq;
        this.contentSeq = m.content_seq;
        this.decisionHtml = m.decision_html ?? this.decisionHtml;
        this.awaitingSnapshot = false;
        if (m.type === 'init_run') this.logSeq = m.log_seq;
        return;
      case 'status_patch_run':
      case 'status_update_run':
        this.seen.status.push(m.seq);
        if (this.awaitingSnapshot) return;
        if (m.seq !== this.seq + 1) return this.resync();
        this.seq = m.seq;
        this.status = m.status;
        this.progress = m.overall_progress;
        if (m.type === 'status_patch_run') this.tree = applyStatusPatch(this.tree, m.changed);
        else this.decisionHtml = m.decision_html ?? null;
        return;
      case 'content_patch_run':
        this.seen.content.push(m.seq);
        if (this.awaitingSnapshot) return;
        if (m.seq !== this.contentSeq + 1) return this.resync();
        this.contentSeq = m.seq;
        this.contents = applyContentPatches(this.contents, m.patches);
        return;
      case 'log_append_run':
        this.seen.log.push(m.seq);
        if (this.awaitingLogs) return;
        if (m.seq !== this.logSeq + 1) return this.logDump();
        this.logSeq = m.seq;
        this.logs = [...this.logs, ...m.entries];
        return;
      case 'log_snapshot_run':
        this.logs = m.entries;
        this.logSeq = m.seq;
        this.awaitingLogs = false;
        return;
      default:
        return;
    }
  }

  private resync(): void {
    this.awaitingSnapshot = true;
    this.resyncs++;
    this.recorder.send({ action: 'resync' });
  }

  private logDump(): void {
    this.awaitingLogs = true;
    this.logDumps++;
    this.recorder.send({ action: 'log_dump' });
  }
}

import {
  initialFocusedRun,
  isTerminalStatus,
  reduceFocusedRun,
  type Decision,
  type ExecutionTree,
  type FocusedRunState,
  type LogEntry,
  type RunStatus,
  type ServerMessage,
} from '@tradingfloor/shared';
import type { WsRecorder } from './ws-recorder.js';

/**
 * What a focused client knows about its run, rebuilt from the messages it processes with the same shared
 * reducer the SPA uses (`reduceFocusedRun`): init/snapshot replace the state, patches apply when their seq is
 * `last + 1`, and a gap sends `resync` (status/content) or `log_dump` (logs). Like the SPA it asks for the log
 * ring once after `init_run`. `drop` lets a test discard messages client-side to simulate loss.
 */
export class FocusedView {
  state: FocusedRunState;
  /** Recoveries asked for because something was missed (the `log_dump` after joining is not counted). */
  resyncs = 0;
  logDumps = 0;
  dropped = 0;
  /** Every seq seen per stream, in arrival order (to check monotonicity). */
  readonly seen = { status: [] as number[], content: [] as number[], log: [] as number[] };

  constructor(
    readonly recorder: WsRecorder,
    private readonly drop: (m: ServerMessage) => boolean = () => false,
  ) {
    const runId = new URL(recorder.ws.url).searchParams.get('run_id') ?? '';
    this.state = initialFocusedRun(runId);
    for (const m of recorder.messages) this.apply(m);
    recorder.onMessage((m) => this.apply(m));
  }

  get tree(): ExecutionTree {
    return this.state.tree;
  }
  get contents(): Record<string, string> {
    return this.state.contents;
  }
  get logs(): LogEntry[] {
    return this.state.logs;
  }
  /** Null until `init_run` arrived. */
  get status(): RunStatus | null {
    return this.state.ready ? this.state.status : null;
  }
  get progress(): number {
    return this.state.progress;
  }
  get decision(): Decision | null {
    return this.state.decision;
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
    if (m.type === 'status_patch_run' || m.type === 'status_update_run') this.seen.status.push(m.seq);
    if (m.type === 'content_patch_run') this.seen.content.push(m.seq);
    if (m.type === 'log_append_run') this.seen.log.push(m.seq);
    const step = reduceFocusedRun(this.state, m);
    this.state = step.state;
    for (const request of step.requests) {
      if (request.cause !== 'join') {
        if (request.action === 'resync') this.resyncs++;
        else this.logDumps++;
      }
      this.recorder.send({ action: request.action });
    }
  }
}

import WebSocket from 'ws';

const TERMINAL = new Set(['completed', 'error', 'canceled', 'interrupted']);

interface AggregateMessage {
  type: string;
  runs?: Array<{ run_id: string; status: string }> | Record<string, { status: string }>;
}

/**
 * One aggregate WebSocket client that notes when each run is first seen in a terminal status (`init_all`,
 * then `status_update_aggregate`). The queue benchmark waits for its runs through it — the protocol a browser
 * sees — so it does not depend on when `POST /start-multi` answers (on a worker's open, or at once for a
 * pending run). The aggregate stream sends at most one message per 250 ms: a finish is seen up to that late.
 */
export class RunWatch {
  /** Runs in the order they were first seen terminal, with their status and the receipt time. */
  readonly ended: Array<{ runId: string; status: string; at: number }> = [];
  private readonly seen = new Set<string>();
  /** Every run any message named, in any status. */
  readonly known = new Set<string>();
  private readonly waiters: Array<() => void> = [];
  private error: Error | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.receive(data));
    ws.on('error', (err) => this.fail(err));
    ws.on('close', () => this.fail(new Error('the aggregate WebSocket closed')));
  }

  static async connect(wsUrl: string): Promise<RunWatch> {
    const ws = new WebSocket(wsUrl);
    const watch = new RunWatch(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return watch;
  }

  /**
   * Resolves once `done()` holds, checked whenever a run ends (`onEnded` runs before each check). Rejects
   * when the socket fails, or with what `aborted()` answers (checked again on `wake()`).
   */
  async until(done: () => boolean, onEnded: () => void = () => {}, aborted: () => Error | null = () => null): Promise<void> {
    for (;;) {
      if (this.error) throw this.error;
      const abort = aborted();
      if (abort) throw abort;
      onEnded();
      if (done()) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.ws.removeAllListeners('close');
    this.ws.close();
  }

  private fail(error: Error): void {
    this.error ??= error;
    this.wake();
  }

  /** Re-checks every wait now (its `aborted()` may have changed). */
  wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private receive(data: Buffer): void {
    const at = performance.now();
    const message = JSON.parse(data.toString('utf8')) as AggregateMessage;
    if (message.type !== 'init_all' && message.type !== 'status_update_aggregate') return;
    const runs = Array.isArray(message.runs)
      ? message.runs.map((r) => [r.run_id, r.status] as const)
      : Object.entries(message.runs ?? {}).map(([id, r]) => [id, r.status] as const);
    let changed = false;
    for (const [runId, status] of runs) {
      this.known.add(runId);
      if (!TERMINAL.has(status) || this.seen.has(runId)) continue;
      this.seen.add(runId);
      this.ended.push({ runId, status, at });
      changed = true;
    }
    if (changed) this.wake();
  }
}

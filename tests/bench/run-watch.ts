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

  /** Resolves once `count` runs have ended since the mark `from` (an earlier `ended.length`). */
  async until(from: number, count: number, onEnded: () => void = () => {}): Promise<void> {
    for (;;) {
      if (this.error) throw this.error;
      onEnded();
      if (this.ended.length - from >= count) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.ws.removeAllListeners('close');
    this.ws.close();
  }

  /** Ends every wait with `error` (a request of the feeder failed). */
  abort(error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    this.error ??= error;
    this.wake();
  }

  private wake(): void {
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
      if (!TERMINAL.has(status) || this.seen.has(runId)) continue;
      this.seen.add(runId);
      this.ended.push({ runId, status, at });
      changed = true;
    }
    if (changed) this.wake();
  }
}

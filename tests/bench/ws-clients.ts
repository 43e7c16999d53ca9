import type { ServerMessage } from '@tradingfloor/shared';
import WebSocket from 'ws';

const TERMINAL = new Set(['completed', 'error', 'canceled']);

/** Resolves once `ws` is open; rejects with the reason when the upgrade fails. */
function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/**
 * A light WebSocket client for the benchmarks: counts the bytes and messages it receives and, for a
 * focused client, when each streamed log entry arrived compared with the engine's timestamp on it.
 */
export class BenchClient {
  bytes = 0;
  messages = 0;
  /** Bytes of the messages that carry the tree and the contents (everything but the log stream). */
  stateBytes = 0;
  /** Bytes received by message `type`. */
  readonly bytesByType = new Map<string, number>();
  terminal = false;
  /** ms from a log entry's `ts` (set by the engine) to this client's receipt. */
  readonly freshness: number[] = [];
  readonly errors: string[] = [];
  private onTerminal: (() => void) | null = null;

  private constructor(
    readonly ws: WebSocket,
    /** Sees every message (the patch-efficiency figure follows the run with it); set before the first can arrive. */
    private readonly onMessage?: (message: ServerMessage) => void,
  ) {
    ws.on('message', (data: Buffer) => this.receive(data));
    ws.on('error', (err) => this.errors.push(err.message));
  }

  static async connect(url: string, onMessage?: (message: ServerMessage) => void): Promise<BenchClient> {
    const ws = new WebSocket(url);
    const client = new BenchClient(ws, onMessage);
    await opened(ws);
    return client;
  }

  /** Resolves once the run this client follows has ended (seen in a status update or in init_run). */
  untilTerminal(): Promise<void> {
    if (this.terminal) return Promise.resolve();
    return new Promise((resolve) => (this.onTerminal = resolve));
  }

  close(): void {
    this.ws.close();
  }

  private receive(data: Buffer): void {
    const receivedAt = Date.now();
    this.bytes += data.length;
    this.messages++;
    const message = JSON.parse(data.toString('utf8')) as ServerMessage;
    this.bytesByType.set(message.type, (this.bytesByType.get(message.type) ?? 0) + data.length);
    this.onMessage?.(message);
    if (message.type === 'log_append_run') {
      for (const entry of message.entries) this.freshness.push(receivedAt - entry.ts);
      return;
    }
    if (message.type === 'log_snapshot_run') return;
    this.stateBytes += data.length;
    if (message.type === 'error') this.errors.push(JSON.stringify(message));
    const ended = (message.type === 'status_update_run' || message.type === 'init_run' || message.type === 'run_snapshot') && TERMINAL.has(message.status);
    if (ended && !this.terminal) {
      this.terminal = true;
      this.onTerminal?.();
    }
  }
}

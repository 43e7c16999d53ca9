import type { Duplex } from 'node:stream';
import type { ServerMessage } from '@tradingfloor/shared';
import { WebSocket } from 'ws';
import { TokenBucket, type TokenBucketOptions } from './token-bucket.js';

/** How a connection subscribed: all runs' summaries, or one run's full stream. */
export type ClientMode = { kind: 'aggregate' } | { kind: 'focused'; runId: string };

/** Default budget of snapshot requests per connection: a burst of 5, then one every 2 s. */
const DEFAULT_SNAPSHOT_BUDGET: TokenBucketOptions = { burst: 5, perSecond: 0.5 };

/**
 * One WebSocket connection as the hub sees it. Sending never queues without bound: a client whose unsent
 * backlog is already past `maxBufferedBytes` is terminated instead of being sent more, so a stalled reader
 * costs the server at most the bound plus one message.
 */
export class HubClient {
  /** Set by the heartbeat; a client that misses a pong is terminated. */
  alive = true;

  /**
   * Budget of this connection's snapshot requests (`resync`, `log_dump`): each answer serialises a whole
   * run or log buffer, so an unlimited client could keep the event loop busy with 19-byte requests.
   */
  readonly snapshots: TokenBucket;

  constructor(
    readonly ws: WebSocket,
    readonly mode: ClientMode,
    private readonly maxBufferedBytes: number,
    private readonly onSlow: (client: HubClient) => void = () => {},
    snapshotBudget: TokenBucketOptions = DEFAULT_SNAPSHOT_BUDGET,
    /** The connection's socket (the one the upgrade handed to `ws`), corked by {@link corked} around a flush. */
    readonly socket?: Duplex,
  ) {
    this.snapshots = new TokenBucket(snapshotBudget);
  }

  /**
   * Sends an already serialised message (one `JSON.stringify` per broadcast, not per client) as a text frame;
   * a broadcast hands every client the same UTF-8 bytes, so `ws` does not encode the text once per client.
   */
  sendRaw(json: string | Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.onSlow(this);
      this.ws.terminate();
      return;
    }
    this.ws.send(json, { binary: false });
  }

  send(message: ServerMessage): void {
    this.sendRaw(JSON.stringify(message));
  }
}

/**
 * Sends one message to every client of a set: serialised and UTF-8 encoded once, the same bytes to each (a
 * run's followers in several tabs, every aggregate client).
 */
export function sendToEach(clients: ReadonlySet<HubClient>, message: ServerMessage): void {
  if (clients.size === 0) return;
  const bytes = Buffer.from(JSON.stringify(message), 'utf8');
  for (const client of clients) client.sendRaw(bytes);
}

/**
 * Runs `send` with the socket of every client of a set corked, so that the several messages one flush sends a
 * client (status, content and log patches) leave in one write, one system call, instead of one each.
 */
export function corked(clients: ReadonlySet<HubClient>, send: () => void): void {
  for (const client of clients) client.socket?.cork();
  try {
    send();
  } finally {
    // `ws` corks each frame's header and payload itself; cork counts, so the frames wait for this uncork.
    for (const client of clients) client.socket?.uncork();
  }
}

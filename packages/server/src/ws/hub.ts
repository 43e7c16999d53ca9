import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { RunIdSchema, WS_CLOSE_CODES } from '@tradingfloor/shared';
import type { BacktestManagerApi, RunEvent, RunManagerApi } from '@tradingfloor/engine';
import { WebSocketServer, type WebSocket } from 'ws';
import { isAllowedHost, isAllowedOrigin } from '../security/origin.js';
import { tokenMatches, WS_PROTOCOL } from '../security/token.js';
import { AggregateStream } from './aggregate-stream.js';
import { handleClientFrame } from './handlers.js';
import { HubClient, type ClientMode } from './hub-client.js';
import { RunPatchStream, type StreamSeqs } from './patch-stream.js';
import type { TokenBucketOptions } from './token-bucket.js';

/** How the hub is built; everything but `manager` has a default. */
export interface WsHubOptions {
  manager: RunManagerApi;
  /** Backtests whose progress goes to aggregate clients as `backtest_update`. */
  backtests?: Pick<BacktestManagerApi, 'subscribe'>;
  token?: string | undefined;
  allowedOrigins?: readonly string[];
  /** The address the server listens on; a loopback one turns on the `Host` check (DNS rebinding, see `isAllowedHost`). */
  bindHost?: string | undefined;
  /** Unsent bytes after which a client is dropped (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Coalescing window of the focused streams (default 30 ms; see `PatchStreamOptions`). */
  flushDelayMs?: number;
  /** Coalescing window of their log lines (default 10 ms, at most `flushDelayMs`; see `PatchStreamOptions`). */
  logFlushDelayMs?: number;
  /** Minimum spacing of aggregate updates (default 250 ms). */
  aggregateIntervalMs?: number;
  /** Ping interval; a client that has not answered the previous ping is dropped (default 30 s, 0 = off). */
  heartbeatMs?: number;
  /** Budget of `resync` / `log_dump` requests per connection (default `DEFAULT_SNAPSHOT_BUDGET`). */
  snapshotBudget?: TokenBucketOptions;
  /** Called when a slow client is dropped (for logs and metrics). */
  onSlowClient?: (mode: ClientMode) => void;
}


const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/**
 * The WebSocket side of the server: `/ws` (aggregate summaries) and `/ws?run_id=` (one run's patch streams).
 * It listens to the RunManager's events and feeds one `RunPatchStream` per watched run, so traffic grows
 * with what clients watch, not with clients × runs. Upgrades are checked (path, Origin, token) before the
 * handshake completes.
 */
export class WsHub {
  private readonly wss: WebSocketServer;
  private readonly streams = new Map<string, RunPatchStream>();
  /** Seqs of runs whose streams were freed when their last follower left, so a later stream continues the numbering. */
  private readonly settledSeqs = new Map<string, StreamSeqs>();
  private readonly aggregate: AggregateStream;
  private readonly clients = new Set<HubClient>();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeInspection: () => void;
  private readonly unsubscribeBacktests: () => void;
  private readonly heartbeat: NodeJS.Timeout | null;

  constructor(private readonly options: WsHubOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_CLIENT_FRAME_BYTES,
      // A browser carrying the token as a sub-protocol needs one protocol echoed back, or it fails the handshake.
      handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : ([...offered][0] ?? false)),
    });
    this.aggregate = new AggregateStream(options.manager, options.aggregateIntervalMs ?? 250);
    this.unsubscribe = options.manager.subscribe((event) => this.onRunEvent(event));
    // Inspection records go only to runs someone watches; a manager without inspection sends none.
    this.unsubscribeInspection =
      options.manager.subscribeInspection?.((runId, record, session) => this.streams.get(runId)?.onInspect(record, session)) ?? (() => {});
    // Backtest progress is small and rare (a cell started or finished): sent to aggregate clients as it happens.
    this.unsubscribeBacktests =
      options.backtests?.subscribe((event) => this.aggregate.broadcast({ type: 'backtest_update', backtest: event.summary })) ?? (() => {});
    const every = options.heartbeatMs ?? 30_000;
    this.heartbeat = every > 0 ? setInterval(() => this.pingAll(), every) : null;
    this.heartbeat?.unref();
  }

  /** Handles `upgrade` requests on `server`; returns a function that detaches the hub again. */
  attach(server: Server): () => void {
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head);
    server.on('upgrade', onUpgrade);
    return () => server.off('upgrade', onUpgrade);
  }

  /** Connected clients by mode, for `/metrics`. */
  clientCounts(): { aggregate: number; focused: number } {
    let focused = 0;
    for (const c of this.clients) if (c.mode.kind === 'focused') focused++;
    return { aggregate: this.clients.size - focused, focused };
  }

  /** Runs that currently hold patch-stream state (freed when a run's last follower leaves, or on prune). */
  streamCount(): number {
    return this.streams.size;
  }

  /** Drops every client and stops listening to the manager. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.unsubscribeInspection();
    this.unsubscribeBacktests();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.aggregate.dispose();
    for (const stream of this.streams.values()) stream.dispose();
    this.streams.clear();
    this.settledSeqs.clear();
    for (const client of this.clients) client.ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until the handshake completes nobody else listens on this socket; an error must not crash the process.
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // A request line that is not a URL must be refused, never thrown out of the 'upgrade' event.
      return reject(socket, 400, 'malformed request URL');
    }
    if (url.pathname !== '/ws') return reject(socket, 404, 'no WebSocket endpoint here: use /ws');
    if (!isAllowedOrigin(req.headers.origin, req.headers.host, this.options.allowedOrigins)) {
      return reject(socket, 403, `WebSocket connections from origin ${req.headers.origin} are not allowed`);
    }
    if (!isAllowedHost(req.headers.host, { bindHost: this.options.bindHost, allowedOrigins: this.options.allowedOrigins ?? [] })) {
      return reject(socket, 403, `WebSocket connections for host ${req.headers.host ?? '(none)'} are not allowed`);
    }
    if (this.options.token !== undefined) {
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      const presented = [url.searchParams.get('token') ?? undefined, ...offered];
      if (!presented.some((t) => tokenMatches(t, this.options.token!))) return reject(socket, 401, 'missing or wrong API token');
    }
    const runId = url.searchParams.get('run_id');
    const inspect = ['1', 'true'].includes(url.searchParams.get('inspect') ?? '');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, socket, runId, inspect));
  }

  private onConnection(ws: WebSocket, socket: Duplex, runId: string | null, inspect: boolean): void {
    if (runId === null || runId === '') return this.connectAggregate(ws, socket);
    const parsed = RunIdSchema.safeParse(runId);
    if (!parsed.success) {
      ws.send(JSON.stringify({ type: 'error', message: parsed.error.issues[0]?.message ?? 'invalid run_id' }));
      ws.close(WS_CLOSE_CODES.invalidRunId, 'invalid run_id');
      return;
    }
    const stream = this.streamFor(runId);
    if (stream === undefined) {
      // Nothing is kept for a run that does not exist: the connection is answered, closed and forgotten.
      ws.send(JSON.stringify({ type: 'error', message: 'Run not found' }));
      ws.close(WS_CLOSE_CODES.runNotFound, 'Run not found');
      return;
    }
    const client = this.track(ws, socket, { kind: 'focused', runId });
    ws.on('message', (data, isBinary) => handleClientFrame({ client, stream, aggregate: this.aggregate }, data, isBinary));
    ws.on('close', () => this.leave(stream, client));
    stream.subscribe(client, { inspect });
  }

  private connectAggregate(ws: WebSocket, socket: Duplex): void {
    const client = this.track(ws, socket, { kind: 'aggregate' });
    ws.on('message', (data, isBinary) => handleClientFrame({ client, stream: null, aggregate: this.aggregate }, data, isBinary));
    ws.on('close', () => this.aggregate.remove(client));
    this.aggregate.add(client);
  }

  private track(ws: WebSocket, socket: Duplex, mode: ClientMode): HubClient {
    const client = new HubClient(
      ws,
      mode,
      this.options.maxBufferedBytes ?? 8 * 1024 * 1024,
      (c) => this.options.onSlowClient?.(c.mode),
      this.options.snapshotBudget,
      socket,
    );
    this.clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.clients.delete(client));
    return client;
  }

  private streamFor(runId: string): RunPatchStream | undefined {
    const existing = this.streams.get(runId);
    if (existing) return existing;
    if (this.options.manager.get(runId) === undefined) return undefined;
    const flushDelayMs = this.options.flushDelayMs ?? 30;
    const logFlushDelayMs = Math.min(flushDelayMs, this.options.logFlushDelayMs ?? 10);
    const options = { flushDelayMs, logFlushDelayMs, maxPendingLogs: 200 };
    const stream = new RunPatchStream(runId, this.options.manager, options, this.settledSeqs.get(runId));
    this.settledSeqs.delete(runId);
    this.streams.set(runId, stream);
    return stream;
  }

  /**
   * A focused client left. The last one to leave frees the stream's copy of the tree and contents and
   * cancels its timers, whether the run is over or still going (history can hold many runs); only its seq
   * numbers are kept, so the stream `streamFor` rebuilds for the next follower continues them.
   */
  private leave(stream: RunPatchStream, client: HubClient): void {
    stream.unsubscribe(client);
    if (stream.subscribers.size > 0 || this.streams.get(stream.runId) !== stream) return;
    this.settledSeqs.set(stream.runId, stream.seqs());
    this.streams.delete(stream.runId);
    stream.dispose();
  }

  private onRunEvent(event: RunEvent): void {
    try {
      switch (event.type) {
        case 'created':
          this.aggregate.markChanged(event.run_id);
          return;
        case 'changed':
          this.aggregate.markChanged(event.run_id);
          // The tree changes the run computed ride along, so the stream sends them instead of diffing again. The
          // mirror behind `get()` moves by exactly these changes; an event without them (a resumed run's new entry)
          // makes the next flush diff.
          this.streams.get(event.run_id)?.onChanged(event.tree_changes);
          return;
        case 'finished':
          this.aggregate.markChanged(event.run_id);
          // Carries no tree changes, and a run marked interrupted or unresumable is a new entry: the flush diffs.
          this.streams.get(event.run_id)?.onChanged();
          return;
        case 'log':
          this.streams.get(event.run_id)?.onLog(event.entry);
          return;
        case 'removed':
          this.dropStream(event.run_id);
          return;
      }
    } catch (err) {
      // A listener must never throw into the engine; a broken stream is logged, the run goes on.
      console.error(`ws hub: failed to handle ${event.type} of ${event.run_id}:`, err);
    }
  }

  /** A pruned run: its stream state is freed and its followers are told and closed. */
  private dropStream(runId: string): void {
    this.settledSeqs.delete(runId);
    const stream = this.streams.get(runId);
    if (!stream) return;
    this.streams.delete(runId);
    stream.dispose();
    for (const client of stream.subscribers) {
      client.send({ type: 'error', message: 'Run removed' });
      client.ws.close(WS_CLOSE_CODES.runRemoved, 'Run removed');
    }
    stream.subscribers.clear();
  }

  private pingAll(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

/** Refuses an upgrade with a plain HTTP answer carrying the usual `{ "error" }` body. */
function reject(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

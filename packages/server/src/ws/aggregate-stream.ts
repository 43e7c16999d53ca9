import type { ServerMessage, ServerMessageOf } from '@tradingfloor/shared';
import type { RunManagerApi } from '@tradingfloor/engine';
import { sendToEach, type HubClient } from './hub-client.js';

type AggregateRuns = ServerMessageOf<'status_update_aggregate'>['runs'];

/**
 * The summaries stream for aggregate clients: `init_all` on connect, then `status_update_aggregate` with
 * only the runs that changed, at most one message per `intervalMs` (the first change after a quiet spell
 * goes out at once). Nothing is tracked while no aggregate client is connected.
 */
export class AggregateStream {
  readonly clients = new Set<HubClient>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: Pick<RunManagerApi, 'list' | 'get'>,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  add(client: HubClient): void {
    this.clients.add(client);
    this.sendInit(client);
  }

  /** `init_all` again: the answer to an aggregate client's resync. */
  sendInit(client: HubClient): void {
    client.send({ type: 'init_all', runs: this.source.list() });
  }

  /** Sends one message to every aggregate client (serialised once). */
  broadcast(message: ServerMessage): void {
    sendToEach(this.clients, message);
  }

  remove(client: HubClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.dirty.clear();
  }

  markChanged(runId: string): void {
    if (this.clients.size === 0) return;
    this.dirty.add(runId);
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const runs: AggregateRuns = {};
    for (const runId of this.dirty) {
      const summary = this.source.get(runId)?.summary;
      if (!summary) continue;
      runs[runId] = { ticker: summary.ticker, status: summary.status, overall_progress: summary.overall_progress, current_phase: summary.current_phase };
      // Queue mode: the place of a run waiting for a worker (absent once taken, and in the other modes).
      if (summary.queue_position !== undefined) runs[runId].queue_position = summary.queue_position;
    }
    this.dirty.clear();
    if (Object.keys(runs).length === 0) return;
    this.lastSentAt = this.now();
    sendToEach(this.clients, { type: 'status_update_aggregate', runs });
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dirty.clear();
  }
}

import { createHash } from 'node:crypto';
import { errorMessage, type WebhookDelivery, type WebhookEvent } from '@tradingfloor/shared';
import { sendWebhook, type AttemptResult } from './send-webhook.js';
import { backoffDelay, type ClockTimer, type WebhookClock } from './webhook-clock.js';
import type { WebhookConfig } from './webhook-config.js';
import { signWebhook } from './webhook-signature.js';
import type { StoredDelivery, SubjectRecord, WebhookStore } from './webhook-store.js';
import { targetProblem } from './webhook-target.js';

/** What a dispatcher is built from. */
export interface WebhookDispatcherDeps {
  config: WebhookConfig;
  store: WebhookStore;
  clock: WebhookClock;
  /** For the backoff's jitter (tests fix it). */
  random?: () => number;
  onError(err: unknown): void;
}

/** The subject a delivery is about. */
export interface WebhookSubject {
  kind: 'run' | 'backtest';
  id: string;
}

/**
 * The `webhook-id` of one event for one target: derived from the subject, event and target, so creating
 * the same delivery twice (a repeated event, a recovery pass after a restart) finds the one that exists.
 */
function deliveryId(subjectId: string, event: WebhookEvent, target: string): string {
  return `msg_${createHash('sha256').update(`${subjectId}\n${event}\n${target}`).digest('hex').slice(0, 32)}`;
}

/** A delivery as `GET /runs/:id/webhooks` shows it. */
function toView(d: StoredDelivery): WebhookDelivery {
  return {
    id: d.id,
    event: d.event,
    target: d.target,
    outcome: d.outcome,
    attempts: d.attempts,
    next_attempt_at: d.next_attempt_at === null ? null : new Date(d.next_attempt_at).toISOString(),
    created_at: new Date(d.created_at).toISOString(),
  };
}

/**
 * Delivers webhook events: one delivery per event and target, each tried until a 2xx, a 410, a refused target
 * or `maxAttempts`, with full-jitter exponential backoff between tries. Every change is written (atomically)
 * before the next step, so a restart resumes pending deliveries where they were and never repeats a finished
 * one. Everything runs on the injected clock.
 */
export class WebhookDispatcher {
  private readonly records = new Map<string, SubjectRecord>();
  /** Per-subject write chains: a record's writes land in the order they were made. */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, ClockTimer>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly random: () => number;
  private loaded: Promise<number> | null = null;
  private closed = false;

  constructor(private readonly deps: WebhookDispatcherDeps) {
    this.random = deps.random ?? Math.random;
  }

  /** Reads the records on disk and schedules every pending delivery; resolves with how many are pending. */
  start(): Promise<number> {
    this.loaded ??= (async () => {
      const { records, skipped } = await this.deps.store.loadAll();
      for (const { file, reason } of skipped) this.deps.onError(new Error(`webhooks: ${file} left out: ${reason}`));
      let pending = 0;
      for (const record of records) {
        this.records.set(record.subject_id, record);
        for (const d of record.deliveries) {
          if (d.outcome !== 'pending') continue;
          pending += 1;
          this.schedule(record, d);
        }
      }
      return pending;
    })();
    return this.loaded;
  }

  /** The subjects that have per-request targets and the events that already made deliveries, for a recovery pass. */
  async subscribed(): Promise<Array<WebhookSubject & { fired: WebhookEvent[] }>> {
    await this.start();
    return [...this.records.values()]
      .filter((r) => r.subscriptions.length > 0)
      .map((r) => ({ kind: r.kind, id: r.subject_id, fired: [...new Set(r.deliveries.map((d) => d.event))] }));
  }

  /** Remembers a per-request target of a subject (a repeated URL adds its events). Written before it resolves. */
  async subscribe(subject: WebhookSubject, url: string, events: readonly WebhookEvent[]): Promise<void> {
    await this.start();
    const record = this.recordOf(subject);
    const existing = record.subscriptions.find((s) => s.url === url);
    if (existing) existing.events = [...new Set([...existing.events, ...events])];
    else record.subscriptions.push({ url, events: [...events] });
    await this.persist(record);
  }

  /**
   * Creates the deliveries of `event` about `subject` — one per target: every `WEBHOOK_URLS` entry and every
   * per-request target asking for the event — unless they exist, and schedules them at once.
   * `payload()` builds the data only when a delivery is created.
   */
  async fire(subject: WebhookSubject, event: WebhookEvent, data: () => unknown): Promise<void> {
    await this.start();
    if (this.closed) return;
    const known = this.records.get(subject.id);
    const targets = new Set(this.deps.config.urls);
    for (const s of known?.subscriptions ?? []) if (s.events.includes(event)) targets.add(s.url);
    if (targets.size === 0) return;
    const record = known ?? this.recordOf(subject);
    const now = this.deps.clock.now();
    const created: StoredDelivery[] = [];
    let body: string | undefined;
    for (const target of targets) {
      const id = deliveryId(subject.id, event, target);
      if (record.deliveries.some((d) => d.id === id)) continue;
      body ??= JSON.stringify({ type: event, timestamp: new Date(now).toISOString(), data: data() });
      const delivery: StoredDelivery = { id, event, target, outcome: 'pending', attempts: [], next_attempt_at: now, created_at: now, body };
      record.deliveries.push(delivery);
      created.push(delivery);
    }
    if (created.length === 0) return;
    // Written before the first attempt: a delivery that was sent is always one the next start knows.
    await this.persist(record);
    for (const d of created) this.schedule(record, d);
  }

  /** The deliveries about a subject, oldest first. */
  async deliveries(subjectId: string): Promise<WebhookDelivery[]> {
    await this.start();
    return (this.records.get(subjectId)?.deliveries ?? []).map(toView);
  }

  /**
   * Drops the records of subjects that are gone (`gone` says which: a run whose results the server no longer
   * has) once they are settled — at least one delivery made, none pending — from memory and from disk (after
   * their last write). A record with a pending delivery stays until it is delivered or fails: its body is in
   * the record, not in the run. One with no delivery yet stays too (its subject has not ended, or is being
   * created). Resolves with how many were dropped.
   */
  async forgetSettled(gone: (subject: WebhookSubject) => boolean): Promise<number> {
    await this.start();
    const dropped: string[] = [];
    for (const record of this.records.values()) {
      const settled = record.deliveries.length > 0 && record.deliveries.every((d) => d.outcome !== 'pending');
      if (settled && gone({ kind: record.kind, id: record.subject_id })) dropped.push(record.subject_id);
    }
    await Promise.all(dropped.map((id) => this.remove(id)));
    return dropped.length;
  }

  /** Stops every timer, aborts attempts in flight (they do not count) and waits for the last writes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled([...this.writes.values()]);
  }

  private recordOf(subject: WebhookSubject): SubjectRecord {
    let record = this.records.get(subject.id);
    if (!record) {
      record = { version: 1, kind: subject.kind, subject_id: subject.id, subscriptions: [], deliveries: [] };
      this.records.set(subject.id, record);
    }
    return record;
  }

  /** Forgets a record and deletes its file, after the writes already queued for it. */
  private remove(subjectId: string): Promise<void> {
    this.records.delete(subjectId);
    const removed = this.queueFileOp(subjectId, () => this.deps.store.remove(subjectId)).catch((err: unknown) =>
      this.deps.onError(new Error(`webhooks: could not delete the record of ${subjectId}: ${errorMessage(err)}`)),
    );
    // Nothing more is written for a forgotten subject: its chain goes once the file is deleted.
    const tail = this.writes.get(subjectId);
    void removed.then(() => {
      if (this.writes.get(subjectId) === tail) this.writes.delete(subjectId);
    });
    return removed;
  }

  private persist(record: SubjectRecord): Promise<void> {
    // The record is serialised when its turn comes, so a later write always carries the later state.
    return this.queueFileOp(record.subject_id, () => this.deps.store.write(record));
  }

  /** Runs `op` on a subject's file after the operations already queued for it; a failed one does not stop the next. */
  private queueFileOp(subjectId: string, op: () => Promise<void>): Promise<void> {
    const previous = this.writes.get(subjectId) ?? Promise.resolve();
    const next = previous.then(op);
    this.writes.set(subjectId, next.catch(() => undefined));
    return next;
  }

  private schedule(record: SubjectRecord, d: StoredDelivery): void {
    if (this.closed || d.next_attempt_at === null) return;
    this.timers.get(d.id)?.cancel();
    const wait = Math.max(0, d.next_attempt_at - this.deps.clock.now());
    this.timers.set(
      d.id,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(d.id);
        const attempt = this.attempt(record, d).catch((err: unknown) => this.deps.onError(err));
        this.inFlight.add(attempt);
        void attempt.finally(() => this.inFlight.delete(attempt));
      }, wait),
    );
  }

  private async attempt(record: SubjectRecord, d: StoredDelivery): Promise<void> {
    if (this.closed || d.outcome !== 'pending') return;
    const { config, clock } = this.deps;
    const at = clock.now();
    const problem = targetProblem(d.target, config.allowPrivate);
    let result: AttemptResult;
    if (problem !== null) result = { kind: 'failed', error: `refused: ${problem}`, durationMs: 0, permanent: true };
    else if (config.key === null || d.body === undefined) {
      result = { kind: 'failed', error: 'refused: WEBHOOK_SECRET is not set, nothing can be signed', durationMs: 0, permanent: true };
    } else {
      const headers = { ...signWebhook(config.key, d.id, at, d.body) };
      result = await sendWebhook(d.target, d.body, {
        headers,
        timeoutMs: config.timeoutMs,
        allowPrivate: config.allowPrivate,
        clock,
        signal: this.abort.signal,
      });
    }
    if (result.kind === 'aborted' || this.closed) return;
    d.attempts.push({
      at: new Date(at).toISOString(),
      status_code: result.kind === 'answered' ? result.statusCode : null,
      error: result.kind === 'failed' ? result.error : null,
      duration_ms: result.durationMs,
    });
    const ok = result.kind === 'answered' && result.statusCode >= 200 && result.statusCode < 300;
    // 410 Gone: the receiver says the endpoint is no more; retrying would only add load.
    const stop = (result.kind === 'answered' && result.statusCode === 410) || (result.kind === 'failed' && result.permanent);
    if (ok || stop || d.attempts.length >= config.maxAttempts) {
      d.outcome = ok ? 'delivered' : 'failed';
      d.next_attempt_at = null;
      delete d.body; // never sent again; the file keeps the attempts only
    } else {
      d.next_attempt_at = clock.now() + backoffDelay(d.attempts.length, config.backoffBaseMs, config.backoffMaxMs, this.random);
    }
    try {
      await this.persist(record);
    } catch (err) {
      this.deps.onError(new Error(`webhooks: could not save delivery ${d.id}: ${errorMessage(err)}`));
    }
    if (d.outcome === 'pending') this.schedule(record, d);
  }
}

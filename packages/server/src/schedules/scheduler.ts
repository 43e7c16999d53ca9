import { randomBytes } from 'node:crypto';
import type { RunManagerApi, RunRequest } from '@tradingfloor/engine';
import {
  errorMessage,
  isActiveStatus,
  ShuttingDownError,
  type MissedPolicy,
  type RunOptionsInput,
  type Schedule,
  type ScheduleFire,
  type SchedulePreviewResponse,
  type ScheduleRecord,
} from '@tradingfloor/shared';
import { fireTime, parseCron, type CronTimes } from './cron-times.js';
import { systemClock, type SchedulerClock } from './scheduler-clock.js';
import type { ScheduleStore } from './schedule-store.js';

/** Fires kept per schedule (newest first); older ones are dropped from `schedules.json`. */
const MAX_FIRES_KEPT = 20;
/** Fire times listed in a schedule's `next_fires`. */
const UPCOMING = 5;
/** Why a fire started nothing because the schedule's previous batch is still active. */
export const SKIPPED_RUNNING = 'skipped: previous batch still running';

/** The part of the RunManager a scheduler drives: it starts batches and watches them end, nothing else. */
type SchedulerRuns = Pick<RunManagerApi, 'start' | 'check' | 'list' | 'whenFinished'>;

/** A checked schedule to create: tickers and options as `/start-multi` accepts them, a parsed cron expression. */
export interface ScheduleDraft {
  name: string | null;
  tickers: string[];
  cron: string;
  timezone: string;
  missed?: MissedPolicy;
  options: Partial<RunOptionsInput>;
}

export interface SchedulerOptions {
  runs: SchedulerRuns;
  store: ScheduleStore;
  /** Default: the system clock. Tests pass a clock they move by hand. */
  clock?: SchedulerClock;
  /** What a schedule created without `missed` does about fires missed while the server was down. */
  missedDefault?: MissedPolicy;
  log?: (line: string) => void;
}

interface Entry {
  record: ScheduleRecord;
  /** Null when the stored expression or zone no longer parses here: listed, never fired, never dropped. */
  times: CronTimes | null;
  /** The latest cron time already handled (fired, skipped or missed); the next fire comes after it. */
  handledUntil: number;
  cancelTimer: (() => void) | null;
  /** Runs of the last started batch that have not finished. */
  active: Set<string>;
  /** A `start()` of this schedule is under way. */
  starting: boolean;
}

/**
 * Starts each schedule's watchlist as one batch of runs when its cron expression fires, on top of the
 * RunManager's `start` / `list` / `whenFinished`. It owns one timer per schedule on an injected clock, keeps
 * the schedules and their recent fires in a `ScheduleStore`, and at `start()` handles fires missed while the
 * server was down (one batch for all of them, or none, per schedule). A fire while the schedule's previous
 * batch is still active starts nothing and is recorded as skipped; once `stop()` is called nothing fires.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: SchedulerClock;
  private readonly log: (line: string) => void;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => {});
  }

  /**
   * Reads the stored schedules (listed at once, nothing armed yet). The server calls it before it listens,
   * so a schedule created in the meantime is not overwritten by the file.
   */
  async load(): Promise<void> {
    const records = await this.options.store.load(this.clock.now());
    for (const record of records) {
      let times: CronTimes | null = null;
      try {
        times = parseCron(record.cron, record.timezone);
      } catch (err) {
        this.log(`schedule ${record.schedule_id} will not fire: ${errorMessage(err)}`);
      }
      this.entries.set(record.schedule_id, { record, times, handledUntil: lastHandled(record), cancelTimer: null, active: new Set(), starting: false });
    }
  }

  /**
   * Starts firing: the last batch of each loaded schedule still active (resumed at start-up) counts as
   * running, fires missed while the server was down are handled, and every timer is armed.
   */
  async start(): Promise<void> {
    const now = this.clock.now();
    const loaded = [...this.entries.values()].filter((e) => e.cancelTimer === null);
    const activeRuns = new Set(this.options.runs.list().filter((s) => isActiveStatus(s.status)).map((s) => s.run_id));
    for (const entry of loaded) {
      const last = entry.record.fires.find((f) => f.outcome === 'started');
      for (const runId of last?.run_ids ?? []) if (activeRuns.has(runId)) this.watch(entry, runId);
    }
    for (const entry of loaded) await this.catchUp(entry, now);
    for (const entry of loaded) this.arm(entry);
  }

  /** Creates a schedule (its tickers and options are checked as a start would check them), stores and arms it. */
  async create(draft: ScheduleDraft): Promise<Schedule> {
    if (this.stopping) throw new ShuttingDownError('the server is shutting down; no schedule is created');
    const times = parseCron(draft.cron, draft.timezone);
    const record: ScheduleRecord = {
      schedule_id: `sch-${randomBytes(5).toString('hex')}`,
      name: draft.name,
      tickers: draft.tickers,
      cron: times.cron,
      timezone: times.timezone,
      missed: draft.missed ?? this.options.missedDefault ?? 'run_once',
      options: draft.options,
      created_at: new Date(this.clock.now()).toISOString(),
      fires: [],
    };
    // An unknown ticker or a bad option is refused now, not at the first fire.
    await this.options.runs.check?.(requestsOf(record));
    const entry: Entry = { record, times, handledUntil: Date.parse(record.created_at), cancelTimer: null, active: new Set(), starting: false };
    this.entries.set(record.schedule_id, entry);
    try {
      await this.persist();
    } catch (err) {
      this.entries.delete(record.schedule_id);
      throw err;
    }
    this.arm(entry);
    return this.view(entry);
  }

  list(): Schedule[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  get(id: string): Schedule | undefined {
    const entry = this.entries.get(id);
    return entry && this.view(entry);
  }

  /** Deletes a schedule (its runs stay); false for an unknown id. */
  async remove(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.cancelTimer?.();
    this.entries.delete(id);
    await this.persist();
    return true;
  }

  /** Checks an expression and zone (`ValidationError` naming the problem) and lists their next `count` fire times from now. */
  preview(cron: string, timezone: string, count: number): SchedulePreviewResponse {
    const times = parseCron(cron, timezone);
    const next = times.upcoming(this.clock.now(), count).map((t) => fireTime(t, times.timezone));
    return { cron: times.cron, timezone: times.timezone, next_fires: next };
  }

  /** Resolves when every fire under way has been recorded and saved. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.options.store.flushed();
  }

  /** Nothing fires from now on; resolves when the fires under way are recorded and saved. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const entry of this.entries.values()) {
      entry.cancelTimer?.();
      entry.cancelTimer = null;
    }
    await this.idle();
  }

  /** Fires missed while the server was down: one batch for all of them (`run_once`), or a recorded skip. */
  private async catchUp(entry: Entry, now: number): Promise<void> {
    const { times, record } = entry;
    const first = times?.next(entry.handledUntil) ?? null;
    if (times === null || first === null || first >= now) return;
    const latest = times.previous(now) ?? first;
    entry.handledUntil = latest;
    if (record.missed === 'run_once') {
      await this.track(this.fire(entry, latest, 'missed'));
    } else {
      await this.track(this.record(entry, { scheduled_for: iso(latest), fired_at: iso(now), trigger: 'missed', outcome: 'skipped', reason: 'missed while the server was down (missed: skip)', batch_id: null, run_ids: [] }));
    }
  }

  /** Arms the entry's timer for its next cron time after what it has handled (and not in the past). */
  private arm(entry: Entry): void {
    entry.cancelTimer?.();
    entry.cancelTimer = null;
    if (this.stopping || entry.times === null || !this.entries.has(entry.record.schedule_id)) return;
    const now = this.clock.now();
    const due = entry.times.next(Math.max(entry.handledUntil, now - 1));
    if (due === null) return;
    entry.cancelTimer = this.clock.setTimer(() => this.onTimer(entry, due), due - now);
  }

  private onTimer(entry: Entry, due: number): void {
    entry.cancelTimer = null;
    if (this.stopping || !this.entries.has(entry.record.schedule_id)) return;
    // A timer longer than setTimeout allows ends early by design: wait for the rest.
    if (this.clock.now() < due) return this.arm(entry);
    entry.handledUntil = due;
    this.arm(entry);
    void this.track(this.fire(entry, due, 'cron'));
  }

  /** Starts the schedule's batch, or records why not; never throws. */
  private async fire(entry: Entry, scheduledFor: number, trigger: ScheduleFire['trigger']): Promise<void> {
    if (this.stopping) return;
    const base = { scheduled_for: iso(scheduledFor), fired_at: iso(this.clock.now()), trigger };
    if (entry.starting || entry.active.size > 0) {
      await this.record(entry, { ...base, outcome: 'skipped', reason: SKIPPED_RUNNING, batch_id: null, run_ids: [] });
      return;
    }
    entry.starting = true;
    let fire: ScheduleFire;
    try {
      const summaries = await this.options.runs.start(requestsOf(entry.record));
      for (const s of summaries) this.watch(entry, s.run_id);
      fire = { ...base, outcome: 'started', reason: null, batch_id: summaries[0]?.batch_id ?? null, run_ids: summaries.map((s) => s.run_id) };
    } catch (err) {
      // The server began stopping while this fire was starting: like a tick during shutdown, it did nothing.
      if (err instanceof ShuttingDownError) return;
      fire = { ...base, outcome: 'failed', reason: errorMessage(err), batch_id: null, run_ids: [] };
    } finally {
      entry.starting = false;
    }
    await this.record(entry, fire);
  }

  private watch(entry: Entry, runId: string): void {
    entry.active.add(runId);
    const done = () => entry.active.delete(runId);
    this.options.runs.whenFinished(runId).then(done, done);
  }

  private async record(entry: Entry, fire: ScheduleFire): Promise<void> {
    entry.record = { ...entry.record, fires: [fire, ...entry.record.fires].slice(0, MAX_FIRES_KEPT) };
    const id = entry.record.schedule_id;
    this.log(`schedule ${id}: ${fire.outcome}${fire.reason ? ` (${fire.reason})` : ''}${fire.batch_id ? ` batch ${fire.batch_id}` : ''}`);
    try {
      await this.persist();
    } catch (err) {
      this.log(`schedule ${id}: the fire could not be saved: ${errorMessage(err)}`);
    }
  }

  private persist(): Promise<void> {
    return this.options.store.save([...this.entries.values()].map((e) => e.record));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private view(entry: Entry): Schedule {
    const { record, times } = entry;
    const upcoming = times ? times.upcoming(Math.max(entry.handledUntil, this.clock.now() - 1), UPCOMING) : [];
    const next = upcoming.map((t) => fireTime(t, record.timezone));
    return { ...record, next_fire: next[0] ?? null, next_fires: next, last_fire: record.fires[0] ?? null, running: entry.starting || entry.active.size > 0 };
  }
}

/** The batch a schedule starts: one run per ticker with the schedule's options. */
function requestsOf(record: ScheduleRecord): RunRequest[] {
  return record.tickers.map((ticker) => ({ ticker, options: { ...record.options } as RunOptionsInput }));
}

/** The latest cron time a stored schedule has handled: its newest fire, else its creation. */
function lastHandled(record: ScheduleRecord): number {
  return Date.parse(record.fires[0]?.scheduled_for ?? record.created_at);
}

const iso = (ms: number) => new Date(ms).toISOString();

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ShuttingDownError, TooManyRunsError, ValidationError, type ScheduleFire } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Scheduler, SKIPPED_RUNNING, type ScheduleDraft } from '../../src/schedules/scheduler.js';
import { ScheduleStore } from '../../src/schedules/schedule-store.js';
import { FakeRunManager } from '../support/fake-run-manager.js';
import { ManualClock } from '../support/manual-clock.js';

const at = (iso: string) => Date.parse(iso);
const everyMinute: ScheduleDraft = { name: 'morning', tickers: ['ACME', 'GLOBEX'], cron: '* * * * *', timezone: 'UTC', options: { max_debate_rounds: 2 } };

let dir: string;
let manager: FakeRunManager;
let clock: ManualClock;
const schedulers: Scheduler[] = [];

function newScheduler(options: { missedDefault?: 'run_once' | 'skip' } = {}): Scheduler {
  const scheduler = new Scheduler({ runs: manager, store: new ScheduleStore(dir), clock, ...options });
  schedulers.push(scheduler);
  return scheduler;
}

/** Moves the clock and waits until the fires it triggered are recorded. */
async function advanceTo(scheduler: Scheduler, iso: string): Promise<void> {
  clock.advanceTo(at(iso));
  await scheduler.idle();
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tf-schedules-'));
  manager = new FakeRunManager({ maxParallelRuns: 5 });
  clock = new ManualClock(at('2026-12-07T08:59:30.000Z'));
});
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('Scheduler with a controllable clock', () => {
  it('fires a schedule every minute on time, each fire starting one batch of the watchlist', async () => {
    const scheduler = newScheduler();
    await scheduler.start();
    const created = await scheduler.create(everyMinute);
    expect(created.next_fire?.at).toBe('2026-12-07T09:00:00.000Z');
    expect(created.next_fires.map((f) => f.at.slice(11, 16))).toEqual(['09:00', '09:01', '09:02', '09:03', '09:04']);

    await advanceTo(scheduler, '2026-12-07T08:59:59.999Z');
    expect(manager.started).toHaveLength(0);

    await advanceTo(scheduler, '2026-12-07T09:00:00.000Z');
    expect(manager.startedTickers).toEqual([['ACME', 'GLOBEX']]);
    expect(manager.started[0]![0]!.options).toEqual({ max_debate_rounds: 2 });
    const first = scheduler.get(created.schedule_id)!;
    expect(first.last_fire).toMatchObject({
      scheduled_for: '2026-12-07T09:00:00.000Z',
      fired_at: '2026-12-07T09:00:00.000Z',
      trigger: 'cron',
      outcome: 'started',
      run_ids: manager.list().map((r) => r.run_id),
    });
    expect(first.running).toBe(true);
    expect(first.next_fire?.at).toBe('2026-12-07T09:01:00.000Z');

    for (const run of manager.list()) manager.finish(run.run_id, 'completed');
    await Promise.all(manager.list().map((r) => manager.whenFinished(r.run_id)));
    await advanceTo(scheduler, '2026-12-07T09:01:00.000Z');
    expect(manager.started).toHaveLength(2);
    const fires = scheduler.get(created.schedule_id)!.fires;
    expect(fires.map((f) => [f.scheduled_for, f.fired_at, f.outcome])).toEqual([
      ['2026-12-07T09:01:00.000Z', '2026-12-07T09:01:00.000Z', 'started'],
      ['2026-12-07T09:00:00.000Z', '2026-12-07T09:00:00.000Z', 'started'],
    ]);
    // Exactly one timer armed, for the next minute.
    expect(clock.pending()).toEqual([at('2026-12-07T09:02:00.000Z')]);
  });

  it('reads the expression in the schedule’s time zone and gives each fire time in UTC and in that zone', async () => {
    const scheduler = newScheduler();
    const created = await scheduler.create({ ...everyMinute, cron: '0 9 * * 1-5', timezone: 'America/New_York' });
    expect(created.next_fire).toEqual({ at: '2026-12-07T14:00:00.000Z', local: '2026-12-07T09:00:00-05:00', label: 'Mon, 7 Dec 2026, 09:00 (America/New_York)' });
    // Monday to Friday at 9:00, then the next Monday: the weekend is skipped.
    expect(created.next_fires.slice(3).map((f) => f.local)).toEqual(['2026-12-10T09:00:00-05:00', '2026-12-11T09:00:00-05:00']);
    await advanceTo(scheduler, '2026-12-07T13:59:59.000Z');
    expect(manager.started).toHaveLength(0);
    await advanceTo(scheduler, '2026-12-07T14:00:00.000Z');
    expect(manager.started).toHaveLength(1);
    const mondaysAndFridays = (await scheduler.create({ ...everyMinute, cron: '0 9 * * 5,1', timezone: 'America/New_York' })).next_fires;
    expect(mondaysAndFridays.map((f) => f.local.slice(0, 10))).toEqual(['2026-12-11', '2026-12-14', '2026-12-18', '2026-12-21', '2026-12-25']);
  });

  it('skips a fire while the previous batch is still running and records why', async () => {
    const scheduler = newScheduler();
    const { schedule_id } = await scheduler.create(everyMinute);
    await advanceTo(scheduler, '2026-12-07T09:00:00.000Z');
    const [a, b] = manager.list();
    manager.finish(a!.run_id, 'completed'); // one of the two still runs

    await advanceTo(scheduler, '2026-12-07T09:01:00.000Z');
    expect(manager.started).toHaveLength(1);
    expect(scheduler.get(schedule_id)!.last_fire).toMatchObject({ outcome: 'skipped', reason: SKIPPED_RUNNING, run_ids: [], batch_id: null });

    manager.finish(b!.run_id, 'error', null, 'boom');
    await manager.whenFinished(b!.run_id);
    await advanceTo(scheduler, '2026-12-07T09:02:00.000Z');
    expect(manager.started).toHaveLength(2);
    expect(scheduler.get(schedule_id)!.fires.map((f) => f.outcome)).toEqual(['started', 'skipped', 'started']);
  });

  it('records a fire the manager refuses as failed, with its reason, and fires again next time', async () => {
    const scheduler = newScheduler();
    const { schedule_id } = await scheduler.create(everyMinute);
    manager.refuse = () => new TooManyRunsError('starting 2 run(s) would exceed MAX_PARALLEL_RUNS=5');
    await advanceTo(scheduler, '2026-12-07T09:00:00.000Z');
    expect(scheduler.get(schedule_id)!.last_fire).toMatchObject({ outcome: 'failed', reason: 'starting 2 run(s) would exceed MAX_PARALLEL_RUNS=5' });
    manager.refuse = undefined;
    await advanceTo(scheduler, '2026-12-07T09:01:00.000Z');
    expect(scheduler.get(schedule_id)!.last_fire?.outcome).toBe('started');
  });

  it('does nothing on a tick once stopping, and records nothing for a start the shutdown refused', async () => {
    const scheduler = newScheduler();
    const { schedule_id } = await scheduler.create(everyMinute);
    manager.refuse = () => new ShuttingDownError('the server is shutting down; no new runs are started');
    await advanceTo(scheduler, '2026-12-07T09:00:00.000Z');
    expect(scheduler.get(schedule_id)!.fires).toEqual([]);

    manager.refuse = undefined;
    await scheduler.stop();
    expect(clock.pending()).toEqual([]);
    clock.advanceTo(at('2026-12-07T09:10:00.000Z'));
    await scheduler.idle();
    expect(manager.started).toHaveLength(0);
    await expect(scheduler.create(everyMinute)).rejects.toBeInstanceOf(ShuttingDownError);
  });

  it('refuses a bad cron expression or time zone with a clear message', async () => {
    const scheduler = newScheduler();
    await expect(scheduler.create({ ...everyMinute, cron: '61 * * * *' })).rejects.toThrow(/invalid cron expression "61 \* \* \* \*": Invalid value for minute: 61/);
    await expect(scheduler.create({ ...everyMinute, cron: '* * * *' })).rejects.toBeInstanceOf(ValidationError);
    await expect(scheduler.create({ ...everyMinute, cron: '*/10 * * * * *' })).rejects.toThrow(/requires exactly 5 parts/);
    await expect(scheduler.create({ ...everyMinute, timezone: 'Mars/Olympus' })).rejects.toThrow('unknown time zone "Mars/Olympus"');
    expect(scheduler.list()).toEqual([]);
  });
});

describe('Scheduler persistence and missed fires', () => {
  async function createThenRestart(missed?: 'run_once' | 'skip'): Promise<{ id: string; restarted: Scheduler }> {
    const first = newScheduler();
    const { schedule_id } = await first.create({ ...everyMinute, ...(missed ? { missed } : {}) });
    await first.stop();
    // The server is down from 08:59:30 to 09:05:30: six fires (09:00 … 09:05) are missed.
    clock = new ManualClock(at('2026-12-07T09:05:30.000Z'));
    const restarted = newScheduler();
    await restarted.load();
    return { id: schedule_id, restarted };
  }

  it('keeps schedules in schedules.json and runs a schedule missed while the server was down once at start-up', async () => {
    const { id, restarted } = await createThenRestart();
    expect(restarted.get(id)).toMatchObject({ name: 'morning', tickers: ['ACME', 'GLOBEX'], missed: 'run_once', fires: [] });
    await restarted.start();
    await restarted.idle();
    expect(manager.started).toHaveLength(1);
    const fire = restarted.get(id)!.last_fire!;
    expect(fire).toMatchObject<Partial<ScheduleFire>>({ trigger: 'missed', outcome: 'started', scheduled_for: '2026-12-07T09:05:00.000Z', fired_at: '2026-12-07T09:05:30.000Z' });
    expect(restarted.get(id)!.next_fire?.at).toBe('2026-12-07T09:06:00.000Z');

    const stored = JSON.parse(await readFile(path.join(dir, 'schedules.json'), 'utf8')) as { version: number; schedules: Array<{ fires: ScheduleFire[] }> };
    expect(stored.version).toBe(1);
    expect(stored.schedules[0]!.fires).toHaveLength(1);
  });

  it('with missed: skip, records the missed fires as skipped and waits for the next one', async () => {
    const { id, restarted } = await createThenRestart('skip');
    await restarted.start();
    await restarted.idle();
    expect(manager.started).toHaveLength(0);
    expect(restarted.get(id)!.last_fire).toMatchObject({ trigger: 'missed', outcome: 'skipped', reason: 'missed while the server was down (missed: skip)' });
    await advanceTo(restarted, '2026-12-07T09:06:00.000Z');
    expect(manager.started).toHaveLength(1);
  });

  it('takes the server-wide default for schedules created without a policy', async () => {
    const scheduler = newScheduler({ missedDefault: 'skip' });
    expect((await scheduler.create(everyMinute)).missed).toBe('skip');
    expect((await scheduler.create({ ...everyMinute, missed: 'run_once' })).missed).toBe('run_once');
  });

  it('does not run a missed schedule twice across two restarts', async () => {
    const { id, restarted } = await createThenRestart();
    await restarted.start();
    await restarted.stop();
    const again = newScheduler();
    await again.load();
    await again.start();
    await again.idle();
    expect(manager.started).toHaveLength(1);
    expect(again.get(id)!.fires).toHaveLength(1);
  });

  it('deletes a schedule for good: no more fires, gone from the file', async () => {
    const scheduler = newScheduler();
    const { schedule_id } = await scheduler.create(everyMinute);
    expect(await scheduler.remove(schedule_id)).toBe(true);
    expect(await scheduler.remove(schedule_id)).toBe(false);
    await advanceTo(scheduler, '2026-12-07T09:03:00.000Z');
    expect(manager.started).toHaveLength(0);
    const reloaded = newScheduler();
    await reloaded.load();
    expect(reloaded.list()).toEqual([]);
  });

  it('keeps an unreadable schedules.json aside instead of overwriting it', async () => {
    await writeFile(path.join(dir, 'schedules.json'), '{"version":1,"schedules":[{"oops":', 'utf8');
    const lines: string[] = [];
    const scheduler = new Scheduler({ runs: manager, store: new ScheduleStore(dir, (l) => lines.push(l)), clock });
    schedulers.push(scheduler);
    await scheduler.load();
    expect(scheduler.list()).toEqual([]);
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('schedules.json.unreadable-'))).toHaveLength(1);
    expect(lines[0]).toMatch(/could not be read .* kept as .*schedules\.json\.unreadable-/);
  });
});

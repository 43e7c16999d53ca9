import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { API_ROUTES, type Schedule } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/test/support/manual-clock.js';
import { removeDir, startHarness, tempResultsDir, type Harness } from '../support/server-harness.js';

const at = (iso: string) => Date.parse(iso);
const harnesses: Harness[] = [];
const dirs: string[] = [];

async function start(resultsDir: string, clock: ManualClock): Promise<Harness> {
  const h = await startHarness({ resultsDir, scheduleClock: clock });
  harnesses.push(h);
  return h;
}

/** Waits for every run the server knows to end, so closing it leaves nothing half-written. */
async function settleRuns(h: Harness): Promise<void> {
  await Promise.all(h.manager.list().map((r) => h.manager.whenFinished(r.run_id)));
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const d of dirs.splice(0)) await removeDir(d);
});

async function freshDir(): Promise<string> {
  const dir = await tempResultsDir();
  dirs.push(dir);
  return dir;
}

describe('/schedules through the real server', () => {
  it('creates, lists, reads, previews and deletes a schedule; bad input is 400 with nothing stored', async () => {
    const h = await start(await freshDir(), new ManualClock(at('2026-12-07T07:58:00.000Z')));
    const created = await h.api<Schedule>('POST', '/schedules', {
      json: { tickers: 'acme, GLOBEX', cron: '0 9 * * 1-5', timezone: 'Europe/Paris', name: 'Morning', max_debate_rounds: 2 },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Morning', tickers: ['ACME', 'GLOBEX'], cron: '0 9 * * 1-5', timezone: 'Europe/Paris', missed: 'run_once', options: { max_debate_rounds: 2 }, fires: [], last_fire: null, running: false });
    expect(created.json.schedule_id).toMatch(/^sch-[0-9a-f]{10}$/);
    expect(created.json.next_fire).toEqual({ at: '2026-12-07T08:00:00.000Z', local: '2026-12-07T09:00:00+01:00', label: 'Mon, 7 Dec 2026, 09:00 (Europe/Paris)' });
    const id = created.json.schedule_id;

    const refusals: Array<[unknown, RegExp]> = [
      [{ tickers: 'ACME,NOPE', cron: '* * * * *', timezone: 'UTC' }, /no market data for NOPE/],
      [{ tickers: 'ACME', cron: '0 25 * * *', timezone: 'UTC' }, /invalid cron expression "0 25 \* \* \*": Invalid value for hour: 25/],
      [{ tickers: 'ACME', cron: '* * * * *', timezone: 'Moon/Base' }, /unknown time zone "Moon\/Base"/],
      [{ tickers: 'ACME', cron: '* * * * *', timezone: 'UTC', trade_date: '2024-01-05' }, /trade_date is not a schedule field/],
      [{ tickers: 'ACME', cron: '* * * * *', timezone: 'UTC', max_debate_rounds: 11 }, /max_debate_rounds: at most 10 rounds/],
      [{ tickers: 'ACME', cron: '* * * * *', timezone: 'UTC', colour: 'red' }, /unknown field "colour"/],
      [{ tickers: 'AC ME!', cron: '* * * * *', timezone: 'UTC' }, /invalid ticker/],
      [{ cron: '* * * * *', timezone: 'UTC' }, /tickers/],
    ];
    for (const [body, message] of refusals) {
      const res = await h.api('POST', '/schedules', { json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toMatch(message);
    }

    const list = await h.api<{ schedules: Schedule[] }>('GET', '/schedules');
    expect(list.json.schedules.map((s) => s.schedule_id)).toEqual([id]);
    // The answers are what the route table (and so the OpenAPI document and the SPA's client) says they are.
    expect(API_ROUTES.createSchedule.response.safeParse(created.json).success).toBe(true);
    expect(API_ROUTES.listSchedules.response.safeParse(list.json).success).toBe(true);
    expect((await h.api<Schedule>('GET', `/schedules/${id}`)).json).toEqual(created.json);

    const preview = await h.api('GET', `/schedules/preview?cron=${encodeURIComponent('30 8 * * *')}&timezone=Asia/Tokyo&count=2`);
    expect(preview.status).toBe(200);
    expect(preview.json.next_fires.map((f: { local: string }) => f.local)).toEqual(['2026-12-08T08:30:00+09:00', '2026-12-09T08:30:00+09:00']);
    expect(API_ROUTES.previewSchedule.response.safeParse(preview.json).success).toBe(true);
    expect((await h.api('GET', '/schedules/preview?cron=nope&timezone=UTC')).status).toBe(400);

    expect((await h.api('DELETE', `/schedules/${id}`)).json).toEqual({ schedule_id: id, deleted: true });
    expect((await h.api('DELETE', `/schedules/${id}`)).status).toBe(404);
    expect((await h.api('GET', `/schedules/${id}`)).json).toEqual({ error: `Schedule not found: ${id}` });
    expect((await h.api('DELETE', '/schedules/not-an-id')).status).toBe(400);
    const stored = JSON.parse(await readFile(path.join(h.resultsDir, 'schedules.json'), 'utf8')) as { schedules: unknown[] };
    expect(stored.schedules).toEqual([]);
  });

  it('fires on the minute and starts the watchlist as one batch of real runs', async () => {
    const clock = new ManualClock(at('2026-12-07T08:59:30.000Z'));
    const h = await start(await freshDir(), clock);
    const { json: created } = await h.api<Schedule>('POST', '/schedules', { json: { tickers: 'ACME,GLOBEX', cron: '* * * * *', timezone: 'UTC' } });
    clock.advanceTo(at('2026-12-07T09:00:00.000Z'));
    await h.server.scheduler.idle();
    const { json: fired } = await h.api<Schedule>('GET', `/schedules/${created.schedule_id}`);
    expect(fired.last_fire).toMatchObject({ scheduled_for: '2026-12-07T09:00:00.000Z', trigger: 'cron', outcome: 'started' });
    expect(fired.last_fire!.batch_id).toEqual(expect.any(String));
    const batch = await h.api<{ runs: Array<{ run_id: string; ticker: string }> }>('GET', `/runs?batch=${encodeURIComponent(fired.last_fire!.batch_id!)}`);
    expect(batch.json.runs.map((r) => r.ticker).sort()).toEqual(['ACME', 'GLOBEX']);
    expect(batch.json.runs.map((r) => r.run_id).sort()).toEqual([...fired.last_fire!.run_ids].sort());
    await settleRuns(h);
  });

  it('keeps schedules across a restart on the same RESULTS_DIR and runs a missed one once at start-up', async () => {
    const dir = await freshDir();
    const first = await start(dir, new ManualClock(at('2026-12-07T08:59:30.000Z')));
    const { json: created } = await first.api<Schedule>('POST', '/schedules', { json: { tickers: 'ACME', cron: '* * * * *', timezone: 'UTC', name: 'every minute' } });
    await first.close();
    harnesses.splice(harnesses.indexOf(first), 1);

    // Down for four minutes: 09:00 … 09:03 are missed, and one batch makes up for them.
    const clock = new ManualClock(at('2026-12-07T09:03:20.000Z'));
    const second = await start(dir, clock);
    const { json: list } = await second.api<{ schedules: Schedule[] }>('GET', '/schedules');
    expect(list.schedules).toHaveLength(1);
    const [again] = list.schedules;
    expect(again).toMatchObject({ schedule_id: created.schedule_id, name: 'every minute', tickers: ['ACME'] });
    expect(again!.fires).toHaveLength(1);
    expect(again!.last_fire).toMatchObject({ trigger: 'missed', outcome: 'started', scheduled_for: '2026-12-07T09:03:00.000Z', fired_at: '2026-12-07T09:03:20.000Z' });
    expect(again!.next_fire?.at).toBe('2026-12-07T09:04:00.000Z');
    const runIds = again!.last_fire!.run_ids;
    expect(runIds).toHaveLength(1);
    expect((await second.api('GET', `/runs/${runIds[0]}/status`)).json.ticker).toBe('ACME');
    await settleRuns(second);
  });
});

import type { Schedule } from '@tradingfloor/shared';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ScheduleList from '../src/components/schedules/ScheduleList.vue';
import { checkScheduleForm, defaultScheduleForm } from '../src/lib/schedule-form.js';
import { useBoardStore } from '../src/stores/board-store.js';
import { useSchedulesStore } from '../src/stores/schedules-store.js';
import { useRunsStore } from '../src/stores/runs-store.js';
import { useUiPrefsStore } from '../src/stores/ui-prefs-store.js';
import { startFakeServer, type FakeServer, type Route } from './support/fake-server.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

const fire = (at: string) => ({ at, local: at.replace('.000Z', '+00:00'), label: `${at} (UTC)` });

function schedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    schedule_id: 'sch-0123456789',
    name: 'Morning',
    tickers: ['ACME', 'GLOBEX'],
    cron: '0 9 * * 1-5',
    timezone: 'UTC',
    missed: 'run_once',
    options: {},
    created_at: '2026-12-07T08:00:00.000Z',
    fires: [],
    next_fire: fire('2026-12-07T09:00:00.000Z'),
    next_fires: [fire('2026-12-07T09:00:00.000Z')],
    last_fire: null,
    running: false,
    ...overrides,
  };
}

let server: FakeServer;
let routes: Record<string, Route>;
let listed: Schedule[];

beforeEach(async () => {
  listed = [schedule()];
  routes = {
    'GET /schedules': () => ({ status: 200, body: { schedules: listed } }),
    'GET /runs': () => ({ status: 200, body: { runs: [] } }),
  };
  server = await startFakeServer(new Proxy({}, { get: (_t, key: string) => routes[key] }) as Record<string, Route>);
  freshStores(server);
});
afterEach(async () => {
  await server.close();
});

describe('checkScheduleForm', () => {
  it('builds a /schedules body from the run form’s fields: tickers, options, cron, zone, name; never a trade date', () => {
    const draft = { ...defaultScheduleForm(), tickers: 'acme globex, ACME', name: ' Open ', timezone: 'Europe/Paris', max_debate_rounds: 2 };
    expect(checkScheduleForm(draft).request).toEqual({
      tickers: 'ACME,GLOBEX',
      analysts: ['market', 'social', 'news', 'fundamentals'],
      max_debate_rounds: 2,
      max_risk_discuss_rounds: 1,
      llm_provider: 'offline',
      offline_latency_ms: 200,
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Paris',
      missed: 'run_once',
      name: 'Open',
    });
  });

  it('names what is missing or wrong and gives no body', () => {
    const check = checkScheduleForm({ ...defaultScheduleForm(), tickers: 'ACME, B@D', cron: ' ', timezone: '', max_risk_discuss_rounds: 11 });
    expect(check.request).toBeNull();
    expect(check.cronError).toMatch(/enter a cron expression/);
    expect(check.timezoneError).toMatch(/enter a time zone/);
    expect(check.tickerErrors.map((e) => e.input)).toEqual(['B@D']);
    expect(check.fieldErrors.max_risk_discuss_rounds).toBe('at most 10 rounds');
  });
});

describe('schedules store', () => {
  it('creates a schedule from the server’s answer and keeps the server’s refusal otherwise', async () => {
    const store = useSchedulesStore();
    await store.refresh();
    expect(store.sorted.map((s) => s.schedule_id)).toEqual(['sch-0123456789']);

    const created = schedule({ schedule_id: 'sch-aaaaaaaaaa', created_at: '2026-12-07T08:30:00.000Z' });
    routes['POST /schedules'] = (_req, body) =>
      (JSON.parse(body) as { cron: string }).cron === 'bad' ? { status: 400, body: { error: 'invalid cron expression "bad"' } } : { status: 201, body: created };
    expect(await store.create({ tickers: 'ACME', cron: 'bad', timezone: 'UTC' })).toBeNull();
    expect(store.createError).toBe('invalid cron expression "bad"');
    expect(await store.create({ tickers: 'ACME', cron: '* * * * *', timezone: 'UTC' })).toEqual(created);
    expect(store.createError).toBeNull();
    expect(store.sorted.map((s) => s.schedule_id)).toEqual(['sch-aaaaaaaaaa', 'sch-0123456789']);
  });

  it('previews the draft’s expression; only the latest answer counts, and a refusal is shown as the reason', async () => {
    const store = useSchedulesStore();
    routes['GET /schedules/preview'] = (req) => {
      const q = new URL(req.url ?? '', 'http://x').searchParams;
      if (q.get('cron') === 'nope') return { status: 400, body: { error: 'invalid cron expression "nope"' } };
      return { status: 200, body: { cron: q.get('cron'), timezone: q.get('timezone'), next_fires: [fire('2026-12-08T09:00:00.000Z')] } };
    };
    store.draft.cron = 'nope';
    const first = store.loadPreview();
    store.draft.cron = '0 9 * * *';
    await Promise.all([first, store.loadPreview()]);
    expect(store.previewError).toBeNull();
    expect(store.preview?.cron).toBe('0 9 * * *');
    store.draft.cron = 'nope';
    await store.loadPreview();
    expect(store.preview).toBeNull();
    expect(store.previewError).toBe('invalid cron expression "nope"');
  });

  it('deletes with DELETE and reads the list again; shows a fired batch on the board', async () => {
    const store = useSchedulesStore();
    routes['DELETE /schedules/sch-0123456789'] = () => {
      listed = [];
      return { status: 200, body: { schedule_id: 'sch-0123456789', deleted: true } };
    };
    await store.refresh();
    await store.remove('sch-0123456789');
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/schedules/sch-0123456789']);
    expect(store.schedules).toEqual([]);

    store.showBatch('batch-20261207-090000-abc');
    expect(useBoardStore().filter.batch).toBe('batch-20261207-090000-abc');
    expect(useUiPrefsStore().view).toBe('board');
    // The runs list is read again (the batch may be newer than it).
    await until(() => useRunsStore().loaded);
  });
});

describe('ScheduleList', () => {
  it('asks before deleting and offers the last batch on the board', async () => {
    const fired = schedule({
      last_fire: { scheduled_for: '2026-12-07T09:00:00.000Z', fired_at: '2026-12-07T09:00:00.000Z', trigger: 'cron', outcome: 'started', reason: null, batch_id: 'b-1', run_ids: ['r1', 'r2'] },
    });
    const wrapper = mount(ScheduleList, { props: { schedules: [fired], error: null, deleteError: null, deletingId: null }, attachTo: document.body });
    expect(wrapper.text()).toContain('2026-12-07 09:00 UTC: started 2 runs');
    await wrapper.find('button.link').trigger('click');
    expect(wrapper.emitted('showBatch')).toEqual([['b-1']]);

    await wrapper.find('[data-test="schedule-delete"]').trigger('click');
    expect(wrapper.emitted('remove')).toBeUndefined();
    const confirm = wrapper.find('.btn-danger');
    expect(confirm.text()).toBe('Delete Morning?');
    expect(document.activeElement).toBe(confirm.element);
    await confirm.trigger('click');
    expect(wrapper.emitted('remove')).toEqual([['sch-0123456789']]);
    wrapper.unmount();
  });
});

import type { Lesson } from '@tradingfloor/shared';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import RunLessons from '../src/components/runs/RunLessons.vue';
import { useLessonsStore } from '../src/stores/lessons-store.js';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { RUN_ID } from './support/fixtures.js';
import { freshStores } from './support/test-transport.js';

const lesson: Lesson = {
  ticker: 'GLOBEX',
  run_id: 'GLOBEX--2024-03-01_10.00.00--abcdef',
  decision_date: '2024-03-01',
  outcome_date: '2024-03-08',
  horizon: 5,
  action: 'BUY',
  rating: 'Buy',
  realised_return: -0.0312,
  decision_return: -0.0312,
  benchmark_return: 0.01,
  alpha: -0.0412,
  situation: 'Market: Signal: bullish',
  text: '**Verdict:** wrong <img src=x onerror=alert(1)>',
  reflected_by: 'offline rule-based model (no LLM)',
};

let server: FakeServer;
let lessonsAnswer: { status: number; body: unknown };
beforeEach(async () => {
  server = await startFakeServer({ [`GET /runs/${RUN_ID}/lessons`]: () => lessonsAnswer });
  freshStores(server);
});
afterEach(async () => {
  await server.close();
});

describe('the lessons a run used', () => {
  it('the store loads them from GET /runs/:id/lessons and the component lists them, markdown rendered and sanitized', async () => {
    lessonsAnswer = { status: 200, body: { run_id: RUN_ID, memory: true, lessons: [lesson] } };
    const store = useLessonsStore();
    await store.load(RUN_ID);
    expect(store.memory).toBe(true);
    expect(store.lessons).toEqual([lesson]);

    const view = mount(RunLessons, { props: { lessons: store.lessons, tradeDate: '2024-03-15', error: store.error } });
    const items = view.findAll('[data-test="lesson"]');
    expect(items).toHaveLength(1);
    expect(items[0]!.text()).toContain('GLOBEX BUY');
    expect(items[0]!.text()).toContain('decision -3.12%');
    expect(items[0]!.text()).toContain('alpha vs SPY -4.12%');
    // Model output: its markdown is rendered, its raw HTML never is.
    expect(items[0]!.find('.text strong').text()).toBe('Verdict:');
    expect(view.find('img').exists()).toBe(false);
    expect(items[0]!.text()).toContain('<img src=x onerror=alert(1)>');
    expect(view.text()).toContain('judged on or before 2024-03-15');
  });

  it('memory off: the store says so and keeps no lessons; a run with none shows the empty note', async () => {
    lessonsAnswer = { status: 200, body: { run_id: RUN_ID, memory: false, lessons: [] } };
    const store = useLessonsStore();
    await store.load(RUN_ID);
    expect(store.memory).toBe(false);
    expect(store.lessons).toEqual([]);
    const view = mount(RunLessons, { props: { lessons: [], tradeDate: '2024-03-15', error: null } });
    expect(view.find('[data-test="no-lessons"]').exists()).toBe(true);
  });

  it('a server without the endpoint (404) counts as memory off; other failures keep the message', async () => {
    lessonsAnswer = { status: 404, body: { error: 'not found' } };
    const store = useLessonsStore();
    await store.load(RUN_ID);
    expect(store.memory).toBe(false);
    lessonsAnswer = { status: 500, body: { error: 'disk on fire' } };
    await store.load(RUN_ID);
    expect(store.error).toMatch(/disk on fire/);
  });
});

describe('refreshing the lessons', () => {
  it('asks again only for a run with memory on', async () => {
    let asked = 0;
    await server.close();
    server = await startFakeServer({
      [`GET /runs/${RUN_ID}/lessons`]: () => {
        asked++;
        return lessonsAnswer;
      },
    });
    freshStores(server);
    const store = useLessonsStore();
    lessonsAnswer = { status: 200, body: { run_id: RUN_ID, memory: false, lessons: [] } };
    await store.load(RUN_ID);
    await store.refresh(RUN_ID);
    expect(asked).toBe(1);
    lessonsAnswer = { status: 200, body: { run_id: RUN_ID, memory: true, lessons: [lesson] } };
    await store.load(RUN_ID);
    await store.refresh(RUN_ID);
    expect(asked).toBe(3);
    expect(store.lessons).toEqual([lesson]);
  });
});

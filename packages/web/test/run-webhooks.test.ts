import { deferred, type WebhookDelivery } from '@tradingfloor/shared';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import RunWebhooks from '../src/components/runs/RunWebhooks.vue';
import { formatTimestamp } from '../src/lib/format.js';
import { useWebhooksStore } from '../src/stores/webhooks-store.js';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { RUN_ID } from './support/fixtures.js';
import { freshStores } from './support/test-transport.js';

const delivered: WebhookDelivery = {
  id: 'msg_0123456789abcdef0123456789abcdef',
  event: 'run.completed',
  target: 'https://hooks.example/tf?token=s3cret',
  outcome: 'delivered',
  attempts: [
    { at: '2026-12-07T08:00:01.000Z', status_code: 503, error: null, duration_ms: 40 },
    { at: '2026-12-07T08:00:03.000Z', status_code: 200, error: null, duration_ms: 25 },
  ],
  next_attempt_at: null,
  created_at: '2026-12-07T08:00:00.000Z',
};
const pending: WebhookDelivery = {
  id: 'msg_fedcba9876543210fedcba9876543210',
  event: 'run.completed',
  target: 'https://user:pw@other.example/hook#frag',
  outcome: 'pending',
  attempts: [{ at: '2026-12-07T08:00:01.000Z', status_code: null, error: 'connect ECONNREFUSED', duration_ms: 3 }],
  next_attempt_at: '2026-12-07T08:00:09.000Z',
  created_at: '2026-12-07T08:00:00.000Z',
};

let server: FakeServer;
let answer: { status: number; body: unknown };
/** The route answers once this settles: a test holds it to answer late. */
let answerGate: Promise<void>;
beforeEach(async () => {
  answerGate = Promise.resolve();
  server = await startFakeServer({
    [`GET /runs/${RUN_ID}/webhooks`]: async () => {
      await answerGate;
      return answer;
    },
  });
  freshStores(server);
});
afterEach(async () => {
  await server.close();
});

describe('the webhook deliveries of a run', () => {
  it('the store loads them from GET /runs/:id/webhooks; the list shows each without the URL’s query or credentials', async () => {
    answer = { status: 200, body: { run_id: RUN_ID, deliveries: [delivered, pending] } };
    const store = useWebhooksStore();
    await store.load(RUN_ID);
    expect(store.deliveries).toEqual([delivered, pending]);

    const view = mount(RunWebhooks, { props: { deliveries: store.deliveries, error: store.error } });
    expect(view.get('h3').text()).toBe('Webhooks');
    const rows = view.findAll('[data-test="webhook-delivery"]').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows).toEqual([
      ['run.completed', 'https://hooks.example/tf', 'delivered', '2', `HTTP 200 in 25 ms · ${formatTimestamp(Date.parse('2026-12-07T08:00:03.000Z'))}`],
      [
        'run.completed',
        'https://other.example/hook',
        `pending · next ${formatTimestamp(Date.parse('2026-12-07T08:00:09.000Z'))}`,
        '1',
        `connect ECONNREFUSED in 3 ms · ${formatTimestamp(Date.parse('2026-12-07T08:00:01.000Z'))}`,
      ],
    ]);
    expect(view.html()).not.toContain('s3cret');
    expect(view.html()).not.toContain('pw@');
  });

  it('a run the server does not know (404) has none; another failure keeps the deliveries shown and says why', async () => {
    answer = { status: 200, body: { run_id: RUN_ID, deliveries: [delivered] } };
    const store = useWebhooksStore();
    await store.load(RUN_ID);
    answer = { status: 500, body: { error: 'disk on fire' } };
    await store.load(RUN_ID);
    expect(store.deliveries).toEqual([delivered]);
    expect(store.error).toMatch(/disk on fire/);
    answer = { status: 404, body: { error: 'no such run' } };
    await store.load(RUN_ID);
    expect(store.deliveries).toEqual([]);
    expect(store.error).toBeNull();
  });

  it('a late answer for a run no longer focused is dropped', async () => {
    const gate = deferred<void>();
    answerGate = gate.promise;
    answer = { status: 200, body: { run_id: RUN_ID, deliveries: [delivered] } };
    const store = useWebhooksStore();
    const late = store.load(RUN_ID);
    await store.load(null);
    gate.resolve();
    await late;
    expect(store.runId).toBeNull();
    expect(store.deliveries).toEqual([]);
  });
});

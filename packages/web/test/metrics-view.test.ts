import { mount, type VueWrapper } from '@vue/test-utils';
import type { ConcurrencyMetrics, QueueSnapshot } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import MetricsView from '../src/components/metrics/MetricsView.vue';
import { useMetricsStore } from '../src/stores/metrics-store.js';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

// The Metrics view against a real HTTP server answering as an embedded or a queue-mode server would.

const LAYERS = [{ key: 'global', limit: 8, effective_limit: 8, in_use: 1, waiting: 0 }];
const PHASES = { runs: 0, phases: {}, by_status: {} };
const NOW = Date.now();
const QUEUE: QueueSnapshot = {
  queue: 'tradingfloor-runs',
  counts: { waiting: 3, active: 2, delayed: 0, prioritized: 1, failed: 0 },
  workers: [
    {
      id: 'box-a:101:aa11',
      host: 'box-a',
      pid: 101,
      concurrency: 2,
      runs: ['run-one', 'run-two'],
      started_at: NOW - 60_000,
      last_seen: NOW - 1_500,
    },
    { id: 'box-b:202:bb22', host: 'box-b', pid: 202, concurrency: 4, runs: [], started_at: NOW - 30_000, last_seen: NOW - 40_000 },
  ],
};

let server: FakeServer | undefined;
let view: VueWrapper | undefined;
afterEach(async () => {
  view?.unmount();
  view = undefined;
  await server?.close();
});

/** Mounts the view against a server whose `/metrics/concurrency` answers `concurrency`; resolves once it is shown. */
async function mountWith(concurrency: ConcurrencyMetrics): Promise<VueWrapper> {
  server = await startFakeServer({
    'GET /metrics/concurrency': () => ({ status: 200, body: concurrency }),
    'GET /metrics/phases': () => ({ status: 200, body: PHASES }),
  });
  const pinia = freshStores(server);
  view = mount(MetricsView, { global: { plugins: [pinia] } });
  const metrics = useMetricsStore();
  await until(() => metrics.concurrency !== null);
  await view.vm.$nextTick();
  return view;
}

describe('MetricsView', () => {
  it('an embedded server: no workers section, the limiter as before', async () => {
    const w = await mountWith({ layers: LAYERS });
    expect(w.find('[data-test="workers-section"]').exists()).toBe(false);
    expect(w.text()).not.toContain('Workers');
    expect(w.find('table.limiter tbody').text()).toContain('global');
  });

  it('a queue-mode server: the queue’s job counts and one row per worker with its runs, concurrency and age', async () => {
    const w = await mountWith({ layers: LAYERS, queue: QUEUE });
    const section = w.get('[data-test="workers-section"]');
    expect(section.get('h2').text()).toBe('Workers (2 alive)');
    expect(section.get('[data-test="queue-waiting"]').text()).toBe('3 Waiting');
    expect(section.get('[data-test="queue-active"]').text()).toBe('2 Active');
    expect(section.get('[data-test="queue-prioritized"]').text()).toBe('1 Prioritized');
    const rows = section.findAll('[data-test="worker-row"]').map((r) => r.findAll('th, td').map((c) => c.text()));
    // Ages are measured from the moment the snapshot was fetched, which is after NOW.
    expect(rows).toHaveLength(2);
    expect([rows[0]![0], rows[0]![1], rows[0]![3]]).toEqual(['box-a:101:aa11', 'box-a', '2 / 2']);
    expect(rows[0]![4]).toMatch(/^\d+\.\d s ago$/);
    expect(rows[1]!.slice(0, 4)).toEqual(['box-b:202:bb22', 'box-b', 'idle', '0 / 4']);
    expect(rows[1]![4]).toMatch(/^4\d s ago$/);
    expect(
      section
        .findAll('[data-test="worker-row"]')[0]!
        .findAll('li')
        .map((li) => li.text()),
    ).toEqual(['run-one', 'run-two']);
  });

  it('a queue-mode server whose Redis is down: says so, with no counts and no workers', async () => {
    const w = await mountWith({
      layers: LAYERS,
      queue: { queue: 'tradingfloor-runs', counts: null, workers: [], error: 'Redis does not answer (connection reconnecting)' },
    });
    const section = w.get('[data-test="workers-section"]');
    expect(section.get('[role="alert"]').text()).toBe('The queue’s Redis does not answer: Redis does not answer (connection reconnecting)');
    expect(section.find('[data-test="queue-waiting"]').exists()).toBe(false);
    expect(section.text()).toContain('No worker is alive');
  });
});

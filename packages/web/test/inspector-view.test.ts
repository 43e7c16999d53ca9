import { mount, type VueWrapper } from '@vue/test-utils';
import { deferred } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { h, nextTick } from 'vue';
import InspectorView from '../src/components/inspector/InspectorView.vue';
import StatechartDiagram from '../src/components/inspector/StatechartDiagram.vue';
import { activeStateIds } from '../src/lib/state-value.js';
import { useInspectorStore } from '../src/stores/inspector-store.js';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { initRun, RUN_ID } from './support/fixtures.js';
import { MACHINE, runRecords } from './support/inspection-fixtures.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

let server: FakeServer;
let wrapper: VueWrapper | undefined;

const activeIn = (w: VueWrapper) => w.findAll('[data-test="statechart"] .state.active').map((g) => g.attributes('data-state-id'));
const leafIds = (w: VueWrapper) => w.findAll('[data-test="statechart"] .state.leaf').map((g) => g.attributes('data-state-id'));

beforeEach(async () => {
  const records = runRecords();
  server = await startFakeServer({
    'GET /machine': () => ({ status: 200, body: MACHINE }),
    [`GET /runs/${RUN_ID}/inspect`]: () => ({
      status: 200,
      body: { run_id: RUN_ID, session: 'aaaa0001', records, returned: records.length, last_seq: 8, total_seq: 8, first_seq: 1 },
    }),
  });
  freshStores(server);
});
afterEach(async () => {
  wrapper?.unmount();
  wrapper = undefined;
  await server.close();
});

describe('StatechartDiagram', () => {
  it('draws every state of the real machine definition from the ELK layout and highlights the active ones', async () => {
    const laidOut = new Promise<void>((resolve) => {
      wrapper = mount(StatechartDiagram, {
        props: { definition: MACHINE, activeIds: activeStateIds('run', { in_progress: { research_debate: 'bear' } }), onLaidOut: resolve },
      });
    });
    await laidOut;
    await nextTick();
    const all = wrapper!.findAll('[data-test="statechart"] .state').map((g) => g.attributes('data-state-id'));
    const expected: string[] = [];
    const walk = (n: typeof MACHINE.root) => (expected.push(n.id), n.states.forEach(walk));
    walk(MACHINE.root);
    expect(new Set(all)).toEqual(new Set(expected));
    // Containers hold their children: the bear state lies inside research_debate's box.
    const box = (id: string) => {
      const rect = wrapper!.find(`[data-state-id="${id}"] rect`);
      return ['x', 'y', 'width', 'height'].map((k) => Number(rect.attributes(k)));
    };
    const [px, py, pw, ph] = box('run.in_progress.research_debate');
    const [cx, cy, cw, ch] = box('run.in_progress.research_debate.bear');
    expect(cx! >= px! && cy! >= py! && cx! + cw! <= px! + pw! && cy! + ch! <= py! + ph!).toBe(true);
    expect(activeIn(wrapper!)).toEqual([
      'run',
      'run.in_progress',
      'run.in_progress.research_debate',
      'run.in_progress.research_debate.bear',
    ]);
    expect(wrapper!.find('[data-test="active-states"]').text()).toContain('in_progress.research_debate.bear');
    // Labelled transitions are drawn as paths; the parallel analysts' regions are dashed containers.
    expect(wrapper!.findAll('.edge path').length).toBeGreaterThan(20);
    expect(wrapper!.findAll('.edge-label').map((t) => t.text())).toContain('START');
    expect(wrapper!.findAll('.state.region').map((g) => g.attributes('data-state-id'))).toContain('run.in_progress.analysts.market');
  });
});

describe('InspectorView', () => {
  it('highlights the live state, and the state at an event selected in the timeline', async () => {
    const drawn = deferred();
    wrapper = mount({ render: () => h(InspectorView, { runId: RUN_ID, onDiagramReady: () => drawn.resolve() }) });
    const peer = await server.nextPeer();
    // The run's own focused socket: the inspector subscribes on it once it is open.
    expect(peer.url.searchParams.has('inspect')).toBe(false);
    peer.send(initRun());
    expect(await peer.nextMessage()).toEqual({ action: 'inspect_start' });
    peer.send({ type: 'inspect_snapshot_run', run_id: RUN_ID, seq: 0, session: 'aaaa0001', records: runRecords() });
    const store = useInspectorStore();
    await until(() => store.ready && !store.loading);
    await drawn.promise;
    await nextTick();
    expect(activeIn(wrapper!)).toContain('run.in_progress.research_debate.bull');
    expect(leafIds(wrapper!).length).toBeGreaterThan(30);

    const rows = wrapper!.findAll('.timeline .row');
    expect(rows.map((r) => r.find('.event').text())).toEqual([
      'xstate.init',
      'START',
      'xstate.done.actor.0.run.in_progress.analysts.market.running',
    ]);
    expect(rows[2]!.find('.target').text()).toBe('→ run');
    await rows[1]!.trigger('click');
    expect(activeIn(wrapper!)).toEqual(
      expect.arrayContaining(['run.in_progress.analysts.market.running', 'run.in_progress.analysts.social.skipped']),
    );
    expect(activeIn(wrapper!)).not.toContain('run.in_progress.research_debate.bull');
    expect(wrapper!.find('[data-test="shown-at"]').text()).toContain('START');
    await rows[0]!.trigger('click');
    expect(activeIn(wrapper!)).toEqual(['run', 'run.pending']);

    // Live again: a new record moves the highlight once "Follow live" is pressed.
    peer.send({
      type: 'inspect_append_run',
      run_id: RUN_ID,
      seq: 1,
      session: 'aaaa0001',
      records: [
        { seq: 9, ts: 1_700_000_009_000, type: '@xstate.snapshot', actor: 'x:0', state: { in_progress: { research_debate: 'bear' } } },
      ],
    });
    await until(() => store.records.length === 9);
    await nextTick();
    expect(activeIn(wrapper!)).toEqual(['run', 'run.pending']);
    await wrapper!
      .findAll('button')
      .find((b) => b.text() === 'Follow live')!
      .trigger('click');
    expect(activeIn(wrapper!)).toContain('run.in_progress.research_debate.bear');
  });
});

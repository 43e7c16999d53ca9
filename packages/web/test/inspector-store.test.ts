import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useInspectorStore } from '../src/stores/inspector-store.js';
import { useRunStreamStore } from '../src/stores/run-stream-store.js';
import { startFakeServer, type FakeServer, type Peer } from './support/fake-server.js';
import { initRun, RUN_ID } from './support/fixtures.js';
import { BULL, MACHINE, record, runRecords } from './support/inspection-fixtures.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

let server: FakeServer;
let store: ReturnType<typeof useInspectorStore>;
/** What `GET /runs/:id/inspect` answers in the current test. */
let page = { session: 'aaaa0001' as string | null, records: runRecords() };

const append = (seq: number, session: string, records: ReturnType<typeof runRecords>) => ({
  type: 'inspect_append_run',
  run_id: RUN_ID,
  seq,
  session,
  records,
});

/** Focuses the run, lets the REST page land, then answers the store's `inspect_start` at inspect seq 4. */
async function connected(): Promise<Peer> {
  store.focus(RUN_ID);
  const peer = await server.nextPeer();
  // The run's own focused socket (no `inspect=1`): the store subscribes on it once it is open.
  expect(peer.url.searchParams.has('inspect')).toBe(false);
  expect(await peer.nextMessage()).toEqual({ action: 'inspect_start' });
  peer.send(initRun());
  await until(() => !store.loading);
  expect(store.ready).toBe(false); // the run's init_run says nothing about the inspection stream
  peer.send({ type: 'inspect_snapshot_run', run_id: RUN_ID, seq: 4, session: page.session, records: page.records });
  await until(() => store.ready && !store.dumpPending);
  return peer;
}

/** The next message the client sends with this action, skipping the run stream's own (`log_dump`, …). */
async function nextAction(peer: Peer, action: string): Promise<unknown> {
  for (;;) {
    const msg = await peer.nextMessage();
    if ((msg as { action?: string }).action === action) return msg;
  }
}

beforeEach(async () => {
  page = { session: 'aaaa0001', records: runRecords() };
  server = await startFakeServer({
    'GET /machine': () => ({ status: 200, body: MACHINE }),
    [`GET /runs/${RUN_ID}/inspect`]: () => ({
      status: 200,
      body: {
        run_id: RUN_ID,
        ...page,
        returned: page.records.length,
        last_seq: page.records.length,
        total_seq: page.records.length,
        first_seq: 1,
      },
    }),
  });
  freshStores(server);
  store = useInspectorStore();
});
afterEach(async () => {
  store.focus(null);
  await server.close();
});

describe('inspector store', () => {
  it('loads the machine and the first page, then appends the stream in order', async () => {
    const peer = await connected();
    await until(() => store.machine !== null);
    expect(store.machine?.root.id).toBe('run');
    expect(store.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(store.shownState).toEqual(BULL);
    peer.send(append(5, 'aaaa0001', [record(9, '@xstate.event', { event: 'CANCEL', state: BULL })]));
    await until(() => store.inspectSeq === 5);
    expect(store.records.at(-1)?.seq).toBe(9);
    expect(store.timeline.at(-1)?.event).toBe('CANCEL');
    // Repeated or older messages change nothing.
    peer.send(append(5, 'aaaa0001', [record(9, '@xstate.event', { event: 'DUPLICATE' })]));
    peer.send(append(6, 'aaaa0001', [record(10, '@xstate.snapshot', { state: 'canceled' })]));
    await until(() => store.inspectSeq === 6);
    expect(store.records.map((r) => r.event ?? r.type).filter((e) => e === 'DUPLICATE')).toEqual([]);
    expect(store.dumpCount).toBe(1);
  });

  it('a gap in the stream asks for inspect_dump and ignores appends until the snapshot answers', async () => {
    const peer = await connected();
    peer.send(append(7, 'aaaa0001', [record(11, '@xstate.event', { event: 'LATE' })])); // 5 and 6 were missed
    expect(await peer.nextMessage()).toEqual({ action: 'inspect_dump' });
    expect(store.dumpPending).toBe(true);
    const all = [
      ...runRecords(),
      record(9, '@xstate.event', { event: 'A' }),
      record(10, '@xstate.snapshot'),
      record(11, '@xstate.event', { event: 'LATE' }),
    ];
    peer.send({ type: 'inspect_snapshot_run', run_id: RUN_ID, seq: 7, session: 'aaaa0001', records: all });
    await until(() => !store.dumpPending);
    expect(store.inspectSeq).toBe(7);
    expect(store.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(store.dumpCount).toBe(2);
  });

  it('a hole in the records’ own seqs also asks for a dump', async () => {
    const peer = await connected();
    peer.send(append(5, 'aaaa0001', [record(12, '@xstate.event', { event: 'AFTER_HOLE' })]));
    expect(await peer.nextMessage()).toEqual({ action: 'inspect_dump' });
  });

  it('a new session (the run was resumed) starts the records over, and asks for a dump when its start is missing', async () => {
    const peer = await connected();
    store.select(4);
    peer.send(append(5, 'bbbb0002', [record(1, '@xstate.actor', { src: 'run' }), record(2, '@xstate.event', { event: 'xstate.init' })]));
    await until(() => store.session === 'bbbb0002');
    expect(store.records.map((r) => r.seq)).toEqual([1, 2]);
    expect(store.sessionResets).toBe(1);
    expect(store.selectedSeq).toBeNull(); // that record belonged to the old session
    expect(store.dumpCount).toBe(1);

    peer.send(append(6, 'cccc0003', [record(5, '@xstate.event', { event: 'MID' })])); // records 1–4 of it missed
    expect(await peer.nextMessage()).toEqual({ action: 'inspect_dump' });
    expect(store.sessionResets).toBe(2);
  });

  it('a run without records (read from disk) has no session and an empty timeline', async () => {
    page = { session: null, records: [] };
    store.focus(RUN_ID);
    const peer = await server.nextPeer();
    expect(await peer.nextMessage()).toEqual({ action: 'inspect_start' });
    await until(() => !store.loading);
    peer.send({ type: 'inspect_snapshot_run', run_id: RUN_ID, seq: 0, session: null, records: [] });
    await until(() => store.ready && !store.dumpPending);
    expect(store.session).toBeNull();
    expect(store.timeline).toEqual([]);
    expect(store.shownState).toBeNull();
  });

  it('shares the run stream’s socket: one connection, inspect_start on it, inspect_stop when the inspector leaves', async () => {
    const runStream = useRunStreamStore();
    runStream.focus(RUN_ID);
    const peer = await server.nextPeer();
    peer.send(initRun());
    await until(() => runStream.ready);
    store.focus(RUN_ID);
    expect(await nextAction(peer, 'inspect_start')).toEqual({ action: 'inspect_start' });
    peer.send({ type: 'inspect_snapshot_run', run_id: RUN_ID, seq: 4, session: page.session, records: page.records });
    await until(() => store.ready && !store.loading);
    // The records ride on the run's socket and the run stream ignores them (no resync, no error).
    peer.send(append(5, 'aaaa0001', [record(9, '@xstate.event', { event: 'CANCEL', state: BULL })]));
    await until(() => store.inspectSeq === 5);
    expect([runStream.resyncCount, runStream.protocolErrors]).toEqual([0, []]);
    store.focus(null);
    expect(await nextAction(peer, 'inspect_stop')).toEqual({ action: 'inspect_stop' });
    expect(runStream.connection.state).toBe('open'); // still the run stream's
    expect(peer.socket.readyState).toBe(peer.socket.OPEN);
    runStream.focus(null);
  });

  it('subscribes again on every reconnect (a new connection has forgotten inspect_start)', async () => {
    const first = await connected();
    first.socket.terminate();
    const second = await server.nextPeer();
    expect(await second.nextMessage()).toEqual({ action: 'inspect_start' });
    expect(store.ready).toBe(false);
    second.send({
      type: 'inspect_snapshot_run',
      run_id: RUN_ID,
      seq: 6,
      session: 'aaaa0001',
      records: [...runRecords(), record(9, '@xstate.event', { event: 'A' })],
    });
    await until(() => store.ready && store.inspectSeq === 6);
    second.send(append(7, 'aaaa0001', [record(10, '@xstate.snapshot', { state: 'canceled' })]));
    await until(() => store.records.at(-1)?.seq === 10);
  });
});

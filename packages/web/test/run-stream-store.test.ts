import { findNode } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useRunStreamStore } from '../src/stores/run-stream-store.js';
import { startFakeServer, type FakeServer, type Peer } from './support/fake-server.js';
import { DECISION, initRun, logEntry, node, RUN_ID, smallTree } from './support/fixtures.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

const CHART = {
  ticker: 'ACME',
  trade_date: '2025-01-31',
  bars: [{ date: '2025-01-31', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }],
  indicators: {},
};
let server: FakeServer;
let store: ReturnType<typeof useRunStreamStore>;

/** Focuses the run, answers its opening `log_dump` with an empty log, and returns the server side. */
async function connected(init = initRun()): Promise<Peer> {
  store.focus(RUN_ID);
  const peer = await server.nextPeer();
  expect(peer.url.searchParams.get('run_id')).toBe(RUN_ID);
  peer.send(init);
  expect(await peer.nextMessage()).toEqual({ action: 'log_dump' });
  peer.send({ type: 'log_snapshot_run', run_id: RUN_ID, seq: init.log_seq, entries: [] });
  await until(() => store.ready && !store.logDumpPending);
  return peer;
}

const statusPatch = (seq: number, changed: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'status_patch_run',
  run_id: RUN_ID,
  seq,
  changed,
  overall_progress: seq * 10,
  status: 'in_progress',
  ...extra,
});
const fields = (id: string, status: string, extra: Record<string, unknown> = {}) => {
  const { children: _c, ...rest } = node(id, 'agent');
  return { ...rest, status, ...extra };
};

beforeEach(async () => {
  // The chart is fetched on focus too; answer it so the run's other traffic is all these tests see.
  server = await startFakeServer({ [`GET /runs/${RUN_ID}/chart`]: () => ({ status: 200, body: CHART }) });
  freshStores(server);
  store = useRunStreamStore();
});
afterEach(async () => {
  store.focus(null);
  await server.close();
});

describe('run stream store', () => {
  it('applies init_run, then status, content and terminal updates in seq order', async () => {
    const peer = await connected();
    expect(store.tree.map((n) => n.id)).toEqual(['analysts', 'trader']);

    peer.send(statusPatch(1, [{ ...fields('analysts', 'in_progress'), node_type: 'phase', started_at: 1000 }]));
    peer.send(
      statusPatch(2, [{ ...node('analysts.news', 'agent', [node('analysts.news.report', 'report')]), parent_id: 'analysts', index: 1 }]),
    );
    peer.send({
      type: 'content_patch_run',
      run_id: RUN_ID,
      seq: 1,
      patches: [{ id: 'analysts.market.report', mode: 'append', text: '# Market\n' }],
    });
    peer.send({
      type: 'content_patch_run',
      run_id: RUN_ID,
      seq: 2,
      patches: [{ id: 'analysts.market.report', mode: 'append', text: 'Uptrend.' }],
    });
    peer.send({
      type: 'status_update_run',
      run_id: RUN_ID,
      ticker: 'ACME',
      status: 'completed',
      overall_progress: 100,
      seq: 3,
      final_decision: DECISION,
    });
    await until(() => store.status === 'completed');

    expect(findNode(store.tree, 'analysts')).toMatchObject({ status: 'in_progress', started_at: 1000 });
    expect(store.tree[0]!.children.map((c) => c.id)).toEqual(['analysts.market', 'analysts.news']);
    expect(store.contents['analysts.market.report']).toBe('# Market\nUptrend.');
    expect(store.decision?.action).toBe('BUY');
    expect([store.seq, store.contentSeq, store.progress]).toEqual([3, 2, 100]);
    expect(store.resyncCount).toBe(0);
  });

  it('asks for a resync on a status seq gap, ignores patches until the snapshot, then resumes from it', async () => {
    const peer = await connected();
    peer.send(statusPatch(1, [fields('analysts.market', 'in_progress')]));
    peer.send(statusPatch(3, [fields('analysts.market', 'completed')])); // seq 2 lost
    expect(await peer.nextMessage()).toEqual({ action: 'resync' });
    expect(store.resyncPending).toBe(true);
    peer.send(statusPatch(4, [fields('trader.trader', 'in_progress')])); // arrives before the snapshot: ignored

    const authoritative = smallTree();
    authoritative[0]!.children[0]!.status = 'completed';
    authoritative[1]!.children[0]!.status = 'in_progress';
    peer.send({
      ...initRun(),
      type: 'run_snapshot',
      execution_tree: authoritative,
      seq: 4,
      content_seq: 1,
      contents: { 'analysts.market.report': 'full text' },
    });
    await until(() => !store.resyncPending);
    expect(store.tree).toEqual(authoritative);
    expect(store.contents).toEqual({ 'analysts.market.report': 'full text' });
    expect([store.seq, store.contentSeq]).toEqual([4, 1]);

    peer.send(statusPatch(5, [fields('trader.trader', 'completed')]));
    await until(() => store.seq === 5);
    expect(findNode(store.tree, 'trader.trader')?.status).toBe('completed');
    expect(store.resyncCount).toBe(1);
  });

  it('asks again after the server refused a resync as too many, once the named wait is over', async () => {
    const peer = await connected();
    peer.send(statusPatch(2, [fields('analysts.market', 'in_progress')])); // seq 1 lost
    expect(await peer.nextMessage()).toEqual({ action: 'resync' });
    peer.send({ type: 'error', message: 'too many resync requests on this connection: try again in 0.05 s' });
    // The request is still pending and is sent again by itself (no new gap needed).
    expect(await peer.nextMessage()).toEqual({ action: 'resync' });
    expect(store.resyncPending).toBe(true);
    peer.send({ ...initRun(), type: 'run_snapshot', seq: 2 });
    await until(() => !store.resyncPending);
    expect(store.seq).toBe(2);
  });

  it('asks for a resync on a content seq gap and drops repeated seqs', async () => {
    const peer = await connected();
    const append = (seq: number, text: string) => ({
      type: 'content_patch_run',
      run_id: RUN_ID,
      seq,
      patches: [{ id: 'analysts.market.report', mode: 'append', text }],
    });
    peer.send(append(1, 'a'));
    peer.send(append(1, 'a')); // a repeat is not applied twice
    peer.send(append(3, 'c'));
    expect(await peer.nextMessage()).toEqual({ action: 'resync' });
    expect(store.contents['analysts.market.report']).toBe('a');
    peer.send({ ...initRun(), type: 'run_snapshot', contents: { 'analysts.market.report': 'abc' }, content_seq: 3 });
    await until(() => !store.resyncPending);
    expect(store.contents['analysts.market.report']).toBe('abc');
  });

  it('resyncs when a patch names a parent it has never seen', async () => {
    const peer = await connected();
    peer.send(statusPatch(1, [{ ...node('risk.x', 'agent'), parent_id: 'risk', index: 0 }]));
    expect(await peer.nextMessage()).toEqual({ action: 'resync' });
    expect(store.seq).toBe(0);
  });

  it('asks for a log_dump on a log seq gap and replaces the log with the snapshot', async () => {
    const peer = await connected();
    peer.send({ type: 'log_append_run', run_id: RUN_ID, seq: 1, entries: [logEntry(1)] });
    peer.send({ type: 'log_append_run', run_id: RUN_ID, seq: 3, entries: [logEntry(4)] }); // seq 2 lost
    expect(await peer.nextMessage()).toEqual({ action: 'log_dump' });
    expect(store.logs.map((e) => e.seq)).toEqual([1]);
    peer.send({ type: 'log_snapshot_run', run_id: RUN_ID, seq: 3, entries: [1, 2, 3, 4].map((n) => logEntry(n)) });
    await until(() => !store.logDumpPending);
    expect(store.logs.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    peer.send({ type: 'log_append_run', run_id: RUN_ID, seq: 4, entries: [logEntry(5)] });
    await until(() => store.logSeq === 4);
    expect(store.logs.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(store.logDumpCount).toBe(2); // the opening dump and the gap
  });

  it('reconnects after a drop and takes the new init_run as the whole state', async () => {
    const first = await connected();
    first.send(statusPatch(1, [fields('analysts.market', 'in_progress')]));
    await until(() => store.seq === 1);
    first.socket.terminate();

    const second = await server.nextPeer();
    const later = smallTree();
    later[0]!.status = 'completed';
    second.send(
      initRun({
        execution_tree: later,
        seq: 7,
        content_seq: 2,
        log_seq: 5,
        contents: { 'analysts.market.report': 'done' },
        overall_progress: 60,
      }),
    );
    expect(await second.nextMessage()).toEqual({ action: 'log_dump' });
    await until(() => store.seq === 7);
    expect(store.tree).toEqual(later);
    expect(store.progress).toBe(60);
    expect(store.connection.state).toBe('open');
  });

  it('stops reconnecting when the server says the run does not exist', async () => {
    store.focus(RUN_ID);
    const peer = await server.nextPeer();
    peer.send({ type: 'error', message: 'Run not found' });
    await until(() => store.notFound);
    await peer.closed.promise;
    expect(store.connection.state).toBe('closed');
  });

  /** Whether the client connects again within `ms` (the test backoff waits at most 20 ms). */
  const reconnectsWithin = (ms: number) =>
    Promise.race([
      server.nextPeer().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
    ]);

  it.each([
    [4400, 'invalid run_id', false],
    [4404, 'Run not found', true],
    [4410, 'Run removed', true],
  ])('stops reconnecting after close code %i and shows the reason', async (code, reason, gone) => {
    store.focus(RUN_ID);
    const peer = await server.nextPeer();
    peer.socket.close(code, reason);
    await peer.closed.promise;
    expect(await reconnectsWithin(200)).toBe(false);
    expect(store.connection).toMatchObject({ state: 'closed', closeCode: code, closeReason: reason });
    expect(store.closedReason).toBe(reason);
    expect(store.notFound).toBe(gone);
  });

  it.each([
    ['a dropped connection (1006)', (peer: Peer) => peer.socket.terminate()],
    ['a server going away (1001)', (peer: Peer) => peer.socket.close(1001, 'restarting')],
  ])('still reconnects after %s', async (_name, drop) => {
    store.focus(RUN_ID);
    drop(await server.nextPeer());
    expect(await reconnectsWithin(2000)).toBe(true);
    expect(store.closedReason).toBeNull();
    expect(store.notFound).toBe(false);
  });

  it('ignores frames that are not valid server messages and keeps going', async () => {
    const peer = await connected();
    peer.socket.send('not json');
    peer.send({ type: 'status_patch_run', run_id: RUN_ID, seq: 'one' });
    peer.send(statusPatch(1, [fields('analysts.market', 'in_progress')]));
    await until(() => store.seq === 1);
    expect(store.protocolErrors).toHaveLength(2);
    expect(store.resyncCount).toBe(0);
  });
});

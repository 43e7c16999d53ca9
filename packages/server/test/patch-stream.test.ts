import { applyStatusPatch, type ChangedNode, type ServerMessage, type TreeNode } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HubClient } from '../src/ws/hub-client.js';
import { RunPatchStream } from '../src/ws/patch-stream.js';
import { FocusedView } from '../../../tests/support/focused-view.js';
import { WsRecorder } from '../../../tests/support/ws-recorder.js';
import { fakeDecision } from './support/fake-run-manager.js';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

const focused = (runId: string) => WsRecorder.connect(`${t.wsUrl}?run_id=${runId}`);

describe('focused patch streams', () => {
  it('sends init_run, then status, content and log patches with per-stream seqs', async () => {
    const { run_id } = t.manager.create('ACME');
    const ws = await focused(run_id);
    const init = await ws.next('init_run');
    expect(init).toMatchObject({ run_id, ticker: 'ACME', status: 'pending', seq: 0, content_seq: 0, log_seq: 0, contents: {} });

    t.manager.update(run_id, { status: 'in_progress', progress: 10, node: { id: 'analysts.market', status: 'in_progress' } });
    const patch = await ws.next('status_patch_run');
    expect(patch).toMatchObject({ seq: 1, status: 'in_progress', overall_progress: 10 });
    // An existing node comes as its id and the fields that moved (not its name, type or end, which did not).
    expect(patch.changed).toEqual([{ id: 'analysts.market', status: 'in_progress', started_at: expect.any(Number) }]);

    t.manager.setContent(run_id, 'analysts.market.report', 'Trend ');
    expect((await ws.next('content_patch_run')).patches).toEqual([{ id: 'analysts.market.report', mode: 'append', text: 'Trend ' }]);
    const at = ws.messages.length;
    t.manager.setContent(run_id, 'analysts.market.report', 'Rewritten');
    expect(await ws.next('content_patch_run', at)).toMatchObject({
      seq: 2,
      patches: [{ id: 'analysts.market.report', mode: 'replace', content: 'Rewritten' }],
    });

    const entry = t.manager.log(run_id, 'called get_bars');
    expect(await ws.next('log_append_run')).toEqual({ type: 'log_append_run', run_id, seq: 1, entries: [entry] });
    await ws.close();
  });

  it('sends a log line within the log window, cutting a change’s longer window short, and the change rides along', async () => {
    const { run_id } = t.manager.create('ACME');
    const sent: ServerMessage[] = [];
    const client = { send: (m: ServerMessage) => sent.push(m), sendRaw: (json: string | Buffer) => sent.push(JSON.parse(json.toString()) as ServerMessage) };
    const stream = new RunPatchStream(run_id, t.manager, { flushDelayMs: 60_000, logFlushDelayMs: 0, maxPendingLogs: 200 });
    stream.subscribe(client as unknown as HubClient);
    t.manager.update(run_id, { status: 'in_progress', progress: 10 });
    stream.onChanged(); // a flush a minute away
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sent.map((m) => m.type)).toEqual(['init_run']);
    const entry = t.manager.log(run_id, 'called get_bars');
    stream.onLog(entry); // moves the flush up to the next turn
    await vi.waitFor(() => expect(sent.map((m) => m.type)).toEqual(['init_run', 'status_patch_run', 'log_append_run']));
    expect(sent[2]).toMatchObject({ seq: 1, entries: [entry] });
    stream.dispose();
  });

  it('sends a log line after a quiet spell at once, and lines after a flush no sooner than the log window after it', () => {
    const { run_id } = t.manager.create('ACME');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
    try {
      const sent: ServerMessage[] = [];
      const client = { send: (m: ServerMessage) => sent.push(m), sendRaw: (json: string | Buffer) => sent.push(JSON.parse(json.toString()) as ServerMessage) };
      const stream = new RunPatchStream(run_id, t.manager, { flushDelayMs: 60_000, logFlushDelayMs: 50, maxPendingLogs: 200 });
      stream.subscribe(client as unknown as HubClient);
      const logs = () => sent.flatMap((m) => (m.type === 'log_append_run' ? [m.entries.map((e) => e.message)] : []));
      stream.onLog(t.manager.log(run_id, 'first'));
      stream.onLog(t.manager.log(run_id, 'same turn'));
      expect(logs()).toEqual([]); // not inside the turn that logged: what arrives together goes together
      vi.advanceTimersByTime(0);
      expect(logs()).toEqual([['first', 'same turn']]);
      // Right after a flush the window holds: one message for the lines of the next 50 ms.
      stream.onLog(t.manager.log(run_id, 'second'));
      vi.advanceTimersByTime(30);
      stream.onLog(t.manager.log(run_id, 'third'));
      vi.advanceTimersByTime(19);
      expect(logs()).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(logs()).toEqual([['first', 'same turn'], ['second', 'third']]);
      // Quiet again for longer than the window: the next line does not wait.
      vi.advanceTimersByTime(200);
      stream.onLog(t.manager.log(run_id, 'later'));
      vi.advanceTimersByTime(0);
      expect(logs().at(-1)).toEqual(['later']);
      expect(sent.filter((m) => m.type === 'log_append_run').map((m) => m.seq)).toEqual([1, 2, 3]);
      stream.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends tree changes handed to onChanged, merged, instead of diffing the tree again', () => {
    const { run_id } = t.manager.create('ACME');
    const sent: ServerMessage[] = [];
    const client = { send: (m: ServerMessage) => sent.push(m), sendRaw: (json: string | Buffer) => sent.push(JSON.parse(json.toString()) as ServerMessage) };
    const stream = new RunPatchStream(run_id, t.manager, { flushDelayMs: 1000, maxPendingLogs: 200 });
    stream.subscribe(client as unknown as HubClient);
    const changes: ChangedNode[] = [];
    const carry = t.manager.subscribe((e) => {
      if (e.type === 'changed' && e.tree_changes) changes.push(...e.tree_changes);
    });
    // The trader changes first, then the analysts (which come first in tree order).
    t.manager.update(run_id, { node: { id: 'trader', status: 'in_progress' } }, { carry: true });
    t.manager.update(run_id, { node: { id: 'analysts', status: 'in_progress' } }, { carry: true });
    t.manager.update(run_id, { node: { id: 'trader', status: 'completed' } }, { carry: true });
    carry();
    stream.onChanged(changes);
    stream.flush();
    stream.dispose();
    const patch = sent.find((m) => m.type === 'status_patch_run');
    // Carried order (a diff would list the tree's order: analysts first); one entry per node, the latest fields.
    expect(patch?.type === 'status_patch_run' && patch.changed).toEqual([
      { id: 'trader', status: 'completed', started_at: expect.any(Number) },
      { id: 'analysts', status: 'in_progress', started_at: expect.any(Number) },
    ]);
    const init = sent[0]!;
    expect(init.type === 'init_run' && patch?.type === 'status_patch_run' && applyStatusPatch(init.execution_tree, patch.changed)).toEqual(
      t.manager.get(run_id)!.tree,
    );
  });

  it('coalesces a burst of appends into one content patch', async () => {
    const { run_id } = t.manager.create('ACME');
    const ws = await focused(run_id);
    await ws.next('init_run');
    // All in one synchronous burst: the flush comes after, once.
    for (const word of ['a', 'b', 'c', 'd']) t.manager.appendContent(run_id, 'trader.trader.report', word);
    for (let i = 0; i < 3; i++) t.manager.log(run_id, `line ${i}`);
    const patch = await ws.next('content_patch_run');
    const logs = await ws.next('log_append_run');
    expect(patch).toMatchObject({ seq: 1, patches: [{ id: 'trader.trader.report', mode: 'append', text: 'abcd' }] });
    expect(logs.entries.map((e) => e.message)).toEqual(['line 0', 'line 1', 'line 2']);
    await ws.close();
  });

  it('gives every subscriber the same seqs; joining and leaving never resets them', async () => {
    const { run_id } = t.manager.create('ACME');
    const a = await focused(run_id);
    await a.next('init_run');
    t.manager.update(run_id, { progress: 5 });
    await a.waitFor((m) => m.type === 'status_patch_run' && m.seq === 1);

    const b = await focused(run_id);
    expect(await b.next('init_run')).toMatchObject({ seq: 1, overall_progress: 5 });
    await b.close();
    const c = await focused(run_id);
    expect(await c.next('init_run')).toMatchObject({ seq: 1 });

    t.manager.update(run_id, { progress: 6 });
    const [pa, pc] = await Promise.all([a.waitFor((m) => m.type === 'status_patch_run' && m.seq === 2), c.next('status_patch_run')]);
    expect(pa).toEqual(pc);
    await Promise.all([a.close(), c.close()]);
  });

  it('gives a late joiner the current contents and a resync snapshot that bumps nothing', async () => {
    const { run_id } = t.manager.create('ACME');
    t.manager.update(run_id, { status: 'in_progress', node: { id: 'analysts', status: 'in_progress' } });
    t.manager.setContent(run_id, 'analysts.news.report', 'Headlines are calm.');
    t.manager.log(run_id, 'before anyone watched');
    const ws = await focused(run_id);
    const init = await ws.next('init_run');
    expect(init.contents).toEqual({ 'analysts.news.report': 'Headlines are calm.' });
    expect(init.execution_tree[0]?.status).toBe('in_progress');

    ws.send({ action: 'resync' });
    const snap = await ws.next('run_snapshot');
    const { type: _a, ...initFields } = init;
    const { type: _b, ...snapFields } = snap;
    expect(snapFields).toEqual(initFields);

    ws.send({ action: 'log_dump' });
    const dump = await ws.next('log_snapshot_run');
    expect(dump).toMatchObject({ seq: 0, entries: [expect.objectContaining({ message: 'before anyone watched' })] });
    await ws.close();
  });

  it('sends the terminal status_update_run once with the decision and no HTML (the SPA renders its markdown)', async () => {
    const { run_id } = t.manager.create('ACME');
    const ws = await focused(run_id);
    await ws.next('init_run');
    t.manager.finish(run_id, 'completed', fakeDecision('ACME', '**BUY** <img src=x onerror=alert(1)>'));
    const done = await ws.next('status_update_run');
    expect(done).toMatchObject({ status: 'completed', overall_progress: 100, final_decision: { action: 'BUY' } });
    expect(done).not.toHaveProperty('decision_html');
    // The status patch for the progress comes first, then the terminal update takes the next number.
    expect(ws.ofType('status_patch_run').at(-1)!.seq + 1).toBe(done.seq);

    const late = await focused(run_id);
    const init = await late.next('init_run');
    expect(init).toMatchObject({
      status: 'completed',
      seq: done.seq,
      final_decision: { action: 'BUY' },
    });
    expect(init).not.toHaveProperty('decision_html');
    await Promise.all([ws.close(), late.close()]);
  });

  it('lets a client that dropped patches recover by resync and end equal to one that saw everything', async () => {
    // The lossy client asks for a snapshot at every one of its many gaps: lift the per-connection budget
    // (tested in hub.test.ts), this test is about recovering.
    await t.close();
    t = await startTestApp({ ws: { snapshotBudget: { burst: 10_000, perSecond: 1 } } });
    const { run_id } = t.manager.create('ACME');
    const full = new FocusedView(await focused(run_id));
    let n = 0;
    const lossy = new FocusedView(
      await focused(run_id),
      (m) => (m.type === 'status_patch_run' || m.type === 'content_patch_run' || m.type === 'log_append_run') && n++ % 4 === 1,
    );
    await full.recorder.next('init_run');
    await lossy.recorder.next('init_run');
    for (let i = 1; i <= 12; i++) {
      t.manager.update(run_id, { progress: i * 5, node: { id: i % 2 ? 'analysts.market' : 'trader.trader', status: 'in_progress' } });
      t.manager.appendContent(run_id, 'analysts.market.report', `line ${i}\n`);
      t.manager.log(run_id, `step ${i}`);
      await full.recorder.waitFor((m) => m.type === 'log_append_run' && m.entries.some((e) => e.message === `step ${i}`));
    }
    t.manager.finish(run_id, 'completed', fakeDecision('ACME', 'BUY'));
    await full.recorder.next('status_update_run');
    // Ask once more so the lossy client has caught up on everything after its last gap.
    lossy.recorder.send({ action: 'resync' });
    lossy.recorder.send({ action: 'log_dump' });
    const from = lossy.recorder.messages.length;
    await lossy.recorder.next('log_snapshot_run', from);

    expect(lossy.dropped).toBeGreaterThan(0);
    expect(lossy.resyncs).toBeGreaterThan(0);
    expect(lossy.logDumps).toBeGreaterThan(0);
    const server = t.manager.get(run_id)!;
    for (const view of [full, lossy]) {
      expect(view.tree).toEqual(server.tree);
      expect(view.contents).toEqual(server.contents);
      expect(view.logs.map((e) => e.seq)).toEqual(t.manager.logs(run_id)!.entries.map((e) => e.seq));
    }
    expect(full.seen.status).toEqual(full.seen.status.map((_, i) => i + 1));
    expect(full.seen.content).toEqual(full.seen.content.map((_, i) => i + 1));
    await Promise.all([full.recorder.close(), lossy.recorder.close()]);
  });

  it('answers an unknown run with "Run not found" and closes; a malformed id too', async () => {
    const ws = await focused('ACME--2024-01-05_12.00.00--ffffff');
    expect(await ws.next('error')).toEqual({ type: 'error', message: 'Run not found' });
    expect((await ws.closed).code).toBe(4404);
    const bad = await focused('..%2F..%2Fetc');
    expect((await bad.next('error')).message).toMatch(/invalid run_id/);
    expect((await bad.closed).code).toBe(4400);
    expect(t.app.hub.streamCount()).toBe(0);
  });

  it('answers bad client messages with an error and stays usable', async () => {
    const { run_id } = t.manager.create('ACME');
    const ws = await focused(run_id);
    await ws.next('init_run');
    ws.send('not json');
    expect((await ws.next('error')).message).toBe('malformed message: not JSON');
    ws.send({ action: 'explode' });
    const unknown = await ws.waitFor<{ type: 'error'; message: string }>((m) => m.type === 'error' && m.message.includes('explode'));
    expect(unknown.message).toMatch(/unknown action "explode"/);
    ws.send({ action: 'ping' });
    await ws.next('pong');
    expect(ws.invalid).toEqual([]);
    await ws.close();
  });

  it('frees a finished run’s stream when its last follower leaves; the next follower continues the numbering', async () => {
    const { run_id } = t.manager.create('ACME');
    const ws = await focused(run_id);
    await ws.next('init_run');
    t.manager.update(run_id, { progress: 50 });
    t.manager.finish(run_id, 'completed', fakeDecision('ACME', 'BUY'));
    const done = await ws.next('status_update_run');
    await ws.close();
    await vi.waitFor(() => expect(t.app.hub.streamCount()).toBe(0));
    const again = await focused(run_id);
    expect(await again.next('init_run')).toMatchObject({ seq: done.seq, status: 'completed', final_decision: { action: 'BUY' } });
    expect(t.app.hub.streamCount()).toBe(1);
    await again.close();
  });

  it('frees an active run’s stream when its last follower leaves; a later follower continues every seq', async () => {
    const { run_id } = t.manager.create('ACME');
    const a = await focused(run_id);
    await a.next('init_run');
    t.manager.update(run_id, { status: 'in_progress', progress: 10 });
    t.manager.setContent(run_id, 'analysts.market.report', 'Trend');
    t.manager.log(run_id, 'first');
    expect(await a.next('status_patch_run')).toMatchObject({ seq: 1 });
    expect(await a.next('content_patch_run')).toMatchObject({ seq: 1 });
    expect(await a.next('log_append_run')).toMatchObject({ seq: 1 });
    await a.close();
    // The run is still going, yet nobody watches: the hub keeps only its seqs.
    await vi.waitFor(() => expect(t.app.hub.streamCount()).toBe(0));
    t.manager.update(run_id, { progress: 40 });
    t.manager.log(run_id, 'while nobody watched');
    expect(t.app.hub.streamCount()).toBe(0);

    const b = await focused(run_id);
    expect(await b.next('init_run')).toMatchObject({
      status: 'in_progress',
      overall_progress: 40,
      contents: { 'analysts.market.report': 'Trend' },
      seq: 1,
      content_seq: 1,
      log_seq: 1,
    });
    expect(t.app.hub.streamCount()).toBe(1);
    t.manager.update(run_id, { progress: 60 });
    t.manager.appendContent(run_id, 'analysts.market.report', ' up');
    t.manager.log(run_id, 'second');
    expect(await b.next('status_patch_run')).toMatchObject({ seq: 2, overall_progress: 60 });
    expect(await b.next('content_patch_run')).toMatchObject({ seq: 2 });
    expect(await b.next('log_append_run')).toMatchObject({ seq: 2 });
    await b.close();
    await vi.waitFor(() => expect(t.app.hub.streamCount()).toBe(0));
  });

  it('frees the stream (and its pending flush) when the last follower leaves inside the coalescing window', async () => {
    await t.close();
    t = await startTestApp({ ws: { flushDelayMs: 60_000 } });
    const { run_id } = t.manager.create('ACME');
    const a = await focused(run_id);
    await a.next('init_run');
    t.manager.update(run_id, { status: 'in_progress', progress: 10 }); // schedules a flush a minute away
    await a.close();
    await vi.waitFor(() => expect(t.app.hub.streamCount()).toBe(0));
    const b = await focused(run_id);
    expect(await b.next('init_run')).toMatchObject({ status: 'in_progress', overall_progress: 10, seq: 0 });
    await b.close();
  });

  it('frees a pruned run’s stream state and tells its followers', async () => {
    const { run_id } = t.manager.create('ACME');
    const ws = await focused(run_id);
    await ws.next('init_run');
    expect(t.app.hub.streamCount()).toBe(1);
    t.manager.finish(run_id, 'completed', fakeDecision('ACME', 'BUY'));
    t.manager.clock += 10_000;
    expect(t.manager.prune(1000)).toEqual([run_id]);
    expect(await ws.waitFor((m) => m.type === 'error')).toEqual({ type: 'error', message: 'Run removed' });
    expect((await ws.closed).code).toBe(4410);
    expect(t.app.hub.streamCount()).toBe(0);
  });
});

describe('carried tree changes through the hub', () => {
  const toolCall = (id: string): TreeNode => ({
    id,
    name: 'get_bars',
    node_type: 'tool_call',
    status: 'in_progress',
    started_at: 1,
    ended_at: null,
    duration_ms: null,
    args: '{"days":30}',
    children: [],
  });

  /** A client following the run with the SPA's reducer, once its `init_run` is in. */
  async function follow(runId: string): Promise<FocusedView> {
    const view = new FocusedView(await focused(runId));
    await view.recorder.next('init_run');
    return view;
  }

  it('several changed events coalesced into one flush, clients joining between them: every client ends on the view with no resync', async () => {
    // A window longer than the test: only a joiner (the stream flushes before its init_run) sends what is pending,
    // so each burst below reaches the clients as one flush, exactly where the test puts it.
    await t.close();
    t = await startTestApp({ ws: { flushDelayMs: 60_000 } });
    const { run_id } = t.manager.create('ACME');
    const a = await follow(run_id);

    // Burst 1: out of tree order, a node new to the tree, then an update of it.
    t.manager.update(run_id, { status: 'in_progress', node: { id: 'trader', status: 'in_progress' } }, { carry: true });
    t.manager.update(run_id, { node: { id: 'analysts', status: 'in_progress' } }, { carry: true });
    t.manager.update(run_id, { add: { parent: 'analysts.market', node: toolCall('analysts.market.tool.1') } }, { carry: true });
    t.manager.update(run_id, { node: { id: 'analysts.market.tool.1', status: 'completed' } }, { carry: true });
    const b = await follow(run_id);
    const first = a.recorder.ofType('status_patch_run');
    expect(first).toHaveLength(1);
    // The carried changes, merged: in the order they happened (a diff would list the tree's order, the analysts
    // first), the new call inserted once with its latest fields.
    expect(first[0]!.changed.map((c) => ['id' in c ? c.id : null, c.status])).toEqual([
      ['trader', 'in_progress'],
      ['analysts', 'in_progress'],
      ['analysts.market.tool.1', 'completed'],
    ]);
    expect(first[0]!.changed[2]).toMatchObject({ parent_id: 'analysts.market', index: 2, args: '{"days":30}' });

    // Burst 2 reaches a and b as one flush when c joins.
    t.manager.update(run_id, { add: { parent: 'analysts.news', node: toolCall('analysts.news.tool.1') } }, { carry: true });
    t.manager.update(run_id, { node: { id: 'analysts.market', status: 'completed' } }, { carry: true });
    t.manager.update(run_id, { node: { id: 'analysts.news.tool.1', status: 'error' } }, { carry: true });
    const c = await follow(run_id);

    // Burst 3: an event without carried changes (a resumed run's new entry) among carried ones: that flush diffs.
    t.manager.update(run_id, { node: { id: 'analysts.news', status: 'completed' } }, { carry: true });
    t.manager.update(run_id, { node: { id: 'analysts', status: 'completed' } });
    t.manager.update(run_id, { progress: 60, node: { id: 'trader.trader', status: 'in_progress' } }, { carry: true });
    const d = await follow(run_id);

    const view = t.manager.get(run_id)!;
    expect(d.tree).toEqual(view.tree);
    for (const client of [a, b, c]) {
      await client.recorder.waitFor((m) => m.type === 'status_patch_run' && m.seq === d.state.seq);
      expect(client.tree).toEqual(view.tree);
      expect(client.progress).toBe(60);
      expect(client.resyncs).toBe(0);
    }
    expect(a.seen.status).toEqual([1, 2, 3]);
    await Promise.all([a, b, c, d].map((v) => v.recorder.close()));
  });
});

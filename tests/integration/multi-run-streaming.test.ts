import type { RunStatus, ServerMessage } from '@tradingfloor/shared';
import { isTerminalStatus, reduceAggregate, type AggregateState } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { FocusedView } from '../support/focused-view.js';
import { startHarness, type Harness } from '../support/server-harness.js';
import type { WsRecorder } from '../support/ws-recorder.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** What an aggregate client knows: init_all, then each update merged in, by the SPA's own reducer. */
function aggregateState(messages: ServerMessage[]): Map<string, { status: RunStatus; overall_progress: number }> {
  let runs: AggregateState = {};
  for (const m of messages) runs = reduceAggregate(runs, m, 0).runs;
  return new Map(Object.values(runs).map((r) => [r.run_id, { status: r.status, overall_progress: r.overall_progress }]));
}

/** Every seq a stream carried after the client's init, in order: must be init+1, init+2, … */
function expectConsecutive(seen: number[], from: number) {
  expect(seen).toEqual(seen.map((_, i) => from + i + 1));
}

async function expectViewMatchesServer(view: FocusedView, runId: string) {
  const tree = await h!.api('GET', `/runs/${runId}/tree`);
  expect(tree.status).toBe(200);
  expect(view.tree).toEqual(tree.json.execution_tree);
  expect(view.contents).toEqual(tree.json.contents);
  expect(view.status).toBe(tree.json.status);
  expect(view.progress).toBe(tree.json.overall_progress);
}

describe('three runs from one POST /start-multi', () => {
  it('stream to an aggregate client and three focused clients; every final view equals GET /runs/:id/tree', async () => {
    h = await startHarness();
    const aggregate = await h.ws();
    await aggregate.next('init_all');

    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME,GLOBEX,INITECH', offline_latency_ms: 10 } });
    expect(res.status).toBe(202);
    expect(res.json.count).toBe(3);
    const runIds: string[] = res.json.runs.map((r: { run_id: string }) => r.run_id);

    const focused: FocusedView[] = await Promise.all(runIds.map(async (id) => new FocusedView(await h!.ws(id))));
    const inits = await Promise.all(focused.map((v) => v.recorder.next('init_run')));
    await Promise.all(focused.map((v) => v.untilTerminal()));
    await aggregate.waitFor(() => {
      const state = aggregateState(aggregate.messages);
      return runIds.every((id) => isTerminalStatus(state.get(id)?.status ?? 'pending'));
    });

    for (const [i, view] of focused.entries()) {
      const runId = runIds[i]!;
      expect(view.status).toBe('completed');
      expect(view.resyncs + view.logDumps).toBe(0);
      await expectViewMatchesServer(view, runId);
      // Seq numbers of each stream are gap-free across the whole run.
      expectConsecutive(view.seen.status, inits[i]!.seq);
      expectConsecutive(view.seen.content, inits[i]!.content_seq);
      expectConsecutive(view.seen.log, inits[i]!.log_seq);
      // A focused client only ever hears about its own run.
      expect(view.recorder.messages.every((m) => !('run_id' in m) || m.run_id === runId)).toBe(true);
      expect(view.recorder.ofType('status_update_aggregate')).toEqual([]);
      expect(view.decision?.action).toMatch(/^(BUY|SELL|HOLD)$/);
      expect(view.recorder.invalid).toEqual([]);
    }
    const final = aggregateState(aggregate.messages);
    for (const id of runIds) expect(final.get(id)).toEqual({ status: 'completed', overall_progress: 100 });
    expect(aggregate.ofType('init_run')).toEqual([]);
    expect(aggregate.ofType('content_patch_run')).toEqual([]);
  });
});

describe('one run, watched closely', () => {
  it('keeps seqs monotonic for a client that watched from the start and lets a lossy client recover by resync', async () => {
    // The lossy client asks for a snapshot at every one of its many gaps: lift the per-connection budget
    // (tested in packages/server/test/hub.test.ts), this test is about recovering.
    h = await startHarness({ env: { WS_RESYNC_BURST: '10000' } });
    // Start with a latency that leaves time to subscribe before the first step completes.
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', offline_latency_ms: 15 } });
    const runId: string = res.json.runs[0].run_id;
    const full = new FocusedView(await h.ws(runId));
    let n = 0;
    const patchTypes = new Set<ServerMessage['type']>(['status_patch_run', 'content_patch_run', 'log_append_run']);
    // Drop every fifth patch of any stream, as a flaky network might.
    const lossy = new FocusedView(await h.ws(runId), (m) => patchTypes.has(m.type) && n++ % 5 === 2);
    const [initFull] = await Promise.all([full.recorder.next('init_run'), lossy.recorder.next('init_run')]);

    await full.untilTerminal();
    await lossy.untilTerminal();
    // Any gap after the last patch is closed by one more resync and log dump, as a client would on reconnect.
    const from = lossy.recorder.messages.length;
    lossy.recorder.send({ action: 'resync' });
    lossy.recorder.send({ action: 'log_dump' });
    await lossy.recorder.next('log_snapshot_run', from);

    expect(lossy.dropped).toBeGreaterThan(0);
    expect(lossy.resyncs).toBeGreaterThan(0);
    await expectViewMatchesServer(full, runId);
    await expectViewMatchesServer(lossy, runId);
    // The recovered log is a gap-free run of the server's own entries.
    const serverLogs = new Map(h.manager.logs(runId)!.entries.map((e) => [e.seq, e]));
    expect(lossy.logs.length).toBeGreaterThan(0);
    lossy.logs.forEach((e, i) => {
      expect(e).toEqual(serverLogs.get(e.seq));
      if (i > 0) expect(e.seq).toBe(lossy.logs[i - 1]!.seq + 1);
    });
    expectConsecutive(full.seen.status, initFull.seq);
    expectConsecutive(full.seen.content, initFull.content_seq);
    expectConsecutive(full.seen.log, initFull.log_seq);
    // The lossy client's resyncs never disturbed the other client's numbering.
    expect(full.resyncs).toBe(0);
  });

  it('gives a late joiner every report in init_run and the decision in its snapshot', async () => {
    h = await startHarness();
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'GLOBEX' } });
    const runId: string = res.json.runs[0].run_id;
    await h.manager.whenFinished(runId);
    const late: WsRecorder = await h.ws(runId);
    const init = await late.next('init_run');
    const tree = await h.api('GET', `/runs/${runId}/tree`);
    expect(init.contents).toEqual(tree.json.contents);
    expect(Object.keys(init.contents).filter((id) => id.endsWith('.report')).length).toBeGreaterThanOrEqual(8);
    expect(init).toMatchObject({ status: 'completed', overall_progress: 100, execution_tree: tree.json.execution_tree });
    expect(init.final_decision?.ticker).toBe('GLOBEX');
    expect(init).not.toHaveProperty('decision_html'); // only GET /runs/:id/decision renders it
    late.send({ action: 'log_dump' });
    const dump = await late.next('log_snapshot_run');
    expect(dump.entries.length).toBeGreaterThan(0);
    expect(dump.entries.at(-1)!.seq).toBe((await h.api('GET', `/runs/${runId}/logs?severity=TRACE&limit=500`)).json.total_seq);
  });
});

describe('ENABLE_LOG_STREAM=0', () => {
  it('streams no log lines, while the REST log view still has them', async () => {
    h = await startHarness({ env: { ENABLE_LOG_STREAM: '0' } });
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', offline_latency_ms: 5 } });
    const runId: string = res.json.runs[0].run_id;
    const view = new FocusedView(await h.ws(runId));
    await view.untilTerminal();
    expect(view.recorder.ofType('log_append_run')).toEqual([]);
    expect((await h.api('GET', `/runs/${runId}/logs`)).json.returned).toBeGreaterThan(0);
  });
});

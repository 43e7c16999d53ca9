import { InspectResponseSchema, MachineDefinitionSchema, type MachineStateNode } from '@tradingfloor/shared';
import type { AnyStateNode } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunMachine } from '../../packages/engine/src/machine/run-machine.js';
import { removeDir, startHarness, tempResultsDir, type Harness } from '../support/server-harness.js';
import { WsRecorder } from '../support/ws-recorder.js';

let h: Harness | undefined;
const extra: WsRecorder[] = [];
let dir: string | undefined;
afterEach(async () => {
  await Promise.all(extra.splice(0).map((c) => c.close()));
  await h?.close();
  if (dir) await removeDir(dir);
  h = dir = undefined;
});

async function startRun(ticker = 'ACME'): Promise<string> {
  const res = await h!.api('POST', '/start-multi', { json: { company_symbols: ticker, offline_latency_ms: 10 } });
  expect(res.status).toBe(202);
  return res.json.runs[0].run_id as string;
}

/** A focused client that asked for the inspection stream. */
async function inspectClient(runId: string): Promise<WsRecorder> {
  const client = await WsRecorder.connect(`${h!.wsUrl}?run_id=${encodeURIComponent(runId)}&inspect=1`);
  extra.push(client);
  return client;
}

describe('GET /machine', () => {
  it('serves the run statechart with the same state names as the machine, nested the same way', async () => {
    h = await startHarness();
    const res = await h.api('GET', '/machine');
    expect(res.status).toBe(200);
    const definition = MachineDefinitionSchema.parse(res.json);
    const fromMachine = (n: AnyStateNode): unknown => ({ key: n.key, type: n.type, states: Object.values(n.states).map(fromMachine) });
    const fromJson = (n: MachineStateNode): unknown => ({ key: n.key, type: n.type, states: n.states.map(fromJson) });
    expect(fromJson(definition.root)).toEqual(fromMachine(createRunMachine(() => 0).root));
  });
});

describe('GET /runs/:id/inspect and the inspect_append_run stream', () => {
  it('streams the actor’s inspection records to clients that asked, in order, equal to what REST serves', async () => {
    h = await startHarness();
    const runId = await startRun();
    const inspecting = await inspectClient(runId);
    const plain = await h.ws(runId);
    const init = await inspecting.next('init_run');
    expect(init.inspect_seq).toBeTypeOf('number');
    expect((await plain.next('init_run')).inspect_seq).toBeUndefined();
    await inspecting.waitFor((m) => m.type === 'status_update_run' && m.status === 'completed');

    const rest = InspectResponseSchema.parse((await h.api('GET', `/runs/${runId}/inspect?limit=1000`)).json);
    expect(rest.session).toMatch(/^[0-9a-f]{8}$/);
    expect(rest.records.map((r) => r.seq)).toEqual(rest.records.map((_, i) => i + 1));
    expect(rest.total_seq).toBe(rest.records.length);
    expect(rest.records.at(-1)?.state).toBe('completed');
    await inspecting.waitFor((m) => m.type === 'inspect_append_run' && m.records.at(-1)?.seq === rest.total_seq);

    const appends = inspecting.ofType('inspect_append_run');
    expect(appends.map((m) => m.seq)).toEqual(appends.map((_, i) => init.inspect_seq! + i + 1));
    expect(appends.every((m) => m.session === rest.session && m.run_id === runId)).toBe(true);
    const streamed = appends.flatMap((m) => m.records);
    // Everything after the client joined, nothing twice, exactly as the buffer holds it; coalesced into fewer messages.
    expect(streamed).toEqual(rest.records.slice(rest.records.length - streamed.length));
    expect(appends.length).toBeLessThan(streamed.length);
    expect(plain.ofType('inspect_append_run')).toEqual([]);

    inspecting.send({ action: 'inspect_dump' });
    const dump = await inspecting.next('inspect_snapshot_run');
    expect(dump).toMatchObject({ run_id: runId, seq: appends.at(-1)!.seq, session: rest.session });
    expect(dump.records).toEqual(rest.records);
    plain.send({ action: 'inspect_dump' });
    expect((await plain.next('error')).message).toMatch(/inspect=1/);
  });

  it('inspect_start subscribes a plain focused socket (the SPA shares the run stream’s), inspect_stop ends it', async () => {
    h = await startHarness();
    const runId = await startRun('INITECH');
    const client = await h.ws(runId);
    const init = await client.next('init_run');
    expect(init.inspect_seq).toBeUndefined();
    client.send({ action: 'inspect_start' });
    const start = await client.next('inspect_snapshot_run');
    expect(start.run_id).toBe(runId);
    await client.waitFor((m) => m.type === 'status_update_run' && m.status === 'completed');
    const rest = InspectResponseSchema.parse((await h.api('GET', `/runs/${runId}/inspect?limit=1000`)).json);
    await client.waitFor((m) => m.type === 'inspect_append_run' && m.records.at(-1)?.seq === rest.total_seq);
    const appends = client.ofType('inspect_append_run');
    // The stream goes on from the snapshot's seq, and snapshot plus appends are every record exactly once.
    expect(appends.map((m) => m.seq)).toEqual(appends.map((_, i) => start.seq + i + 1));
    expect([...start.records, ...appends.flatMap((m) => m.records)]).toEqual(rest.records);

    client.send({ action: 'inspect_stop' });
    client.send({ action: 'inspect_dump' });
    expect((await client.next('error')).message).toMatch(/inspect_start/);
  });

  it('pages with after_seq and limit, and refuses bad queries and unknown runs', async () => {
    h = await startHarness();
    const runId = await startRun('GLOBEX');
    await h.manager.whenFinished(runId);
    const page = await h.api('GET', `/runs/${runId}/inspect?after_seq=10&limit=5`);
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ run_id: runId, returned: 5, last_seq: 15, first_seq: 1 });
    expect(page.json.records.map((r: { seq: number }) => r.seq)).toEqual([11, 12, 13, 14, 15]);
    const end = await h.api('GET', `/runs/${runId}/inspect?after_seq=100000`);
    expect(end.json).toMatchObject({ records: [], returned: 0, last_seq: 100000 });

    for (const query of ['after_seq=-1', 'limit=0', 'limit=5000', 'after_seq=abc', 'colour=red']) {
      const bad = await h.api('GET', `/runs/${runId}/inspect?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.json.error).toMatch(/query/);
    }
    expect((await h.api('GET', '/runs/ACME--2024-05-10_12.00.00--abcdef/inspect')).status).toBe(404);
    expect((await h.api('GET', '/runs/not-a-run/inspect')).status).toBe(400);
  });

  it('a run read back from disk has no actor: no session, no records', async () => {
    dir = await tempResultsDir();
    h = await startHarness({ resultsDir: dir });
    const runId = await startRun('WAYNE');
    await h.manager.whenFinished(runId);
    await h.close();
    h = await startHarness({ resultsDir: dir });
    const res = await h.api('GET', `/runs/${runId}/inspect`);
    expect(res.json).toEqual({ run_id: runId, session: null, records: [], returned: 0, last_seq: 0, total_seq: 0, first_seq: 1 });
  });
});

describe('POST /runs/:id/resume refusals', () => {
  it('404 for an unknown run, 400 for a malformed id, 409 for a run that is not interrupted', async () => {
    h = await startHarness();
    const runId = await startRun();
    await h.manager.whenFinished(runId);
    const conflict = await h.api('POST', `/runs/${runId}/resume`);
    expect(conflict.status).toBe(409);
    expect(conflict.json.error).toBe(`run ${runId} is completed; only an interrupted run can be resumed`);
    expect((await h.api('POST', '/runs/ACME--2024-05-10_12.00.00--abcdef/resume')).status).toBe(404);
    expect((await h.api('POST', '/runs/nope/resume')).status).toBe(400);
  });
});

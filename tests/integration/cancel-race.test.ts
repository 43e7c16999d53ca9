import { deferred } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { FocusedView } from '../support/focused-view.js';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
let fake: FakeProvider | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  h = fake = undefined;
});

describe('cancel over REST', () => {
  it('stops in-flight model work at once, frees the slot only then, and is never overwritten by completed', async () => {
    const gate = deferred<void>();
    const base = createDefaultScript({ action: 'BUY' });
    // The first model call of the run is held open until the test releases it.
    fake = await startFakeProvider({ script: async (req) => (req.seq === 1 ? (await gate.promise, base(req)) : base(req)) });
    h = await startHarness({ env: { OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'test-key', MAX_PARALLEL_RUNS: '1' } });
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', llm_provider: 'openai', analysts: ['market'] } });
    const runId: string = res.json.runs[0].run_id;
    const view = new FocusedView(await h.ws(runId));
    await fake.waitUntil((f) => f.inFlight === 1);

    expect((await h.api('POST', '/start-multi', { json: { company_symbols: 'GLOBEX' } })).status).toBe(429);
    const cancel = await h.api('POST', `/runs/${runId}/cancel`);
    expect(cancel.status).toBe(202);
    expect((await h.manager.whenFinished(runId)).status).toBe('canceled');
    // The held call was abandoned by the client (aborted), although the gate never opened.
    await fake.waitUntil((f) => f.inFlight === 0);
    expect(fake.requests).toHaveLength(1);
    // Only now is the slot free.
    const next = await h.api('POST', '/start-multi', { json: { company_symbols: 'GLOBEX' } });
    expect(next.status).toBe(202);

    gate.resolve();
    await h.manager.whenFinished(next.json.runs[0].run_id);
    await view.recorder.waitFor((m) => m.type === 'status_update_run');
    expect((await h.api('GET', `/runs/${runId}/status`)).json.status).toBe('canceled');
    expect((await h.api('GET', `/runs/${runId}/decision`)).status).toBe(404);
    expect(view.recorder.ofType('status_update_run').map((m) => m.status)).toEqual(['canceled']);
    expect((await h.api('POST', `/runs/${runId}/cancel`)).status).toBe(202);
  });

  it('races cancels against streaming runs; each client still ends equal to the server', async () => {
    h = await startHarness();
    // 60 ms a model call, about 20 calls: each run takes over a second even on an idle machine.
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME,GLOBEX,INITECH,STARK', offline_latency_ms: 60 } });
    const runIds: string[] = res.json.runs.map((r: { run_id: string }) => r.run_id);
    // The first run is canceled at once (each run takes well over a second at this latency).
    const first = h.api('POST', `/runs/${runIds[0]}/cancel`);
    const views = await Promise.all(runIds.map(async (id) => new FocusedView(await h!.ws(id))));
    // The others after different amounts of progress: 1, 4 and 8 status patches.
    const cancelAfter = [0, 1, 4, 8];
    const outcomes = await Promise.all(
      views.map(async (view, i) => {
        const runId = runIds[i]!;
        if (i > 0) await view.recorder.waitFor(() => view.seen.status.length >= cancelAfter[i]! || view.status === 'completed');
        const cancel = i === 0 ? await first : await h!.api('POST', `/runs/${runId}/cancel`);
        const done = await h!.manager.whenFinished(runId);
        return { code: cancel.status, status: done.status };
      }),
    );
    for (const { code, status } of outcomes) {
      // Either the cancel landed (202 → canceled) or the run had already completed (409).
      expect(code === 202 ? status === 'canceled' : code === 409 && status === 'completed').toBe(true);
    }
    expect(outcomes[0]).toEqual({ code: 202, status: 'canceled' });
    await Promise.all(views.map((v) => v.untilTerminal()));
    for (const [i, view] of views.entries()) {
      const tree = await h.api('GET', `/runs/${runIds[i]}/tree`);
      expect(view.tree).toEqual(tree.json.execution_tree);
      expect(view.contents).toEqual(tree.json.contents);
      expect(view.status).toBe(outcomes[i]!.status);
      expect(view.terminalAnnouncements()).toBe(1);
    }
  });
});

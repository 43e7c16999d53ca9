import { deferred, type RunStatus } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { startHarness, type Harness } from '../support/server-harness.js';

// `multitask` on start requests (issue 16, "same ticker twice"), through the real server. The first run's first
// model call is held open by the fake provider until the test releases it, so "a run of ACME is active" holds
// for exactly as long as the test wants, with no sleeps.

let h: Harness | undefined;
let fake: FakeProvider | undefined;
let release: () => void;
/** Every status change of every run, in the order the manager announced them: `<run_id> <status>`. */
let transitions: string[];

const ACME = { company_symbols: 'ACME', llm_provider: 'openai', analysts: ['market'], trade_date: '2024-03-28' };

beforeEach(async () => {
  const gate = deferred<void>();
  release = () => gate.resolve();
  const base = createDefaultScript({ action: 'BUY' });
  fake = await startFakeProvider({ script: async (req) => (req.seq === 1 ? (await gate.promise, base(req)) : base(req)) });
  h = await startHarness({ env: { OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'test-key', MAX_PARALLEL_RUNS: '4' } });
  transitions = [];
  const last = new Map<string, RunStatus>();
  h.manager.subscribe((event) => {
    if (event.type === 'removed' || event.type === 'log') return;
    if (last.get(event.run_id) === event.summary.status) return;
    last.set(event.run_id, event.summary.status);
    transitions.push(`${event.run_id} ${event.summary.status}`);
  });
});
afterEach(async () => {
  release();
  await h?.close();
  await fake?.close();
  h = fake = undefined;
});

/** Starts the first ACME run and waits until its first model call is held (it is then in progress). */
async function startHeldRun(): Promise<string> {
  const res = await h!.api('POST', '/start-multi', { json: ACME });
  expect(res.status).toBe(202);
  await fake!.waitUntil((f) => f.inFlight === 1);
  return res.json.runs[0].run_id as string;
}

const statusOf = async (runId: string): Promise<RunStatus> => (await h!.api('GET', `/runs/${runId}/status`)).json.status as RunStatus;

describe('multitask on POST /start-multi', () => {
  it('reject: 409 naming the active run of the same ticker and date; another date or ticker still starts', async () => {
    const first = await startHeldRun();
    const refused = await h!.api('POST', '/start-multi', { json: { ...ACME, multitask: 'reject' } });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toContain(first);
    expect(refused.json.error).toMatch(/multitask "reject"/);
    expect(h!.manager.list().map((s) => s.run_id)).toEqual([first]);
    // The legacy single-run route takes the same field.
    expect(
      (
        await h!.api('POST', '/start-process', {
          form: { company_symbol: 'ACME', llm_provider: 'openai', analysts: 'market', trade_date: '2024-03-28', multitask: 'reject' },
        })
      ).status,
    ).toBe(409);

    const otherDate = await h!.api('POST', '/start-multi', { json: { ...ACME, trade_date: '2024-03-27', multitask: 'reject' } });
    expect(otherDate.status).toBe(202);
    const otherTicker = await h!.api('POST', '/start-multi', { json: { ...ACME, company_symbols: 'GLOBEX', multitask: 'reject' } });
    expect(otherTicker.status).toBe(202);
  });

  it('a bad multitask value is a 400 naming the field', async () => {
    h ??= await startHarness();
    const res = await h.api('POST', '/start-multi', { json: { ...ACME, multitask: 'queue' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/multitask/);
  });

  it('enqueue: the new run is listed pending and begins only after the active one has finished', async () => {
    const first = await startHeldRun();
    const res = await h!.api('POST', '/start-multi', { json: { ...ACME, multitask: 'enqueue' } });
    expect(res.status).toBe(202);
    const second = res.json.runs[0].run_id as string;
    const listed = await h!.api('GET', '/runs');
    expect(listed.json.runs.map((r: { run_id: string; status: string }) => [r.run_id, r.status])).toEqual([
      [first, 'in_progress'],
      [second, 'pending'],
    ]);

    release();
    const [done1, done2] = await Promise.all([h!.manager.whenFinished(first), h!.manager.whenFinished(second)]);
    expect([done1.status, done2.status]).toEqual(['completed', 'completed']);
    // Order of the announced transitions: the second run left pending only after the first had completed.
    const firstDone = transitions.indexOf(`${first} completed`);
    const secondStarted = transitions.indexOf(`${second} in_progress`);
    expect(firstDone).toBeGreaterThanOrEqual(0);
    expect(secondStarted).toBeGreaterThan(firstDone);
    // And its first phase started no earlier than the first run's last update.
    const tree2 = (await h!.api('GET', `/runs/${second}/tree`)).json.execution_tree as Array<{ started_at: number | null }>;
    expect(tree2[0]!.started_at).toBeGreaterThanOrEqual(done1.updated_at);
  });

  it('enqueue: a waiting run can be canceled; it never begins', async () => {
    const first = await startHeldRun();
    const second = (await h!.api('POST', '/start-multi', { json: { ...ACME, multitask: 'enqueue' } })).json.runs[0].run_id as string;
    const third = (await h!.api('POST', '/start-multi', { json: { ...ACME, multitask: 'enqueue' } })).json.runs[0].run_id as string;
    const cancel = await h!.api('POST', `/runs/${second}/cancel`);
    expect(cancel.status).toBe(202);
    expect((await h!.manager.whenFinished(second)).status).toBe('canceled');
    expect(await statusOf(third)).toBe('pending');

    release();
    expect((await h!.manager.whenFinished(first)).status).toBe('completed');
    expect((await h!.manager.whenFinished(third)).status).toBe('completed');
    expect(transitions.filter((t) => t.startsWith(second))).toEqual([`${second} pending`, `${second} canceled`]);
    // The third waited for the first and the (canceled) second: it began after both had ended.
    expect(transitions.indexOf(`${third} in_progress`)).toBeGreaterThan(transitions.indexOf(`${first} completed`));
  });

  it('allow (the default): a second run of the same ticker and date runs alongside and can finish first', async () => {
    const first = await startHeldRun();
    const res = await h!.api('POST', '/start-multi', { json: ACME });
    expect(res.status).toBe(202);
    const second = res.json.runs[0].run_id as string;
    // The first run is still held in its first model call while the second runs to its end.
    expect((await h!.manager.whenFinished(second)).status).toBe('completed');
    expect(await statusOf(first)).toBe('in_progress');
    const explicit = await h!.api('POST', '/start-multi', { json: { ...ACME, multitask: 'allow' } });
    expect(explicit.status).toBe(202);
    expect((await h!.manager.whenFinished(explicit.json.runs[0].run_id)).status).toBe('completed');
    release();
    expect((await h!.manager.whenFinished(first)).status).toBe('completed');
  });
});

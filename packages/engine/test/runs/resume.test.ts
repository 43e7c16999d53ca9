import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, NotFoundError, type RunSummary } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../src/runs/run-manager.js';
import { RUN_MACHINE_VERSION } from '../../src/machine/run-machine.js';
import { fakeDeps, fakeSteps, tempDir, until } from './support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

/** A manager on the shared results dir; `manual` providers hold every call until the test answers it. */
function manager(mode: 'auto' | 'manual') {
  const { deps, providerOf } = fakeDeps({ mode });
  const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
  return { m, providerOf };
}

const read = (path: string) => readFile(path, 'utf8');

const statePath = (run: RunSummary) => join(run.results_path, 'state.json');

/**
 * Starts one ACME run (market + news analysts, one debate round) in a first manager and drives its held
 * calls: `answer` of them are answered, the next one is left in flight. The first manager is then
 * abandoned as a killed process would be, once everything it asked to write is on disk.
 */
async function interruptedRun(answer: number): Promise<{ run: RunSummary; answered: string[]; inFlight: string }> {
  const first = manager('manual');
  const [run] = await first.m.start([{ ticker: 'ACME', options: { analysts: ['market', 'news'] } }]);
  const calls = first.providerOf('ACME');
  const answered: string[] = [];
  for (let i = 0; i < answer; i++) {
    const call = await calls.next();
    answered.push(call.request.meta.agentId);
    call.answer(`${call.request.meta.agentId} before the kill`);
  }
  const held = await calls.next();
  // The answered steps are through the statechart (their checkpoint asked for), then on disk.
  await until(first.m, run!.run_id, (v) => v.tree.flatMap((p) => p.children).filter((a) => a.status === 'completed').length === answer);
  await first.m.idle();
  return { run: run!, answered, inFlight: held.request.meta.agentId };
}

describe('RunManager.resume', () => {
  it('continues a run killed during the analysts: the finished analyst is not asked again, the one in flight is', async () => {
    const { run, answered, inFlight } = await interruptedRun(1);
    expect(answered).toEqual(['analysts.market']);
    expect(inFlight).toBe('analysts.news');
    const marketBefore = await read(join(run.results_path, 'reports', 'market_report.md'));

    const second = manager('auto');
    await second.m.loadHistory();
    expect(second.m.list()).toEqual([expect.objectContaining({ run_id: run.run_id, status: 'interrupted', current_phase: 'analysts' })]);
    const lastLogSeq = second.m.logs(run.run_id)!.last_seq;

    const resumed = await second.m.resume(run.run_id);
    expect(resumed.status).toBe('in_progress');
    const done = await second.m.whenFinished(run.run_id);
    expect(done.status).toBe('completed');

    const after = second.providerOf('ACME').calls.map((c) => c.request.meta.agentId);
    expect(after[0]).toBe('analysts.news');
    expect(after.filter((id) => id.startsWith('analysts.'))).toEqual(['analysts.news']);
    expect(await read(join(run.results_path, 'reports', 'market_report.md'))).toBe(marketBefore);

    const view = second.m.get(run.run_id)!;
    expect(view.contents['analysts.market.report']).toContain('analysts.market before the kill');
    // The agents' transcripts come back from message_tool.log; usage keeps counting from state.json.
    expect(view.contents['analysts.market.messages']).toContain('← analysts.market before the kill');
    expect(view.usage.total.calls).toBe(1 + after.length);
    const logs = second.m.logs(run.run_id)!.entries;
    const resumedLine = logs.find((e) => e.message.startsWith('run resumed'));
    expect(resumedLine?.seq).toBe(lastLogSeq + 1);
    expect(JSON.parse(await read(statePath(run)))).toMatchObject({ status: 'completed', machine_version: RUN_MACHINE_VERSION });
    expect(second.m.inspect(run.run_id)?.records.length).toBeGreaterThan(20);
  });

  it('continues a run killed during the research debate without repeating any analyst or finished turn', async () => {
    // market, news, bull answered; bear in flight.
    const { run, answered, inFlight } = await interruptedRun(3);
    expect(answered).toEqual(['analysts.market', 'analysts.news', 'research_debate.bull']);
    expect(inFlight).toBe('research_debate.bear');
    const reports = async () => ({
      market: await read(join(run.results_path, 'reports', 'market_report.md')),
      news: await read(join(run.results_path, 'reports', 'news_report.md')),
    });
    const before = await reports();

    const second = manager('auto');
    await second.m.loadHistory();
    await second.m.resume(run.run_id);
    expect((await second.m.whenFinished(run.run_id)).status).toBe('completed');
    const after = second.providerOf('ACME').calls.map((c) => c.request.meta.agentId);
    expect(after).toEqual([
      'research_debate.bear',
      'research_manager.manager',
      'trader.trader',
      'risk_debate.aggressive',
      'risk_debate.conservative',
      'risk_debate.neutral',
      'portfolio_manager.manager',
    ]);
    expect(await reports()).toEqual(before);
    const debate = second.m.get(run.run_id)!.contents['research_debate.bull.report'];
    expect(debate).toContain('research_debate.bull before the kill');
  });

  it('refuses unknown runs, runs that are not interrupted, and a second resume of the same run', async () => {
    const { run } = await interruptedRun(1);
    const second = manager('manual');
    await second.m.loadHistory();
    await expect(second.m.resume('ACME--2024-05-10_12.00.00--ffffff')).rejects.toThrow(NotFoundError);
    const resuming = second.m.resume(run.run_id);
    await expect(second.m.resume(run.run_id)).rejects.toThrow(/is being resumed; only an interrupted run can be resumed/);
    await resuming;
    await expect(second.m.resume(run.run_id)).rejects.toThrow(ConflictError);
    await expect(second.m.resume(run.run_id)).rejects.toThrow(/is in_progress; only an interrupted run/);
    second.m.cancel(run.run_id);
    await second.m.whenFinished(run.run_id);
  });

  it('resumes every interrupted run at once with resumeInterrupted()', async () => {
    const { run } = await interruptedRun(2);
    const second = manager('manual');
    await second.m.loadHistory();
    expect(await second.m.resumeInterrupted()).toEqual([{ run_id: run.run_id, status: 'in_progress', error: null }]);
    expect((await second.providerOf('ACME').next()).request.meta.agentId).toBe('research_debate.bull');
    second.m.cancel(run.run_id);
    expect((await second.m.whenFinished(run.run_id)).status).toBe('canceled');
    expect(await second.m.resumeInterrupted()).toEqual([]);
  });
});

describe('a snapshot that cannot be resumed', () => {
  it.each([
    ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2)), /cannot resume: state\.json is damaged \(not valid JSON/],
    [
      'from another machine version',
      (text: string) => JSON.stringify({ ...JSON.parse(text), machine_version: RUN_MACHINE_VERSION + 1 }),
      new RegExp(`written by run machine version ${RUN_MACHINE_VERSION + 1}, this build runs version ${RUN_MACHINE_VERSION}`),
    ],
  ])('%s: the run is listed as error with the reason, error.log written, nothing else lost', async (_what, damage, reason) => {
    const { run } = await interruptedRun(1);
    const path = statePath(run);
    await writeFile(path, damage(await read(path)));
    const files = ['config.json', 'RUN_ID', 'run.log', 'message_tool.log', 'reports/market_report.md'];
    const before = await Promise.all(files.map((f) => read(join(run.results_path, f))));

    const second = manager('auto');
    const events: string[] = [];
    second.m.subscribe((e) => events.push(`${e.type} ${'summary' in e ? e.summary.status : ''}`));
    await second.m.loadHistory();
    const [listed] = second.m.list();
    expect(listed).toMatchObject({ run_id: run.run_id, status: 'error' });
    expect(listed!.error).toMatch(reason);
    expect(events).toEqual(['finished error']);
    expect(await read(join(run.results_path, 'error.log'))).toBe(`${listed!.error}\n`);
    expect(await Promise.all(files.map((f) => read(join(run.results_path, f))))).toEqual(before);
    await expect(second.m.resume(run.run_id)).rejects.toThrow(/is error; only an interrupted run can be resumed/);
    expect(second.providerOf('ACME').calls).toHaveLength(0);
  });

  it('a missing state.json of a run already marked an error stays an error (its error.log decides)', async () => {
    const { run } = await interruptedRun(1);
    await rm(statePath(run));
    await writeFile(join(run.results_path, 'error.log'), 'the engine thread failed\n');
    const second = manager('auto');
    await second.m.loadHistory();
    expect(second.m.list()[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/state\.json is missing/) });
    await expect(second.m.resume(run.run_id)).rejects.toThrow(/is error; only an interrupted run can be resumed/);
    expect(second.providerOf('ACME').calls).toHaveLength(0);
  });

  it('a snapshot that does not fit the statechart: resume answers the reason and marks the run error', async () => {
    const { run } = await interruptedRun(1);
    const path = statePath(run);
    const state = JSON.parse(await read(path)) as { snapshot: Record<string, unknown> };
    await writeFile(path, JSON.stringify({ ...state, snapshot: { ...state.snapshot, value: { in_progress: 'no_such_phase' } } }));

    const second = manager('auto');
    await second.m.loadHistory();
    // Found out when the history is read, not when a resume is tried (issue 11): never resumable.
    expect(second.m.list()[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/not a state of the run machine/) });
    await expect(second.m.resume(run.run_id)).rejects.toThrow(/only an interrupted run can be resumed/);
    expect(existsSync(join(run.results_path, 'error.log'))).toBe(true);
    expect(second.providerOf('ACME').calls).toHaveLength(0);
  });
});

describe('a run stopped before its first state.json was saved', () => {
  it('is listed interrupted and resumes from the start, its log numbering and files kept', async () => {
    const { run } = await interruptedRun(1);
    // As if the process died before the first checkpoint reached the disk: config.json, RUN_ID, the logs.
    await rm(statePath(run));
    for (const name of await readdir(join(run.results_path, 'reports'))) await rm(join(run.results_path, 'reports', name));
    const config = await read(join(run.results_path, 'config.json'));

    const second = manager('auto');
    await second.m.loadHistory();
    expect(second.m.list()).toEqual([expect.objectContaining({ run_id: run.run_id, status: 'interrupted', error: null })]);
    expect(existsSync(join(run.results_path, 'error.log'))).toBe(false);
    const lastLogSeq = second.m.logs(run.run_id)!.last_seq;

    // Announced as it opens (pending), then it starts at once.
    expect((await second.m.resume(run.run_id)).run_id).toBe(run.run_id);
    expect((await second.m.whenFinished(run.run_id)).status).toBe('completed');
    // Every step ran again, the analysts first.
    const asked = second.providerOf('ACME').calls.map((c) => c.request.meta.agentId);
    expect(asked.slice(0, 2).sort()).toEqual(['analysts.market', 'analysts.news']);
    expect(asked.at(-1)).toBe('portfolio_manager.manager');
    const logs = second.m.logs(run.run_id)!.entries;
    const resumedLine = logs.find((e) => e.message.startsWith('run resumed'));
    expect(resumedLine).toMatchObject({ seq: lastLogSeq + 1, message: expect.stringMatching(/from the start/) });
    expect(logs.find((e) => e.seq > lastLogSeq && e.message.startsWith('run started'))).toBeDefined();
    expect(await read(join(run.results_path, 'config.json'))).toBe(config);
    expect(JSON.parse(await read(statePath(run)))).toMatchObject({ status: 'completed', run_id: run.run_id });
    expect(existsSync(join(run.results_path, 'reports', 'final_trade_decision.md'))).toBe(true);
  });
});

describe('RunManager.resume with memory and cassette overrides', () => {
  it('refuses a missing replay directory without touching the run, then resumes recording into a cassette', async () => {
    const { run } = await interruptedRun(1);
    const second = manager('auto');
    await second.m.loadHistory();
    const missing = join(results.dir, 'no-cassette');
    await expect(second.m.resume(run.run_id, { cassette: { mode: 'replay', dir: missing } })).rejects.toThrow(/does not exist/);
    expect(second.m.get(run.run_id)?.summary.status).toBe('interrupted');
    expect(JSON.parse(await read(join(run.results_path, 'config.json'))).cassette).toBeUndefined();

    const cassette = join(results.dir, 'cassette');
    await second.m.resume(run.run_id, { cassette: { mode: 'record', dir: cassette }, memory: false });
    expect((await second.m.whenFinished(run.run_id)).status).toBe('completed');
    const calls = second.providerOf('ACME').calls.length;
    const entries = (await readdir(cassette)).filter((n) => n.endsWith('.json'));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThanOrEqual(calls);
    // config.json says what the run continued with.
    expect(JSON.parse(await read(join(run.results_path, 'config.json')))).toMatchObject({
      cassette: { mode: 'record', dir: cassette },
      memory: false,
    });
  });
});

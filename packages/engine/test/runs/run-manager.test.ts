import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConflictError,
  LogEntrySchema,
  NotFoundError,
  RunUsageSchema,
  ShuttingDownError,
  TooManyRunsError,
  ValidationError,
  type RunSummary,
} from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManager, type RunManagerOptions } from '../../src/runs/run-manager.js';
import type { RunEvent } from '../../src/runs/run-manager-api.js';
import { expectCompleteResultsDir, fakeDeps, fakeSteps, tempDir, TODAY } from './support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

function manager(options: Partial<RunManagerOptions> & { mode?: 'auto' | 'manual' } = {}) {
  const { deps, providerOf } = fakeDeps({ mode: options.mode ?? 'auto' });
  const steps = fakeSteps();
  const events: RunEvent[] = [];
  const m = new RunManager({ deps, resultsDir: results.dir, steps, ...options });
  m.subscribe((e) => events.push(e));
  return { m, events, providerOf, steps };
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

describe('RunManager.start validation (all or nothing)', () => {
  it('refuses the whole batch when one ticker is bad, naming it and why', async () => {
    const { m, events } = manager();
    const attempt = m.start([
      { ticker: 'ACME', options: {} },
      { ticker: 'BAD$', options: {} },
    ]);
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(/BAD\$.*contains "\$"/);
    expect(m.list()).toEqual([]);
    expect(events).toEqual([]);
    expect(await readdir(results.dir)).toEqual([]);
  });

  it.each([
    [{ trade_date: '2024-05-11' }, /2024-05-11 is in the future \(today is 2024-05-10\)/],
    [{ trade_date: '2019-06-03' }, /outside the data \(the data of ACME covers 2020-01-02 to 2024-05-09\)/],
    [{ trade_date: '2024-02-30' }, /not a real calendar date/],
    [{ analysts: ['market', 'astrology'] }, /analysts/],
    [{ max_debate_rounds: 0 }, /at least 1 round/],
    [{ llm_provider: 'anthropic' }, /provider not available: ANTHROPIC_API_KEY is not set/],
  ])('refuses options %j with a clear message', async (options, message) => {
    const { m } = manager();
    await expect(m.start([{ ticker: 'ACME', options: options as never }])).rejects.toThrow(message);
    expect(m.list()).toEqual([]);
  });

  it('refuses an impossible position and an empty batch', async () => {
    const { m } = manager();
    await expect(m.start([{ ticker: 'ACME', options: {}, position: { side: 'long' } }])).rejects.toThrow(
      /a long position needs an entry_price/,
    );
    await expect(m.start([])).rejects.toThrow(/at least one ticker/);
    await expect(m.start([null as never, { ticker: 42 as never, options: null as never }])).rejects.toThrow(
      /request 1: expected \{ ticker, options \}, got null; \(empty ticker\): Invalid input: expected string/,
    );
  });

  it('defaults the trade date to the data’s last date and the models to the provider’s', async () => {
    const { m } = manager();
    const [run] = await m.start([{ ticker: ' acme ', options: {} }]);
    expect(run).toMatchObject({ ticker: 'ACME', trade_date: '2024-05-09', status: 'pending', provider: 'offline' });
    expect(m.get(run!.run_id)?.config).toMatchObject({ quick_think_llm: 'fake-quick', deep_think_llm: 'fake-deep' });
    await m.whenFinished(run!.run_id);
  });

  it('defaults each run to its own instrument’s last date when the data of tickers ends on different days', async () => {
    const { deps } = fakeDeps({ mode: 'auto' });
    const bars = deps.vendor.bars.bind(deps.vendor);
    // GLOBEX's data ends in March, while the vendor as a whole (and ACME) reaches 2024-05-09.
    deps.vendor = { ...deps.vendor, bars: async (t, range, signal) => (await bars(t, range, signal)).filter((b) => t !== 'GLOBEX' || b.date <= '2024-03-28') };
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const runs = await m.start([
      { ticker: 'ACME', options: {} },
      { ticker: 'GLOBEX', options: {} },
    ]);
    expect(runs.map((r) => [r.ticker, r.trade_date])).toEqual([
      ['ACME', '2024-05-09'],
      ['GLOBEX', '2020-01-02'],
    ]);
    await expect(m.start([{ ticker: 'GLOBEX', options: { trade_date: '2024-05-09' } }])).rejects.toThrow(/the data of GLOBEX covers 2020-01-02 to 2020-01-02/);
    await Promise.all(runs.map((r) => m.whenFinished(r.run_id)));
  });

  it('enforces maxParallelRuns over active runs, counting the new batch', async () => {
    const { m, providerOf } = manager({ mode: 'manual', maxParallelRuns: 2 });
    await expect(m.start(['ACME', 'GLOBEX', 'INITECH'].map((ticker) => ({ ticker, options: {} })))).rejects.toThrow(TooManyRunsError);
    const [a] = await m.start([{ ticker: 'ACME', options: {} }]);
    await m.start([{ ticker: 'GLOBEX', options: {} }]);
    await expect(m.start([{ ticker: 'INITECH', options: {} }])).rejects.toThrow(/exceed MAX_PARALLEL_RUNS=2 \(2 already active\)/);
    await providerOf('ACME').next();
    m.cancel(a!.run_id);
    await m.whenFinished(a!.run_id);
    await expect(m.start([{ ticker: 'INITECH', options: {} }])).resolves.toHaveLength(1);
    await m.shutdown();
  });
});

describe('RunManager: a whole run', () => {
  it('completes, reports events in order and writes a complete results directory', async () => {
    const { m, events } = manager();
    const [started] = await m.start([{ ticker: 'ACME', options: { trade_date: '2024-05-08' } }]);
    const runId = started!.run_id;
    expect(runId).toMatch(/^ACME--2024-05-10_12\.00\.00--[0-9a-f]{6}$/);
    const done = await m.whenFinished(runId);
    expect(done).toMatchObject({ status: 'completed', overall_progress: 100, action: 'BUY', error: null, current_phase: null });

    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('created');
    expect(kinds.at(-1)).toBe('finished');
    expect(kinds.filter((k) => k === 'changed').length).toBeGreaterThan(10);
    expect(kinds).toContain('log');

    const dir = done.results_path;
    expect(dir).toBe(join(results.dir, 'ACME', '2024-05-10_12.00.00'));
    await expectCompleteResultsDir(dir);
    expect((await readFile(join(dir, 'RUN_ID'), 'utf8')).trim()).toBe(runId);
    expect(await readJson(join(dir, 'config.json'))).toMatchObject({ ticker: 'ACME', trade_date: '2024-05-08' });
    expect(await readJson(join(dir, 'decision.json'))).toMatchObject({ action: 'BUY', ticker: 'ACME', risk_metrics: { entry_price: 100 } });
    const state = await readJson(join(dir, 'state.json'));
    expect(state).toMatchObject({
      machine_version: 1,
      run_id: runId,
      status: 'completed',
      snapshot: { value: 'completed', status: 'done' },
    });
    expect(await readFile(join(dir, 'reports', 'final_trade_decision.md'), 'utf8')).toContain('portfolio_manager.manager says hello');

    // Usage: 12 agent calls; the quick model is priced, the deep one is not, so the total cost is unknown.
    const usage = RunUsageSchema.parse(await readJson(join(dir, 'usage.json')));
    expect(usage.total).toEqual({ calls: 12, input_tokens: 120, output_tokens: 60, cost_usd: null });
    expect(usage.by_model['fake-quick']).toEqual({ calls: 10, input_tokens: 100, output_tokens: 50, cost_usd: (100 * 1 + 50 * 2) / 1e6 });
    expect(usage.by_agent['trader.trader']?.calls).toBe(1);
    expect(m.get(runId)?.usage).toEqual(usage);

    // message_tool.log: one line per appended message (two per step).
    const messages = (await readFile(join(dir, 'message_tool.log'), 'utf8')).trimEnd().split('\n');
    expect(messages).toHaveLength(24);
    expect(messages[0]).toMatch(/^2024-05-10T12:00:00\.000Z \[analysts\.\w+\] → asking fake-quick$/);

    // run.log: every entry, in seq order, same as the buffer (which is large enough here).
    const lines = (await readFile(join(dir, 'run.log'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => LogEntrySchema.parse(JSON.parse(l)));
    const { entries, last_seq } = m.logs(runId)!;
    expect(lines.map((e) => e.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    expect(last_seq).toBe(lines.length);
    expect(entries.length).toBe(Math.min(250, lines.length));
    expect(lines.some((e) => e.source === 'state' && e.message === 'research_debate completed after 0 ms')).toBe(true);
    expect(lines.some((e) => e.source === 'agent' && e.agent_id === 'analysts.news' && e.message === 'thinking')).toBe(true);

    const view = m.get(runId)!;
    expect(view.contents['analysts.market.messages']).toBe('→ asking fake-quick\n← analysts.market says hello\n');
    expect(view.contents['trader.trader.report']).toContain('trader.trader says hello');
    expect(view.decision?.action).toBe('BUY');
  });

  it('hands each step an AgentContext with the run’s config, instrument, position and signal', async () => {
    const { m, steps } = manager();
    const position = { side: 'long' as const, entry_price: 90, stop_loss: 80 };
    const [run] = await m.start([{ ticker: 'GLOBEX', options: { analysts: ['market'] }, position }]);
    await m.whenFinished(run!.run_id);
    const ctx = steps.seen[0]!;
    expect(ctx).toMatchObject({
      runId: run!.run_id,
      agentId: 'analysts.market',
      role: 'market_analyst',
      position,
      instrument: { name: 'GLOBEX Corp' },
    });
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(steps.seen.map((c) => c.agentId)).toContain('portfolio_manager.manager');
  });

  it('ends in error with error.log when the data check fails, without crashing', async () => {
    const { m } = manager();
    const [run] = await m.start([{ ticker: 'NODATA', options: {} }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done).toMatchObject({ status: 'error', error: 'no market data for NODATA' });
    const errorLog = await readFile(join(done.results_path, 'error.log'), 'utf8');
    expect(errorLog).toMatch(/^no market data for NODATA\n\nDataUnavailableError: no market data for NODATA\n\s+at /);
    expect(existsSync(join(done.results_path, 'decision.json'))).toBe(false);
    expect(await readJson(join(done.results_path, 'state.json'))).toMatchObject({ status: 'error' });
    expect(m.get(run!.run_id)?.tree.find((p) => p.id === 'analysts')).toMatchObject({
      status: 'error',
      error: 'no market data for NODATA',
    });
  });

  it('gives two runs of one ticker started in the same second two directories', async () => {
    const { m } = manager();
    const runs = await m.start([
      { ticker: 'ACME', options: {} },
      { ticker: 'ACME', options: {} },
    ]);
    expect(runs.map((r) => r.results_path)).toEqual([
      join(results.dir, 'ACME', '2024-05-10_12.00.00'),
      join(results.dir, 'ACME', '2024-05-10_12.00.00_2'),
    ]);
    expect(new Set(runs.map((r) => r.run_id)).size).toBe(2);
    await Promise.all(runs.map((r) => m.whenFinished(r.run_id)));
    for (const r of runs) expect((await readFile(join(r.results_path, 'RUN_ID'), 'utf8')).trim()).toBe(r.run_id);
  });

  it('records the actor’s inspection events', async () => {
    const { m } = manager();
    const [run] = await m.start([{ ticker: 'ACME', options: {} }]);
    await m.whenFinished(run!.run_id);
    const records = m.inspection(run!.run_id)!;
    expect(records.length).toBeGreaterThan(50);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    expect(records.some((r) => r.type === '@xstate.event' && r.event === 'START')).toBe(true);
    // The run actor and one actor per invoked step (12 agents + the decision extraction).
    expect(records.filter((r) => r.type === '@xstate.actor')).toHaveLength(14);
    expect(records.at(-1)?.state).toBe('completed');
    expect(JSON.parse(JSON.stringify(records))).toEqual(records);
    expect(m.inspection('nope')).toBeUndefined();
  });

  it('bounds the in-memory log and can turn off log events', async () => {
    const { m, events } = manager({ logBufferMaxLines: 5, enableLogStream: false });
    const [run] = await m.start([{ ticker: 'ACME', options: {} }]);
    await m.whenFinished(run!.run_id);
    const { entries, last_seq } = m.logs(run!.run_id)!;
    expect(entries.map((e) => e.seq)).toEqual([last_seq - 4, last_seq - 3, last_seq - 2, last_seq - 1, last_seq]);
    expect(events.some((e) => e.type === 'log')).toBe(false);
  });
});

describe('RunManager: cancellation interleavings', () => {
  it('cancel before the start: canceled without a single model call, files written', async () => {
    const { m, providerOf } = manager({ mode: 'manual' });
    const [run] = await m.start([{ ticker: 'ACME', options: {} }]);
    m.cancel(run!.run_id);
    // The status shows `canceled` only once its final files are on disk (issue 11).
    expect(m.get(run!.run_id)?.summary.status).toBe('pending');
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('canceled');
    expect(providerOf('ACME').calls).toHaveLength(0);
    expect(await readJson(join(done.results_path, 'state.json'))).toMatchObject({ status: 'canceled' });
    expect(existsSync(join(done.results_path, 'usage.json'))).toBe(true);
  });

  it('cancel during a phase: canceled at once, the in-flight call aborted, files written', async () => {
    const { m, providerOf } = manager({ mode: 'manual' });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'] } }]);
    const provider = providerOf('ACME');
    (await provider.next()).answer('market report');
    const bull = await provider.next();
    expect(bull.request.meta.agentId).toBe('research_debate.bull');
    expect(m.get(run!.run_id)?.summary).toMatchObject({ status: 'in_progress', current_phase: 'research_debate' });
    m.cancel(run!.run_id);
    expect(bull.signal.aborted).toBe(true);
    expect(m.get(run!.run_id)?.summary.status).toBe('in_progress');
    const done = await m.whenFinished(run!.run_id);
    expect(done).toMatchObject({ status: 'canceled', action: null });
    expect(provider.calls).toHaveLength(2);
    const dir = done.results_path;
    expect(await readFile(join(dir, 'reports', 'market_report.md'), 'utf8')).toContain('market report');
    expect(await readJson(join(dir, 'state.json'))).toMatchObject({ status: 'canceled', snapshot: { value: 'canceled' } });
    expect(existsSync(join(dir, 'decision.json'))).toBe(false);
    const tree = m.get(run!.run_id)!.tree;
    expect(tree.find((p) => p.id === 'analysts')?.status).toBe('completed');
    expect(tree.find((p) => p.id === 'research_debate')?.status).toBe('canceled');
  });

  it('cancel after completion: ConflictError and nothing changes', async () => {
    const { m, events } = manager();
    const [run] = await m.start([{ ticker: 'ACME', options: {} }]);
    await m.whenFinished(run!.run_id);
    const before = m.get(run!.run_id)!.summary;
    const count = events.length;
    expect(() => m.cancel(run!.run_id)).toThrow(ConflictError);
    expect(() => m.cancel(run!.run_id)).toThrow(/already ended \(completed\)/);
    expect(m.get(run!.run_id)!.summary).toEqual(before);
    expect(events).toHaveLength(count);
  });

  it('double cancel: the second is a no-op', async () => {
    const { m, providerOf } = manager({ mode: 'manual' });
    const [run] = await m.start([{ ticker: 'ACME', options: {} }]);
    await providerOf('ACME').next();
    m.cancel(run!.run_id);
    expect(() => m.cancel(run!.run_id)).not.toThrow();
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('canceled');
    expect(() => m.cancel(run!.run_id)).not.toThrow();
    expect(m.logs(run!.run_id)!.entries.filter((e) => e.message === 'cancel requested')).toHaveLength(1);
  });

  it('cancel of an unknown run: NotFoundError', async () => {
    const { m } = manager();
    expect(() => m.cancel('ACME--2024-05-10_12.00.00--abcdef')).toThrow(NotFoundError);
    await expect(m.whenFinished('nope')).rejects.toThrow(NotFoundError);
  });

  it('shutdown cancels every active run and waits for their files', async () => {
    const { m, providerOf } = manager({ mode: 'manual' });
    const runs = await m.start([
      { ticker: 'ACME', options: {} },
      { ticker: 'GLOBEX', options: {} },
    ]);
    await providerOf('ACME').next();
    await m.shutdown();
    expect(m.list().map((s) => s.status)).toEqual(['canceled', 'canceled']);
    for (const r of runs) expect(await readJson(join(r.results_path, 'state.json'))).toMatchObject({ status: 'canceled' });
    await expect(m.start([{ ticker: 'ACME', options: {} }])).rejects.toThrow(ShuttingDownError);
  });
});

describe('RunManager: history and pruning', () => {
  it('lists the runs of a previous process after a restart, unfinished ones as interrupted', async () => {
    const first = manager();
    const [completed] = await first.m.start([{ ticker: 'ACME', options: {} }]);
    await first.m.whenFinished(completed!.run_id);
    const [failed] = await first.m.start([{ ticker: 'NODATA', options: {} }]);
    await first.m.whenFinished(failed!.run_id);
    // A run cut short by a crash: its state.json was last saved mid-run.
    const [cut] = await first.m.start([{ ticker: 'GLOBEX', options: {} }]);
    await first.m.whenFinished(cut!.run_id);
    const statePath = join(cut!.results_path, 'state.json');
    const state = await readJson(statePath);
    // Saved at the portfolio manager's step, before the decision (decision.json would mean it had ended).
    const midRun = { ...state, status: 'in_progress', snapshot: { ...(state.snapshot as object), status: 'active', value: { in_progress: 'portfolio_manager' } } };
    await import('node:fs/promises').then(async (fs) => {
      await fs.writeFile(statePath, JSON.stringify(midRun));
      await fs.rm(join(cut!.results_path, 'decision.json'));
    });
    // Something that is not a run.
    await import('node:fs/promises').then((fs) => fs.mkdir(join(results.dir, 'ACME', '2024-01-01_00.00.00'), { recursive: true }));

    const second = manager();
    const skipped = await second.m.loadHistory();
    expect(skipped).toEqual([{ dir: join(results.dir, 'ACME', '2024-01-01_00.00.00'), reason: expect.stringContaining('RUN_ID') }]);
    const byId = new Map(second.m.list().map((s) => [s.run_id, s] as [string, RunSummary]));
    expect(byId.get(completed!.run_id)).toMatchObject({
      status: 'completed',
      action: 'BUY',
      overall_progress: 100,
      results_path: completed!.results_path,
    });
    expect(byId.get(failed!.run_id)).toMatchObject({ status: 'error', error: 'no market data for NODATA' });
    expect(byId.get(cut!.run_id)?.status).toBe('interrupted');
    expect(second.events.filter((e) => e.type === 'finished')).toHaveLength(3);

    const view = second.m.get(completed!.run_id)!;
    expect(view.decision?.action).toBe('BUY');
    expect(view.contents['analysts.market.report']).toContain('analysts.market says hello');
    expect(view.usage.total.calls).toBe(12);
    expect(second.m.logs(completed!.run_id)!.last_seq).toBe(first.m.logs(completed!.run_id)!.last_seq);
    expect(() => second.m.cancel(completed!.run_id)).toThrow(ConflictError);
    expect(() => second.m.cancel(cut!.run_id)).toThrow(/not running \(interrupted\)/);
    await expect(second.m.whenFinished(completed!.run_id)).resolves.toMatchObject({ status: 'completed' });
    // Loading twice adds nothing.
    await second.m.loadHistory();
    expect(second.m.list()).toHaveLength(3);
    // A year later, pruning drops the old finished runs from memory but keeps the interrupted one: it waits to be resumed.
    const later = new RunManager({ deps: fakeDeps({ mode: 'auto', now: () => Date.now() + 365 * 86_400_000 }).deps, resultsDir: results.dir, steps: fakeSteps() });
    await later.loadHistory();
    expect(later.prune(1000).sort()).toEqual([completed!.run_id, failed!.run_id].sort());
    expect(later.list().map((s) => s.run_id)).toEqual([cut!.run_id]);
  });

  it('prunes finished runs older than the given age, never active ones', async () => {
    let now = TODAY;
    const { deps, providerOf } = fakeDeps({ mode: 'manual', now: () => now });
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const removed: string[] = [];
    m.subscribe((e) => e.type === 'removed' && removed.push(e.run_id));
    const [old, active] = await m.start([
      { ticker: 'ACME', options: {} },
      { ticker: 'GLOBEX', options: {} },
    ]);
    m.cancel(old!.run_id);
    await m.whenFinished(old!.run_id);
    now += 60_000;
    expect(m.prune(120_000)).toEqual([]);
    expect(m.prune(30_000)).toEqual([old!.run_id]);
    expect(removed).toEqual([old!.run_id]);
    expect(m.get(old!.run_id)).toBeUndefined();
    expect(m.list().map((s) => s.run_id)).toEqual([active!.run_id]);
    expect(() => m.prune(-1)).toThrow(ValidationError);
    await providerOf('GLOBEX').next();
    await m.shutdown();
  });
});

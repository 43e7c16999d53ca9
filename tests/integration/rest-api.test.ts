import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const runIdsOf = (res: { json: { runs: Array<{ run_id: string }> } }) => res.json.runs.map((r) => r.run_id);

describe('starting runs', () => {
  it('accepts the seed form fields and runs every ticker to a decision on disk', async () => {
    h = await startHarness();
    const res = await h.api('POST', '/start-multi', {
      form: {
        company_symbols: 'acme, umbrella',
        llm_provider: 'offline',
        max_debate_rounds: '1',
        analysts: 'market,fundamentals',
        instrument_positions: '{"ACME":{"side":"long","entry_price":50}}',
      },
    });
    expect(res.status).toBe(202);
    expect(res.json.runs.map((r: { ticker: string }) => r.ticker)).toEqual(['ACME', 'UMBRELLA']);
    const summaries = await Promise.all(runIdsOf(res).map((id) => h!.manager.whenFinished(id)));
    expect(summaries.map((s) => s.status)).toEqual(['completed', 'completed']);
    expect(h.manager.get(runIdsOf(res)[0]!)!.config.position).toEqual({ side: 'long', entry_price: 50 });
    expect((await readdir(h.resultsDir)).sort()).toEqual(['ACME', 'UMBRELLA']);
  });

  it('legacy /start-process starts one run', async () => {
    h = await startHarness();
    const res = await h.api('POST', '/start-process', { form: { company_symbol: 'STARK' } });
    expect(res).toMatchObject({ status: 202, json: { count: 1, runs: [{ ticker: 'STARK' }] } });
    expect(res.json.run_id).toBe(res.json.runs[0].run_id);
  });

  it.each([
    ['bad tickers, all named', { company_symbols: 'ACME,../../etc,B$D' }, /invalid tickers: .*\.\.\/\.\.\/etc.*B\$D/],
    ['too many tickers', { company_symbols: 'A,B,C,D,E,F,G,H,I,J,K' }, /too many tickers: 11/],
    ['an unknown field', { company_symbols: 'ACME', risk_appetite: 'high' }, /unknown field "risk_appetite"/],
    ['a date that does not exist', { company_symbols: 'ACME', analysis_date: '2024-02-31' }, /analysis_date: not a real calendar date/],
    ['a future date', { company_symbols: 'ACME', analysis_date: '2999-01-04' }, /in the future/],
    ['a date before the data', { company_symbols: 'ACME', analysis_date: '1990-01-02' }, /outside the data/],
    [
      'a position for another symbol',
      { company_symbols: 'ACME', instrument_positions: { MSFT: { side: 'none' } } },
      /instrument_positions names MSFT/,
    ],
  ])('400 for %s, and no run or directory is created', async (_name, json, message) => {
    h = await startHarness();
    const res = await h.api('POST', '/start-multi', { json });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect((await h.api('GET', '/runs')).json.runs).toEqual([]);
    expect(await readdir(h.resultsDir)).toEqual([]);
  });

  it('429 when MAX_PARALLEL_RUNS would be exceeded, all or nothing', async () => {
    h = await startHarness({ env: { MAX_PARALLEL_RUNS: '2' } });
    expect((await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME,GLOBEX,INITECH' } })).status).toBe(429);
    expect((await h.api('GET', '/runs')).json.runs).toEqual([]);
    const first = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', offline_latency_ms: 50 } });
    expect(first.status).toBe(202);
    const second = await h.api('POST', '/start-multi', { json: { company_symbols: 'GLOBEX,INITECH' } });
    expect(second.status).toBe(429);
    expect(second.json.error).toMatch(/MAX_PARALLEL_RUNS=2/);
    expect((await h.api('GET', '/runs')).json.runs).toHaveLength(1);
    await h.api('POST', `/runs/${runIdsOf(first)[0]}/cancel`);
    await h.manager.whenFinished(runIdsOf(first)[0]!);
    expect((await h.api('POST', '/start-multi', { json: { company_symbols: 'GLOBEX,INITECH' } })).status).toBe(202);
  });

  it('ENABLE_MULTI_RUN=0: one symbol per request and one active run at a time', async () => {
    h = await startHarness({ env: { ENABLE_MULTI_RUN: '0' } });
    expect((await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME,GLOBEX' } })).json.error).toMatch(/ENABLE_MULTI_RUN=0/);
    const first = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', offline_latency_ms: 50 } });
    expect(first.status).toBe(202);
    expect((await h.api('POST', '/start-process', { json: { ticker: 'GLOBEX' } })).status).toBe(429);
    await h.api('POST', `/runs/${runIdsOf(first)[0]}/cancel`);
    await h.manager.whenFinished(runIdsOf(first)[0]!);
    expect((await h.api('POST', '/start-process', { json: { ticker: 'GLOBEX' } })).status).toBe(202);
  });

  it('400 naming every ticker the data does not have, before anything starts', async () => {
    h = await startHarness();
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME,NOPE,GLOBEX,GONE' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/^no market data for NOPE, GONE; the data has ACME, GLOBEX/);
    expect((await h.api('GET', '/runs')).json.runs).toEqual([]);
  });

  it('413 for an oversized body, 400 for bad JSON', async () => {
    h = await startHarness({ env: { BODY_LIMIT: '4kb' } });
    const big = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', quick_think_llm: 'x'.repeat(10_000) } });
    expect(big).toMatchObject({ status: 413, json: { error: 'request body is larger than the limit of 4096 bytes' } });
    const res = await fetch(`${h.url}/start-multi`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not valid JSON/);
  });
});

describe('reading runs', () => {
  it('serves list, filter, status, tree, decision (404 until ready) and cancel codes', async () => {
    h = await startHarness();
    const slow = await h.api('POST', '/start-multi', { json: { company_symbols: 'HOOLI', offline_latency_ms: 10_000 } });
    const slowId = runIdsOf(slow)[0]!;
    const early = await h.api('GET', `/runs/${slowId}/decision`);
    expect(early.status).toBe(404);
    expect(early.json.error).toMatch(/no decision for run/);

    const fast = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME' } });
    const fastId = runIdsOf(fast)[0]!;
    await h.manager.whenFinished(fastId);
    expect(runIdsOf(await h.api('GET', '/runs'))).toEqual([slowId, fastId]);
    expect(runIdsOf(await h.api('GET', '/runs?status=completed'))).toEqual([fastId]);
    expect((await h.api('GET', '/runs?status=done')).status).toBe(400);
    expect((await h.api('GET', `/runs/${fastId}/status`)).json).toMatchObject({
      run_id: fastId,
      ticker: 'ACME',
      status: 'completed',
      overall_progress: 100,
    });
    const tree = await h.api('GET', `/runs/${fastId}/tree`);
    expect(tree.json.execution_tree.map((n: { id: string }) => n.id)).toEqual([
      'analysts',
      'research_debate',
      'research_manager',
      'trader',
      'risk_debate',
      'portfolio_manager',
    ]);
    const decision = await h.api('GET', `/runs/${fastId}/decision`);
    expect(decision.json.decision).toMatchObject({ ticker: 'ACME', action: expect.stringMatching(/^(BUY|SELL|HOLD)$/) });
    expect(decision.json.decision_html).toContain(`<strong>${decision.json.decision.action}</strong>`);

    const cancel = await h.api('POST', `/runs/${slowId}/cancel`);
    expect(cancel.status).toBe(202);
    expect((await h.api('POST', `/runs/${slowId}/cancel`)).status).toBeOneOf([202, 409]);
    expect((await h.manager.whenFinished(slowId)).status).toBe('canceled');
    expect((await h.api('POST', `/runs/${slowId}/cancel`)).status).toBe(202);
    expect((await h.api('POST', `/runs/${fastId}/cancel`)).status).toBe(409);
    expect((await h.api('POST', '/runs/ACME--2024-01-01_00.00.00--abcdef/cancel')).status).toBe(404);
    expect((await h.api('GET', '/runs/not-a-run/tree')).status).toBe(400);
    expect(await h.api('GET', '/nothing/here')).toMatchObject({ status: 404, json: { error: 'no route for GET /nothing/here' } });
  });

  it('filters, pages and downloads logs', async () => {
    h = await startHarness();
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'INITECH' } });
    const runId = runIdsOf(res)[0]!;
    await h.manager.whenFinished(runId);
    const all = await h.api('GET', `/runs/${runId}/logs?severity=TRACE&limit=500`);
    expect(all.json.returned).toBeGreaterThan(5);
    expect(all.json.total_seq).toBe(all.json.entries.at(-1).seq);

    const page1 = await h.api('GET', `/runs/${runId}/logs?severity=TRACE&limit=3`);
    const page2 = await h.api('GET', `/runs/${runId}/logs?severity=TRACE&limit=3&after_seq=${page1.json.last_seq}`);
    expect([...page1.json.entries, ...page2.json.entries]).toEqual(all.json.entries.slice(0, 6));

    const state = await h.api('GET', `/runs/${runId}/logs?severity=TRACE&limit=500&sources=state`);
    expect(state.json.entries.every((e: { source: string }) => e.source === 'state')).toBe(true);
    const warnUp = await h.api('GET', `/runs/${runId}/logs?severity=WARN&limit=500`);
    expect(warnUp.json.entries.every((e: { severity: string }) => e.severity === 'WARN' || e.severity === 'ERROR')).toBe(true);
    const completed = await h.api('GET', `/runs/${runId}/logs?q=RUN%20COMPLETED`);
    expect(completed.json.returned).toBeGreaterThan(0);
    expect(completed.json.entries.every((e: { message: string }) => e.message.startsWith('run completed'))).toBe(true);
    expect((await h.api('GET', `/runs/${runId}/logs?limit=0`)).status).toBe(400);

    const file = await h.api('GET', `/runs/${runId}/logs/download`);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${runId}.log"`);
    const lines = file.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^# run_id=${runId} generated_at=\\d{4}-\\d{2}-\\d{2}T\\S+Z entries=${all.json.returned}$`));
    expect(lines).toHaveLength(all.json.returned + 1);
    expect(lines[1]).toMatch(/^\[\d{4}-\d{2}-\d{2}T[^\]]+\] \[(TRACE|DEBUG|INFO|WARN|ERROR)\] \[\w+\] \[[^\]]+\] .+$/);
  });
});

describe('server metadata', () => {
  it('serves providers, limiter, phase metrics, Prometheus metrics and health', async () => {
    h = await startHarness();
    const providers = await h.api('GET', '/config/providers');
    expect(providers.json.providers.map((p: { name: string }) => p.name)).toContain('offline');
    expect(providers.json.data).toMatchObject({ vendor: 'demo', tickers: expect.arrayContaining(['ACME', 'GLOBEX']) });
    // Every ticker with its own dates, so the form can offer them all and default the date.
    const instruments = providers.json.data.instruments as Array<{ ticker: string; first_date: string; last_date: string; demo: boolean }>;
    expect(instruments.map((i) => i.ticker).sort()).toEqual([...providers.json.data.tickers].sort());
    expect(instruments.every((i) => i.demo && i.first_date <= i.last_date)).toBe(true);
    expect(Array.isArray((await h.api('GET', '/metrics/concurrency')).json.layers)).toBe(true);

    // Asked before any run: the answer kept for this (empty) history must not outlive it.
    expect((await h.api('GET', '/metrics/phases')).json).toEqual({ runs: 0, phases: {}, by_status: {} });
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME,GLOBEX' } });
    await Promise.all(runIdsOf(res).map((id) => h!.manager.whenFinished(id)));
    const phases = await h.api('GET', '/metrics/phases');
    expect(phases.json.runs).toBe(2);
    expect(phases.json.by_status).toEqual({ completed: 2 });
    expect(Object.keys(phases.json.phases)).toEqual([
      'analysts',
      'research_debate',
      'research_manager',
      'trader',
      'risk_debate',
      'portfolio_manager',
    ]);
    for (const p of Object.values(phases.json.phases) as Array<{ count: number; avg_ms: number; p95_ms: number }>) {
      expect(p.count).toBe(2);
      expect(p.p95_ms).toBeGreaterThanOrEqual(p.avg_ms);
    }
    const prom = await h.api('GET', '/metrics');
    expect(prom.text).toContain('tradingfloor_runs{status="completed"} 2');
    expect(prom.text).toContain('tradingfloor_runs_started_total 2');
    expect(prom.text).toMatch(/tradingfloor_phase_duration_seconds_count\{phase="trader",status="completed"\} 2/);
    expect((await h.api('GET', '/healthz')).json).toMatchObject({ status: 'ok', runs: 2, active_runs: 0 });
  });
});

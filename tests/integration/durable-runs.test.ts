import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '@tradingfloor/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider, type FakeRequest } from '../support/fake-provider/index.js';
import { spawn } from 'node:child_process';
import { builtCli, repoRoot, requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { WsRecorder } from '../support/ws-recorder.js';

const ANALYST_REPORTS = ['market_report.md', 'sentiment_report.md', 'news_report.md', 'fundamentals_report.md'];
const isAnalyst = (req: FakeRequest) => /on the research team of a trading desk/.test(req.system);
const isResearcher = (req: FakeRequest) => /in a structured research debate/.test(req.system);

let fake: FakeProvider;
let results: string;
let server: SpawnedServer | undefined;
const clients: WsRecorder[] = [];

beforeAll(async () => {
  requireBuiltCli();
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  fake.reset();
  results = await mkdtemp(path.join(os.tmpdir(), 'tf-durable-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.kill();
  server = undefined;
  await rm(results, { recursive: true, force: true });
});

/** The server's whole environment: the openai provider pointed at the fake server, nothing from the shell. */
const env = () => ({
  OPENAI_BASE_URL: fake.openaiBaseURL,
  OPENAI_API_KEY: 'sk-fake-test',
  LLM_MAX_CONCURRENCY: '16',
  // In-process, or engine threads in the `integration-threads` project (the CLI `resume` below too).
  ENGINE_THREADS: process.env.ENGINE_THREADS ?? '0',
});

/** Test code reads arbitrary JSON bodies; each assertion states the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;

async function api(method: string, urlPath: string, json?: unknown): Promise<{ status: number; json: AnyJson }> {
  const res = await fetch(`${server!.url}${urlPath}`, {
    method,
    ...(json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
  return { status: res.status, json: await res.json() };
}

const readState = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as { status: string; snapshot: { value: unknown } };
const readReports = (dir: string) => Promise.all(ANALYST_REPORTS.map((name) => readFile(path.join(dir, 'reports', name))));

describe('durable runs: SIGKILL the server during the research debate, restart, resume', () => {
  it('both runs complete with byte-identical analyst reports and no repeated analyst calls; a corrupted snapshot gives error', async () => {
    const answer = createDefaultScript();
    let holdDebate = true;
    // Before the kill every debate turn hangs, so all three runs sit in the research debate.
    fake.setScript((req) => (holdDebate && isResearcher(req) ? { kind: 'hang' } : answer(req)));

    server = await spawnServer(['--results-dir', results], env());
    const started = await api('POST', '/start-multi', { company_symbols: 'ACME,GLOBEX,INITECH', llm_provider: 'openai' });
    expect(started.status).toBe(202);
    const ids = Object.fromEntries(started.json.runs.map((r: { ticker: string; run_id: string }) => [r.ticker, r.run_id])) as Record<string, string>;

    // Each run's bull turn is held at the fake provider: all analysts are done, the debate has begun.
    await fake.waitUntil((f) => f.requests.filter(isResearcher).length === 3);
    const dirs: Record<string, string> = {};
    for (const [ticker, runId] of Object.entries(ids)) {
      const status = (await api('GET', `/runs/${runId}/status`)).json as RunSummary;
      expect(status).toMatchObject({ status: 'in_progress', current_phase: 'research_debate' });
      dirs[ticker] = status.results_path;
    }
    // The checkpoint taken when the bull turn began is on disk.
    await vi.waitFor(
      async () => {
        for (const dir of Object.values(dirs)) expect((await readState(dir)).snapshot.value).toEqual({ in_progress: { research_debate: 'bull' } });
      },
      { timeout: 20_000, interval: 25 },
    );
    const reportsBefore = { ACME: await readReports(dirs.ACME!), GLOBEX: await readReports(dirs.GLOBEX!) };
    const analystCallsBefore = fake.requests.filter(isAnalyst).length;
    expect(analystCallsBefore).toBeGreaterThanOrEqual(3 * 4 * 2); // 4 analysts × (tool calls + report) × 3 runs

    await server.kill();
    expect(server.child.signalCode).toBe('SIGKILL');
    // INITECH's snapshot is damaged as by a torn write.
    const initechState = path.join(dirs.INITECH!, 'state.json');
    const text = await readFile(initechState, 'utf8');
    await writeFile(initechState, text.slice(0, Math.floor(text.length / 2)));

    holdDebate = false;
    fake.reset();
    server = await spawnServer(['--results-dir', results], env());
    const listed = new Map(((await api('GET', '/runs')).json.runs as RunSummary[]).map((r) => [r.ticker, r]));
    expect(listed.get('ACME')).toMatchObject({ run_id: ids.ACME, status: 'interrupted', current_phase: 'research_debate' });
    expect(listed.get('GLOBEX')).toMatchObject({ run_id: ids.GLOBEX, status: 'interrupted' });
    expect(listed.get('INITECH')).toMatchObject({ run_id: ids.INITECH, status: 'error' });
    expect(listed.get('INITECH')!.error).toMatch(/^cannot resume: state\.json is damaged \(not valid JSON/);
    expect(await readFile(path.join(dirs.INITECH!, 'error.log'), 'utf8')).toBe(`${listed.get('INITECH')!.error}\n`);
    expect(await readReports(dirs.INITECH!)).toHaveLength(4); // nothing else of it was lost

    const resumable = ['ACME', 'GLOBEX'] as const;
    const watchers = await Promise.all(
      resumable.map(async (ticker) => {
        const client = await WsRecorder.connect(`${server!.url.replace('http', 'ws')}/ws?run_id=${ids[ticker]}`);
        clients.push(client);
        await client.next('init_run');
        return client;
      }),
    );
    for (const ticker of resumable) {
      const res = await api('POST', `/runs/${ids[ticker]}/resume`);
      expect(res.status).toBe(202);
      expect(res.json).toEqual({ run_id: ids[ticker], status: 'in_progress' });
    }
    const refused = await api('POST', `/runs/${ids.INITECH}/resume`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatch(/is error; only an interrupted run can be resumed/);

    const ends = await Promise.all(watchers.map((w) => w.waitFor((m) => m.type === 'status_update_run', 0, 60_000)));
    expect(ends.map((m) => (m.type === 'status_update_run' ? [m.status, m.final_decision?.action] : null))).toEqual([
      ['completed', 'HOLD'],
      ['completed', 'HOLD'],
    ]);

    // No analyst was asked again; each run redid only its interrupted bull turn, then went on.
    expect(fake.requests.filter(isAnalyst)).toHaveLength(0);
    expect(fake.requests.filter(isResearcher)).toHaveLength(4);
    for (const ticker of resumable) {
      expect(await readReports(dirs[ticker]!)).toEqual(reportsBefore[ticker]);
      // The end is announced only once its files are on disk, the final state.json last (issue 11).
      expect((await readState(dirs[ticker]!)).status).toBe('completed');
      expect(existsSync(path.join(dirs[ticker]!, 'decision.json'))).toBe(true);
    }
    expect(await server.stop()).toBe(0);
    server = undefined;
  });

  it('`tradingfloor resume <run_id>` finishes one interrupted run; RESUME_INTERRUPTED=1 resumes the other at start-up', async () => {
    let holdDebate = true;
    const answer = createDefaultScript({ action: 'BUY' });
    fake.setScript((req) => (holdDebate && isResearcher(req) ? { kind: 'hang' } : answer(req)));
    server = await spawnServer(['--results-dir', results], env());
    const started = await api('POST', '/start-multi', { company_symbols: 'UMBRELLA,STARK', llm_provider: 'openai', analysts: 'market' });
    const [umbrella, stark] = started.json.runs.map((r: { run_id: string }) => r.run_id) as [string, string];
    await fake.waitUntil((f) => f.requests.filter(isResearcher).length === 2);
    const dirs = await Promise.all([umbrella, stark].map(async (id) => (await api('GET', `/runs/${id}/status`)).json.results_path as string));
    await vi.waitFor(
      async () => {
        for (const dir of dirs) expect((await readState(dir)).snapshot.value).toEqual({ in_progress: { research_debate: 'bull' } });
      },
      { timeout: 20_000, interval: 25 },
    );
    await server.kill();
    server = undefined;
    holdDebate = false;
    fake.reset();

    // The CLI resumes one run in its own process and exits once it is done.
    const cli = spawn(process.execPath, [builtCli, 'resume', umbrella, '--results-dir', results], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    cli.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    cli.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
    expect(code, out).toBe(0);
    expect(out).toContain(`resuming ${umbrella}`);
    expect(out).toMatch(/1\/1 runs completed/);
    expect(fake.requests.filter(isAnalyst)).toHaveLength(0);

    server = await spawnServer(['--results-dir', results], { ...env(), RESUME_INTERRUPTED: '1' });
    await server.waitForOutput(/RESUME_INTERRUPTED: resumed 1 of 1 interrupted run\(s\)/);
    const watcher = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws?run_id=${stark}`);
    clients.push(watcher);
    const end = await watcher.waitFor((m) => (m.type === 'init_run' || m.type === 'status_update_run') && m.status === 'completed', 0, 60_000);
    expect(end).toMatchObject({ run_id: stark, status: 'completed' });
    expect((await api('GET', `/runs/${umbrella}/status`)).json.status).toBe('completed');
    expect((await api('GET', `/runs/${stark}/decision`)).json.decision.action).toBe('BUY');
    expect(fake.requests.filter(isAnalyst)).toHaveLength(0);
    expect(await server.stop()).toBe(0);
    server = undefined;
  });
});

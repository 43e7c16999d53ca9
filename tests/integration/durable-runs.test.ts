import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '@tradingfloor/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider, type FakeRequest } from '../support/fake-provider/index.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
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
  results = await mkdtemp(path.join(os.tmpdir(), 'tf-durable-'));
});
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.kill();
  await fake?.close();
  if (results) await rm(results, { recursive: true, force: true });
});

/** The server's whole environment: the openai provider pointed at the fake server, nothing from the shell. */
const env = () => ({ OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'sk-fake-test', LLM_MAX_CONCURRENCY: '16' });

async function api(method: string, urlPath: string, json?: unknown): Promise<{ status: number; json: any }> {
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
    const started = await api('POST', '/start-multi', { company_symbols: 'ACME,GLOBEX,INITECH', llm_provider: 'openai', analysts: 'market,social,news,fundamentals' });
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
      expect((await readState(dirs[ticker]!)).status).toBe('completed');
      expect(existsSync(path.join(dirs[ticker]!, 'decision.json'))).toBe(true);
    }
    expect(await server.stop()).toBe(0);
    server = undefined;
  });
});

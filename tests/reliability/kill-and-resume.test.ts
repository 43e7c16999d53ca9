import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '@tradingfloor/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { WsRecorder } from '../support/ws-recorder.js';
import { api, everyJsonParses, LONG, seeded, stableFiles, writeFigures } from './support.js';

/**
 * SIGKILL or SIGTERM the server at a random moment of a two-run batch (a seeded number of model requests
 * in), restart it with RESUME_INTERRUPTED=1 and let the runs finish; then every run must be completed with
 * exactly the reports and decision of a batch that was never stopped, and every JSON file must parse.
 * Figures (cases tried, survived, lost) are written to `figures/kill-and-resume.json` for the README.
 */
const CASES = LONG ? 40 : 4;
const TICKERS = ['ACME', 'GLOBEX'] as const;
const BATCH = { company_symbols: TICKERS.join(','), llm_provider: 'openai', analysts: 'market,news' };

let fake: FakeProvider;
const env = () => ({ OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'sk-fake-test', LLM_MAX_CONCURRENCY: '16' });

beforeAll(async () => {
  requireBuiltCli();
  fake = await startFakeProvider();
  fake.setScript(createDefaultScript({ action: 'BUY' }));
});
afterAll(async () => {
  await fake?.close();
});

async function withResults<T>(work: (results: string) => Promise<T>): Promise<T> {
  const results = await mkdtemp(path.join(os.tmpdir(), 'tf-kill-'));
  try {
    return await work(results);
  } finally {
    await rm(results, { recursive: true, force: true });
  }
}

/** Waits until every listed run is terminal (polling the REST list; the runs are driven by the fake model). */
async function allTerminal(server: SpawnedServer, count: number): Promise<RunSummary[]> {
  let runs: RunSummary[] = [];
  await vi.waitFor(
    async () => {
      runs = (await api(server.url, 'GET', '/runs')).json.runs as RunSummary[];
      expect(runs).toHaveLength(count);
      for (const r of runs) expect(['completed', 'error', 'canceled']).toContain(r.status);
    },
    { timeout: 60_000, interval: 50 },
  );
  return runs;
}

/** The reference: the batch run once without any stop; also counts the model requests a batch makes. */
async function reference(): Promise<{ files: Record<string, Record<string, string>>; requests: number }> {
  return withResults(async (results) => {
    fake.reset();
    const server = await spawnServer(['--results-dir', results], env());
    try {
      expect((await api(server.url, 'POST', '/start-multi', BATCH)).status).toBe(202);
      const runs = await allTerminal(server, TICKERS.length);
      const files: Record<string, Record<string, string>> = {};
      for (const r of runs) {
        expect(r.status).toBe('completed');
        files[r.ticker] = await stableFiles(r.results_path);
      }
      return { files, requests: fake.requests.length };
    } finally {
      await server.kill();
    }
  });
}

interface CaseResult {
  seed: number;
  signal: 'SIGKILL' | 'SIGTERM';
  after: number;
  survived: boolean;
  problem: string | null;
}

describe('reliability: SIGKILL / SIGTERM at random moments, then resume', () => {
  it(`${CASES} stops at seeded moments: every run completes with the files of an uninterrupted batch`, async () => {
    const ref = await reference();
    expect(Object.keys(ref.files).sort()).toEqual([...TICKERS]);
    const outcomes: CaseResult[] = [];
    // KILL_SEEDS=1000,1003 replays given cases.
    const seeds = process.env.KILL_SEEDS
      ? process.env.KILL_SEEDS.split(',').map(Number)
      : Array.from({ length: CASES }, (_, i) => 1000 + i);
    for (const seed of seeds) {
      const i = seed - 1000;
      const random = seeded(seed);
      const signal = i % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
      // Anywhere from the first request to just past the last (the batch finishing, its files being written).
      const after = 1 + Math.floor(random() * (ref.requests + 2));
      outcomes.push(await withResults((results) => oneCase(results, { seed, signal, after }, ref.files)));
    }
    const lost = outcomes.filter((o) => !o.survived);
    const figures = {
      cases_tried: outcomes.length,
      survived: outcomes.length - lost.length,
      lost: lost.length,
      sigkill: outcomes.filter((o) => o.signal === 'SIGKILL').length,
      sigterm: outcomes.filter((o) => o.signal === 'SIGTERM').length,
      requests_per_batch: ref.requests,
      long_form: LONG,
      cases: outcomes,
    };
    await writeFigures('kill-and-resume', figures);
    expect(lost, JSON.stringify(lost, null, 2)).toEqual([]);
  });
});

async function oneCase(
  results: string,
  c: { seed: number; signal: 'SIGKILL' | 'SIGTERM'; after: number },
  expected: Record<string, Record<string, string>>,
): Promise<CaseResult> {
  const result: CaseResult = { ...c, survived: false, problem: null };
  fake.reset();
  let server = await spawnServer(['--results-dir', results], env());
  try {
    expect((await api(server.url, 'POST', '/start-multi', BATCH)).status).toBe(202);
    await Promise.race([fake.waitUntil((f) => f.requests.length >= c.after), allTerminal(server, TICKERS.length).then(() => undefined)]);
    if (c.signal === 'SIGKILL') await server.kill();
    else {
      // A graceful stop: exits 0 within its bound, and leaves no run canceled.
      const code = await server.stop();
      if (code !== 0) return { ...result, problem: `SIGTERM exit code ${code}:\n${server.output()}` };
    }
    server = await spawnServer(['--results-dir', results], { ...env(), RESUME_INTERRUPTED: '1' });
    const runs = await allTerminal(server, TICKERS.length);
    for (const r of runs) {
      if (r.status !== 'completed') return { ...result, problem: `${r.ticker} ended ${r.status}: ${r.error ?? ''}` };
      if (!(await everyJsonParses(r.results_path))) return { ...result, problem: `${r.ticker}: a JSON file does not parse` };
      const files = await stableFiles(r.results_path);
      const want = expected[r.ticker]!;
      const differ = Object.keys({ ...want, ...files }).filter((name) => files[name] !== want[name]);
      if (differ.length > 0) {
        const first = differ[0]!;
        return {
          ...result,
          problem: `${r.ticker}: ${differ.join(', ')} differ from the reference; ${first} is:\n${files[first]}\nexpected:\n${want[first]}`,
        };
      }
      // Terminal on screen means terminal on disk.
      const state = JSON.parse(await readFile(path.join(r.results_path, 'state.json'), 'utf8')) as { status: string };
      if (state.status !== 'completed') return { ...result, problem: `${r.ticker}: state.json says ${state.status}` };
      if (existsSync(path.join(r.results_path, 'error.log'))) return { ...result, problem: `${r.ticker}: error.log written` };
    }
    return { ...result, survived: true };
  } finally {
    await server.kill();
  }
}

describe('reliability: a graceful stop (SIGTERM) leaves runs interrupted, never canceled', () => {
  it('the runs in flight are saved as interrupted; the next start resumes them; a watcher never sees completed before the files', async () => {
    await withResults(async (results) => {
      let hold = true;
      const answer = createDefaultScript({ action: 'SELL' });
      fake.reset();
      fake.setScript((req) => (hold && /in a structured research debate/.test(req.system) ? { kind: 'hang' } : answer(req)));
      let server = await spawnServer(['--results-dir', results], env());
      try {
        const started = await api(server.url, 'POST', '/start-multi', BATCH);
        const ids = (started.json.runs as Array<{ run_id: string }>).map((r) => r.run_id);
        await fake.waitUntil((f) => f.requests.filter((r) => /in a structured research debate/.test(r.system)).length === 2);
        expect(await server.stop()).toBe(0);
        expect(server.output()).toContain('active runs are saved as interrupted');
        for (const id of ids) {
          const ticker = id.split('--')[0]!;
          const dirs = path.join(results, ticker);
          expect(existsSync(dirs)).toBe(true);
        }
        hold = false;
        server = await spawnServer(['--results-dir', results], env());
        const listed = (await api(server.url, 'GET', '/runs')).json.runs as RunSummary[];
        expect(listed.map((r) => r.status)).toEqual(['interrupted', 'interrupted']);
        // The Resume button's request continues each; watchers see `completed` only once the files are on disk.
        const seen: string[] = [];
        await Promise.all(
          listed.map(async (run) => {
            const ws = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws?run_id=${run.run_id}`);
            try {
              await ws.next('init_run');
              expect((await api(server.url, 'POST', `/runs/${run.run_id}/resume`)).status).toBe(202);
              const end = await ws.waitFor((m) => m.type === 'status_update_run' && m.status === 'completed', 0, 60_000);
              // Checked at the moment the message arrived: the files are there, the final state is saved.
              expect(end).toMatchObject({ final_decision: { action: 'SELL' } });
              const state = JSON.parse(await readFile(path.join(run.results_path, 'state.json'), 'utf8')) as { status: string };
              expect(state.status).toBe('completed');
              expect(existsSync(path.join(run.results_path, 'decision.json'))).toBe(true);
              expect(existsSync(path.join(run.results_path, 'usage.json'))).toBe(true);
              seen.push(run.ticker);
            } finally {
              await ws.close();
            }
          }),
        );
        expect(seen.sort()).toEqual([...TICKERS]);
      } finally {
        await server.kill();
        fake.setScript(createDefaultScript({ action: 'BUY' }));
      }
    });
  });
});

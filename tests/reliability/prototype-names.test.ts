import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '@tradingfloor/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScript, startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { builtCli, repoRoot, requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { WsRecorder } from '../support/ws-recorder.js';
import { api } from './support.js';

/**
 * Names that are properties of every plain object, fed wherever a name from outside is accepted: model
 * fields of /start-multi, a provider's answered model, position keys, query parameters, headers, WebSocket
 * messages, the CLI's --quick-model, and a resume at start-up of a run configured with them.
 */
const HOSTILE = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty'] as const;
const isResearcher = (system: string) => /in a structured research debate/.test(system);

let fake: FakeProvider;
let results: string;
let server: SpawnedServer | undefined;
const env = () => ({ OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'sk-fake-test', LLM_MAX_CONCURRENCY: '16' });

beforeAll(async () => {
  requireBuiltCli();
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  fake.reset();
  fake.setScript(createDefaultScript({ action: 'BUY' }));
  results = await mkdtemp(path.join(os.tmpdir(), 'tf-proto-'));
});
afterEach(async () => {
  await server?.kill();
  server = undefined;
  await rm(results, { recursive: true, force: true });
});

async function finished(s: SpawnedServer, count: number): Promise<RunSummary[]> {
  let runs: RunSummary[] = [];
  await vi.waitFor(
    async () => {
      runs = (await api(s.url, 'GET', '/runs')).json.runs as RunSummary[];
      expect(runs).toHaveLength(count);
      for (const r of runs) expect(['completed', 'error', 'canceled']).toContain(r.status);
    },
    { timeout: 60_000, interval: 50 },
  );
  return runs;
}

describe('reliability: names that are Object.prototype properties', () => {
  it('as model names on /start-multi, and answered by the provider: every run completes, usage counts them, the server lives', async () => {
    // The provider answers with the model it was asked for, so the answered model is hostile too.
    const answer = createDefaultScript({ action: 'BUY' });
    fake.setScript((req) => {
      const reply = answer(req);
      return reply.kind === 'text' ? { ...reply, model: req.model } : reply;
    });
    server = await spawnServer(['--results-dir', results], { ...env(), MAX_PARALLEL_RUNS: '20' });
    for (const name of HOSTILE) {
      const res = await api(server.url, 'POST', '/start-multi', {
        company_symbols: 'ACME',
        llm_provider: 'openai',
        analysts: 'market',
        quick_think_llm: name,
        deep_think_llm: name,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
    }
    const runs = await finished(server, HOSTILE.length);
    expect(runs.map((r) => r.status)).toEqual(HOSTILE.map(() => 'completed'));
    for (const run of runs) {
      const usage = JSON.parse(await readFile(path.join(run.results_path, 'usage.json'), 'utf8')) as { by_model: object };
      const config = JSON.parse(await readFile(path.join(run.results_path, 'config.json'), 'utf8')) as { quick_think_llm: string };
      expect(Object.keys(usage.by_model)).toEqual([config.quick_think_llm]);
    }
    expect((await api(server.url, 'GET', '/healthz')).json.status).toBe('ok');
  });

  it('as position keys, query parameters, headers and WebSocket messages: a clear 4xx or an ordinary answer, never a crash', async () => {
    server = await spawnServer(['--results-dir', results], env());
    for (const name of HOSTILE) {
      const positions = await api(server.url, 'POST', '/start-multi', {
        company_symbols: 'ACME',
        llm_provider: 'openai',
        instrument_positions: JSON.parse(`{"${name}": {"side": "long", "entry_price": 10}}`),
      });
      // Refused with a reason: by the body parser (a `__proto__` key is a forbidden prototype property) or as
      // a position for a symbol that is not requested; never dropped silently, never a 500.
      expect(positions.status).toBe(400);
      expect(positions.json.error).toMatch(name === '__proto__' ? /forbidden prototype property/ : /instrument_positions/);
      const query = await fetch(`${server.url}/runs?${name}=1&status=${name}`);
      expect(query.status).toBe(400);
      const logs = await fetch(`${server.url}/runs?${name}=x`, { headers: { [name]: 'x' } });
      expect([200, 400]).toContain(logs.status);
      const ws = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws`);
      ws.send(JSON.parse(`{"type": "${name}", "__proto__": {"type": "resync"}}`));
      ws.send({ type: 'resync', [name]: 1 });
      await ws.close();
    }
    expect((await api(server.url, 'GET', '/healthz')).json.status).toBe('ok');
    expect((await api(server.url, 'GET', '/runs')).json.runs).toEqual([]);
  });

  it('a run with such models, interrupted by a kill, resumes at start-up with RESUME_INTERRUPTED=1 and the server stays up', async () => {
    let hold = true;
    const answer = createDefaultScript({ action: 'BUY' });
    fake.setScript((req) => (hold && isResearcher(req.system) ? { kind: 'hang' } : answer(req)));
    server = await spawnServer(['--results-dir', results], env());
    const started = await api(server.url, 'POST', '/start-multi', {
      company_symbols: 'ACME',
      llm_provider: 'openai',
      analysts: 'market',
      quick_think_llm: '__proto__',
      deep_think_llm: 'constructor',
    });
    expect(started.status).toBe(202);
    await fake.waitUntil((f) => f.requests.some((r) => isResearcher(r.system)));
    await server.kill();
    hold = false;
    server = await spawnServer(['--results-dir', results], { ...env(), RESUME_INTERRUPTED: '1' });
    await server.waitForOutput(/RESUME_INTERRUPTED: resumed 1 of 1 interrupted run\(s\)/);
    const [run] = await finished(server, 1);
    expect(run).toMatchObject({ status: 'completed', action: 'BUY' });
    // And once more: a restart with the finished run on disk is an ordinary start.
    await server.kill();
    server = await spawnServer(['--results-dir', results], { ...env(), RESUME_INTERRUPTED: '1' });
    expect((await api(server.url, 'GET', '/healthz')).json.status).toBe('ok');
  });

  it('the CLI: run --quick-model __proto__ completes and counts its usage', async () => {
    const cli = spawn(
      process.execPath,
      [
        builtCli,
        'run',
        '--tickers',
        'ACME',
        '--provider',
        'openai',
        '--quick-model',
        '__proto__',
        '--deep-model',
        'hasOwnProperty',
        '--analysts',
        'market',
        '--results-dir',
        results,
        '--json',
      ],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    cli.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    cli.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
    expect(code, err).toBe(0);
    const report = JSON.parse(out) as { runs: Array<{ status: string; usage: { by_model: object } | null }> };
    expect(report.runs[0]).toMatchObject({ status: 'completed' });
    expect(Object.keys(report.runs[0]!.usage!.by_model).sort()).toEqual(['__proto__', 'hasOwnProperty']);
  });
});

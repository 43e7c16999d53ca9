import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ValidationError, type ProviderName } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDemoVendor } from '../../packages/engine/src/data/demo/demo-vendor.js';
import { ConcurrencyLimiter } from '../../packages/engine/src/limiter/concurrency-limiter.js';
import { createOfflineProvider } from '../../packages/engine/src/providers/offline/offline-provider.js';
import { createProviderRegistry } from '../../packages/engine/src/providers/provider-registry.js';
import { makeWrapProvider } from '../../packages/engine/src/providers/retrying-provider.js';
import type { EngineDeps } from '../../packages/engine/src/runs/run-manager-api.js';
import { RunManager } from '../../packages/engine/src/runs/run-manager.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { parseEngineEnv } from '../../packages/engine/src/config/engine-env.js';

let fake: FakeProvider;
let root: string;
const managers: RunManager[] = [];

beforeEach(async () => {
  fake = await startFakeProvider({ latencyMs: 2 });
  root = await mkdtemp(path.join(tmpdir(), 'tf-cassette-'));
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

/** A RunManager wired as the server wires it (limiter, retries), both real SDK providers pointed at the fake server. */
function manager(resultsDir: string, limiter = ConcurrencyLimiter.fromEnv(parseEngineEnv({ LLM_MAX_CONCURRENCY: '4' }))): RunManager {
  const registry = createProviderRegistry(
    parseEngineEnv({ OPENAI_BASE_URL: fake.openaiBaseURL, ANTHROPIC_BASE_URL: fake.anthropicBaseURL, ANTHROPIC_API_KEY: 'sk-ant-test' }),
    { offline: (latencyMs) => createOfflineProvider({ latencyMs }) },
  );
  const deps: EngineDeps = {
    vendor: createDemoVendor(),
    providerFor: (config) => registry.providerFor(config),
    defaultModels: (name) => registry.defaultModels(name),
    // Few, fast retries: a stopped server must fail a call quickly, not hang the test.
    wrapProvider: makeWrapProvider(limiter, { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 }),
    limiterSnapshot: () => limiter.snapshot(),
  };
  const m = new RunManager({ deps, resultsDir, maxParallelRuns: 5 });
  managers.push(m);
  return m;
}

/** The model-derived files of a run: every report and decision.json, by relative path, as raw bytes. */
async function modelDerivedFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(path.join(dir, 'reports'))).sort()) {
    files[`reports/${name}`] = (await readFile(path.join(dir, 'reports', name))).toString('base64');
  }
  files['decision.json'] = (await readFile(path.join(dir, 'decision.json'))).toString('base64');
  return files;
}

describe.each<{ provider: ProviderName }>([{ provider: 'openai' }, { provider: 'anthropic' }])(
  'record then replay on $provider through the real SDK',
  ({ provider }) => {
    it('replays with the model server stopped: same reports and decision byte for byte, no permit taken', { timeout: 30_000 }, async () => {
      const cassette = path.join(root, 'cassette');
      const recordM = manager(path.join(root, 'recorded'));
      const [recorded] = await recordM.start([
        { ticker: 'ACME', options: { llm_provider: provider, trade_date: '2024-03-15', cassette: { mode: 'record', dir: cassette } } },
      ]);
      const rec = await recordM.whenFinished(recorded!.run_id);
      expect(rec.error).toBeNull();
      expect(rec.status).toBe('completed');
      const calls = fake.requests.length;
      expect(calls).toBeGreaterThan(10);
      const entries = (await readdir(cassette)).filter((n) => n.endsWith('.json'));
      // One file per distinct request (identical requests share one answer).
      expect(entries.length).toBeGreaterThan(10);
      expect(entries.length).toBeLessThanOrEqual(calls);
      expect(entries.every((n) => /^[0-9a-f]{64}\.json$/.test(n))).toBe(true);

      await fake.close(); // the model server is gone
      const limiter = ConcurrencyLimiter.fromEnv(parseEngineEnv({ LLM_MAX_CONCURRENCY: '4' }));
      // Count acquisitions of the real limiter (observation only: each call still goes through).
      let acquisitions = 0;
      const run = limiter.run.bind(limiter);
      limiter.run = ((...args: Parameters<typeof run>) => {
        acquisitions++;
        return run(...args);
      }) as typeof limiter.run;
      const replayM = manager(path.join(root, 'replayed'), limiter);
      const [replayed] = await replayM.start([
        { ticker: 'ACME', options: { llm_provider: provider, trade_date: '2024-03-15', cassette: { mode: 'replay', dir: cassette } } },
      ]);
      const rep = await replayM.whenFinished(replayed!.run_id);
      expect(rep.error).toBeNull();
      expect(rep.status).toBe('completed');
      expect(fake.requests.length).toBe(calls);
      // The cassette sits in front of the limiter: no layer ever saw a call.
      expect(acquisitions).toBe(0);

      const a = await modelDerivedFiles(rec.results_path);
      const b = await modelDerivedFiles(rep.results_path);
      expect(Object.keys(a)).toContain('reports/final_trade_decision.md');
      expect(b).toEqual(a);
      expect(replayM.get(rep.run_id)!.usage).toEqual(recordM.get(rec.run_id)!.usage);
    });
  },
);

describe('cassette failures', () => {
  it('a replay miss fails the run at once, naming the role and the request hash, and never calls the server', async () => {
    const empty = path.join(root, 'empty-cassette');
    await mkdir(empty);
    const m = manager(path.join(root, 'results'));
    const [run] = await m.start([
      { ticker: 'ACME', options: { llm_provider: 'openai', trade_date: '2024-03-15', cassette: { mode: 'replay', dir: empty } } },
    ]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('error');
    expect(done.error).toMatch(
      /replay cassette .* has no answer for the \w+_analyst \(analysts\.\w+, model [^)]+\): request hash [0-9a-f]{64}/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('replay_or_record fills the gaps of a partial cassette and replays the rest', { timeout: 30_000 }, async () => {
    const cassette = path.join(root, 'cassette');
    const first = manager(path.join(root, 'a'));
    const [one] = await first.start([
      { ticker: 'ACME', options: { llm_provider: 'openai', trade_date: '2024-03-15', cassette: { mode: 'record', dir: cassette } } },
    ]);
    expect((await first.whenFinished(one!.run_id)).status).toBe('completed');
    const recordedCalls = fake.requests.length;
    // A second ticker with the same cassette: ACME's answers are there, GLOBEX's are recorded now.
    const second = manager(path.join(root, 'b'));
    const started = await second.start([
      {
        ticker: 'ACME',
        options: { llm_provider: 'openai', trade_date: '2024-03-15', cassette: { mode: 'replay_or_record', dir: cassette } },
      },
      {
        ticker: 'GLOBEX',
        options: { llm_provider: 'openai', trade_date: '2024-03-15', cassette: { mode: 'replay_or_record', dir: cassette } },
      },
    ]);
    const finished = await Promise.all(started.map((r) => second.whenFinished(r.run_id)));
    expect(finished.map((f) => f.status)).toEqual(['completed', 'completed']);
    const globexCalls = fake.requests.slice(recordedCalls);
    expect(globexCalls.length).toBeGreaterThan(10);
    expect(globexCalls.every((r) => JSON.stringify(r.messages).includes('GLOBEX'))).toBe(true);
  });

  it('a missing replay directory is refused before anything is written', async () => {
    const resultsDir = path.join(root, 'results');
    const m = manager(resultsDir);
    const missing = path.join(root, 'no-such-cassette');
    await expect(
      m.start([{ ticker: 'ACME', options: { llm_provider: 'openai', cassette: { mode: 'replay', dir: missing } } }]),
    ).rejects.toThrow(ValidationError);
    await expect(m.start([{ ticker: 'ACME', options: { cassette: { mode: 'replay', dir: missing } } }])).rejects.toThrow(
      /replay cassette directory .*no-such-cassette does not exist/,
    );
    expect(existsSync(resultsDir)).toBe(false);
    expect(existsSync(missing)).toBe(false);
  });
});

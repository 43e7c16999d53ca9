import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProviderName } from '@tradingfloor/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoVendor } from '../../packages/engine/src/data/demo/demo-vendor.js';
import { ConcurrencyLimiter } from '../../packages/engine/src/limiter/concurrency-limiter.js';
import { createOfflineProvider } from '../../packages/engine/src/providers/offline/offline-provider.js';
import { createProviderRegistry } from '../../packages/engine/src/providers/provider-registry.js';
import { makeWrapProvider } from '../../packages/engine/src/providers/retrying-provider.js';
import type { EngineDeps } from '../../packages/engine/src/runs/run-manager-api.js';
import { RunManager } from '../../packages/engine/src/runs/run-manager.js';
import { loadPriceTable } from '../../packages/engine/src/usage/price-table.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';
import { parseEngineEnv } from '../../packages/engine/src/config/engine-env.js';

let fake: FakeProvider;
let resultsDir: string;
const managers: RunManager[] = [];

beforeAll(async () => {
  fake = await startFakeProvider({ latencyMs: 5 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  fake.reset();
  resultsDir = await mkdtemp(path.join(tmpdir(), 'tf-provider-runs-'));
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
  await rm(resultsDir, { recursive: true, force: true });
});

/** A RunManager wired as the server wires it, with both real providers pointed at the fake server. */
function manager(env: NodeJS.ProcessEnv = {}): { manager: RunManager; limiter: ConcurrencyLimiter } {
  const limiter = ConcurrencyLimiter.fromEnv(parseEngineEnv(env));
  const registry = createProviderRegistry(
    parseEngineEnv({
      OPENAI_BASE_URL: fake.openaiBaseURL,
      ANTHROPIC_BASE_URL: fake.anthropicBaseURL,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ...env,
    }),
    { offline: (latencyMs) => createOfflineProvider({ latencyMs }) },
  );
  const prices = loadPriceTable();
  const deps: EngineDeps = {
    vendor: createDemoVendor(),
    providerFor: (config) => registry.providerFor(config),
    defaultModels: (name) => registry.defaultModels(name),
    wrapProvider: makeWrapProvider(limiter, { baseDelayMs: 5, maxDelayMs: 20 }),
    priceOf: (model) => prices.priceOf(model),
    limiterSnapshot: () => limiter.snapshot(),
  };
  const m = new RunManager({ deps, resultsDir, maxParallelRuns: 20 });
  managers.push(m);
  return { manager: m, limiter };
}

describe.each<{ provider: ProviderName; quick: string; deep: string }>([
  { provider: 'openai', quick: 'gpt-5.4-mini', deep: 'gpt-5.4' },
  { provider: 'anthropic', quick: 'claude-haiku-5-5', deep: 'claude-sonnet-5-5' },
])('a whole run on $provider against the fake server', ({ provider, quick, deep }) => {
  it('completes with a decision, priced usage and tool calls that went over the wire', async () => {
    const { manager: m, limiter } = manager();
    const [started] = await m.start([{ ticker: 'ACME', options: { llm_provider: provider } }]);
    const finished = await m.whenFinished(started!.run_id);
    const view = m.get(started!.run_id)!;
    expect(view.error).toBeNull();
    expect(finished.status).toBe('completed');
    expect(view.config).toMatchObject({ llm_provider: provider, quick_think_llm: quick, deep_think_llm: deep });
    expect(view.decision).toMatchObject({ ticker: 'ACME', action: 'HOLD', rating: 'Hold' });

    const requests = fake.requests;
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.every((r) => r.format === provider && !r.hasToolChoice)).toBe(true);
    expect(new Set(requests.map((r) => r.model))).toEqual(new Set([quick, deep]));
    // The analysts ran their tool loop: tools offered, called, and their results sent back.
    expect(requests.some((r) => r.tools.length > 0 && r.toolResults > 0)).toBe(true);

    expect(view.usage.total.calls).toBe(requests.length);
    expect(view.usage.total.input_tokens).toBeGreaterThan(0);
    expect(view.usage.total.cost_usd).toBeGreaterThan(0);
    expect(Object.keys(view.usage.by_model).sort()).toEqual([deep, quick].sort());
    expect(limiter.snapshot().every((l) => l.in_use === 0 && l.waiting === 0)).toBe(true);

    const runDir = path.join(resultsDir, 'ACME');
    const decision = await readDecision(runDir);
    expect(decision).toMatchObject({ action: 'HOLD' });
  });

  it('survives transient faults: retries are logged WARN and the run still completes', async () => {
    const { manager: m } = manager();
    let faults = 0;
    const base = (await import('../support/fake-provider/index.js')).createDefaultScript();
    fake.setScript((req) => {
      // Every fifth request fails once, in turn: 429, 500, dropped connection.
      if (req.seq % 5 === 0 && faults < 3) {
        faults += 1;
        return [{ kind: 'rate_limit' as const, retryAfterMs: 5 }, { kind: 'server_error' as const }, { kind: 'drop' as const }][
          faults - 1
        ]!;
      }
      return base(req);
    });
    const [started] = await m.start([{ ticker: 'GLOBEX', options: { llm_provider: provider } }]);
    const finished = await m.whenFinished(started!.run_id);
    expect(m.get(started!.run_id)!.error).toBeNull();
    expect(finished.status).toBe('completed');
    const retries = m.logs(started!.run_id)!.entries.filter((e) => e.source === 'retry');
    expect(retries).toHaveLength(3);
    expect(retries.every((e) => e.severity === 'WARN')).toBe(true);
    fake.setScript(base);
  });
});

describe('the global limit across runs', () => {
  it('with LLM_MAX_CONCURRENCY=2, ten runs never put more than two requests in flight at the fake server', async () => {
    const { manager: m, limiter } = manager({ LLM_MAX_CONCURRENCY: '2' });
    const tickers = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI', 'ACME', 'GLOBEX', 'INITECH'];
    const runs = await m.start(
      tickers.map((ticker, i) => ({
        ticker,
        options: { llm_provider: i % 2 === 0 ? 'openai' : 'anthropic', analysts: ['market', 'news'] },
      })),
    );
    const finished = await Promise.all(runs.map((r) => m.whenFinished(r.run_id)));
    expect(finished.map((f) => f.status)).toEqual(Array(10).fill('completed'));
    expect(fake.requests.length).toBeGreaterThan(50);
    expect(fake.maxInFlight).toBe(2);
    expect(limiter.snapshot()[0]).toMatchObject({ key: 'global', limit: 2, in_use: 0, waiting: 0 });
  });
});

async function readDecision(tickerDir: string): Promise<unknown> {
  const { readdir } = await import('node:fs/promises');
  const [stamp] = await readdir(tickerDir);
  return JSON.parse(await readFile(path.join(tickerDir, stamp!, 'decision.json'), 'utf8'));
}

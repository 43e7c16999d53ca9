/**
 * The model-fault matrix: every fault a provider can produce × the moment it strikes, each through the real
 * openai SDK client against the fake provider server, each ending in a defined state with no limiter permit
 * left behind. Figures are in README.md ("model faults").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deferred, type RunSummary } from '@tradingfloor/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoVendor } from '../../packages/engine/src/data/demo/demo-vendor.js';
import { ConcurrencyLimiter } from '../../packages/engine/src/limiter/concurrency-limiter.js';
import { withAnswerLimits } from '../../packages/engine/src/providers/answer-limits.js';
import { createOfflineProvider } from '../../packages/engine/src/providers/offline/offline-provider.js';
import { createProviderRegistry } from '../../packages/engine/src/providers/provider-registry.js';
import { makeWrapProvider } from '../../packages/engine/src/providers/retrying-provider.js';
import { RunManager } from '../../packages/engine/src/runs/run-manager.js';
import {
  createDefaultScript,
  startFakeProvider,
  type FakeProvider,
  type FakeReply,
  type FakeRequest,
} from '../support/fake-provider/index.js';
import { parseEngineEnv } from '../../packages/engine/src/config/engine-env.js';

type Status = RunSummary['status'];

interface Fault {
  name: string;
  reply(req: FakeRequest): FakeReply;
  /** What a run hit by this fault (outside a cancel) must end as. */
  outcome: Status;
  /** For `error` outcomes: what the run's error must say. */
  error?: RegExp;
}

const HUGE = 'x'.repeat(300_000);
const FAULTS: Fault[] = [
  { name: '429 with retry-after', reply: () => ({ kind: 'rate_limit', retryAfterMs: 20 }), outcome: 'completed' },
  { name: '500', reply: () => ({ kind: 'server_error' }), outcome: 'completed' },
  { name: 'hang (request timeout)', reply: () => ({ kind: 'hang' }), outcome: 'completed' },
  { name: 'dropped connection', reply: () => ({ kind: 'drop' }), outcome: 'completed' },
  { name: 'malformed JSON', reply: () => ({ kind: 'malformed_json' }), outcome: 'completed' },
  { name: 'empty answer', reply: () => ({ kind: 'empty_choices' }), outcome: 'completed' },
  { name: 'missing closing lines', reply: () => ({ kind: 'text', text: 'I think it is fine.' }), outcome: 'completed' },
  {
    name: 'invalid tool arguments',
    reply: () => ({ kind: 'tool_calls', calls: [{ name: 'get_price_history', arguments: '{"lookback_days": 30' }] }),
    outcome: 'error',
    error: /get_price_history.*not a JSON object|arguments/i,
  },
  { name: 'unknown tool', reply: () => ({ kind: 'tool_calls', calls: [{ name: 'launch_rockets', arguments: {} }] }), outcome: 'completed' },
  { name: 'huge answer', reply: () => ({ kind: 'text', text: HUGE }), outcome: 'error', error: /longer than LLM_MAX_ANSWER_CHARS/ },
];

type Phase = 'first call' | 'mid-run' | 'during backoff' | 'during cancel';
const PHASES: Phase[] = ['first call', 'mid-run', 'during backoff', 'during cancel'];
/** Which request of the run the fault hits: the analyst's first call, or a later agent's. */
const TARGET: Record<Phase, number> = { 'first call': 1, 'mid-run': 4, 'during backoff': 5, 'during cancel': 4 };

let fake: FakeProvider;
let resultsDir: string;
let limiter: ConcurrencyLimiter;
let manager: RunManager;
const tally = { tried: 0, survived: 0 };

beforeAll(async () => {
  fake = await startFakeProvider();
  resultsDir = await mkdtemp(path.join(tmpdir(), 'tf-model-faults-'));
  const env = { OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'sk-test', LLM_TIMEOUT_MS: '1500', LLM_MAX_CONCURRENCY: '4' };
  limiter = ConcurrencyLimiter.fromEnv(parseEngineEnv(env));
  const registry = createProviderRegistry(parseEngineEnv(env), { offline: (latencyMs) => createOfflineProvider({ latencyMs }) });
  const wrap = makeWrapProvider(limiter, { baseDelayMs: 5, maxDelayMs: 20 });
  const limits = parseEngineEnv(env).answerLimits;
  manager = new RunManager({
    deps: {
      vendor: createDemoVendor(),
      providerFor: (config) => registry.providerFor(config),
      defaultModels: (name) => registry.defaultModels(name),
      // As createEngineDeps wires it, with short backoffs so the matrix stays fast.
      wrapProvider: (inner, run) => withAnswerLimits(wrap(inner, run), limits),
      limiterSnapshot: () => limiter.snapshot(),
    },
    resultsDir,
    maxParallelRuns: 4,
  });
});

afterAll(async () => {
  await manager?.shutdown();
  await fake?.close();
  await rm(resultsDir, { recursive: true, force: true });
});

/** Polls `check` until it holds (bounded): for state that settles just after an event, e.g. permits released. */
async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const permitsFree = () => limiter.snapshot().every((layer) => layer.in_use === 0 && layer.waiting === 0);

describe.each(PHASES)('model faults %s', (phase) => {
  it.each(FAULTS.map((f) => [f.name, f] as const))('%s ends in a defined state, permits released', async (_name, fault) => {
    const normal = createDefaultScript();
    const hold = deferred<void>();
    let n = 0;
    const target = TARGET[phase];
    fake.setScript(async (req) => {
      n += 1;
      if (phase === 'during backoff' && n === target - 1) return { kind: 'rate_limit', retryAfterMs: 10 };
      if (n !== target) return normal(req);
      if (phase === 'during cancel') await hold.promise;
      return fault.reply(req);
    });
    fake.reset();
    const [run] = await manager.start([{ ticker: 'ACME', options: { llm_provider: 'openai', analysts: ['market'] } }]);
    const runId = run!.run_id;
    tally.tried += 1;
    if (phase === 'during cancel') {
      await fake.waitUntil((f) => f.requests.length >= target);
      manager.cancel(runId);
      hold.resolve();
    }
    const done = await manager.whenFinished(runId);
    const expected = phase === 'during cancel' ? 'canceled' : fault.outcome;
    expect(done.status, manager.get(runId)?.error ?? '').toBe(expected);
    if (expected === 'error') {
      const message = manager.get(runId)?.error ?? '';
      expect(message).toMatch(fault.error!);
      expect(message.length).toBeLessThan(500);
    }
    await until(permitsFree, 'limiter permits to be released');
    await fake.waitUntil((f) => f.inFlight === 0);
    tally.survived += 1;
  });
});

describe('a cancel while a call waits out a long retry-after', () => {
  it('ends the run canceled at once and releases the permit it held', async () => {
    const normal = createDefaultScript();
    let n = 0;
    fake.setScript((req) => (++n === 2 ? { kind: 'rate_limit', retryAfterMs: 30_000 } : normal(req)));
    fake.reset();
    const [run] = await manager.start([{ ticker: 'ACME', options: { llm_provider: 'openai', analysts: ['market'] } }]);
    const runId = run!.run_id;
    // The retry layer logs the wait before it sleeps.
    await until(
      () => (manager.logs(runId)?.entries ?? []).some((e) => e.source === 'retry' && /as the server asked/.test(e.message)),
      'the backoff',
    );
    const canceledAt = Date.now();
    const requestsBefore = fake.requests.length;
    manager.cancel(runId);
    expect((await manager.whenFinished(runId)).status).toBe('canceled');
    expect(Date.now() - canceledAt).toBeLessThan(5_000);
    await until(permitsFree, 'limiter permits to be released');
    expect(fake.requests.length).toBe(requestsBefore); // no attempt after the cancel
  });
});

describe('the matrix as a whole', () => {
  it('tried every fault at every moment and left nothing behind', () => {
    expect(tally).toEqual({ tried: FAULTS.length * PHASES.length, survived: FAULTS.length * PHASES.length });
    expect(permitsFree()).toBe(true);
  });
});

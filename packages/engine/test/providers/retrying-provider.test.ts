import { deferred, ProviderError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/limiter/concurrency-limiter.js';
import { parseProviderLimits } from '../../src/config/parse-provider-limits.js';
import type { LogInput } from '../../src/logs/log-sink.js';
import { abortableSleep } from '../../src/retry/backoff.js';
import { ProviderCallError } from '../../src/providers/provider-call-error.js';
import type { ChatRequest, ChatResponse, LlmProvider } from '../../src/providers/provider.js';
import { makeWrapProvider, wrapWithLimiterAndRetries } from '../../src/providers/retrying-provider.js';
import { flush } from '../../../../tests/support/flush.js';

const REQUEST: ChatRequest = {
  model: 'gpt-4o',
  tier: 'deep',
  messages: [{ role: 'user', content: 'hello' }],
  meta: { runId: 'ACME--2024-05-10_10.00.00--abcdef', agentRole: 'trader', agentId: 'trader' },
};
const OK: ChatResponse = {
  text: 'fine',
  toolCalls: [],
  usage: { input_tokens: 3, output_tokens: 1 },
  model: 'gpt-4o',
  finishReason: 'stop',
};

const rateLimited = (retryAfterMs: number | null = null) =>
  new ProviderCallError('openai: HTTP 429: Rate limit reached', 'openai', 'rate_limit', 429, retryAfterMs);
const serverError = () => new ProviderCallError('openai: HTTP 500: Internal error', 'openai', 'server', 500);
const dropped = () => new ProviderCallError('openai: connection failed: other side closed', 'openai', 'network');

/** A provider that plays a list of outcomes, one per call, and counts its calls. */
function scripted(outcomes: Array<ChatResponse | Error | (() => Promise<ChatResponse>)>): LlmProvider & { calls: number } {
  const provider = {
    name: 'openai' as const,
    label: 'scripted',
    calls: 0,
    async chat(_request: ChatRequest, signal: AbortSignal) {
      signal.throwIfAborted();
      const next = outcomes[provider.calls++];
      if (next === undefined) throw new Error('script exhausted');
      if (next instanceof Error) throw next;
      return typeof next === 'function' ? next() : next;
    },
  };
  return provider;
}

function setup(inner: LlmProvider, limits = '', extra: { maxAttempts?: number } = {}) {
  const limiter = new ConcurrencyLimiter({ global: 1, limits: parseProviderLimits(limits), recoverAfterSuccesses: 1 });
  const logs: LogInput[] = [];
  const delays: number[] = [];
  const provider = wrapWithLimiterAndRetries(inner, {
    limiter,
    log: (e) => logs.push(e),
    sleep: async (ms, signal) => {
      signal.throwIfAborted();
      delays.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { limiter, logs, delays, provider };
}

describe('wrapWithLimiterAndRetries', () => {
  it('retries 429, 5xx and dropped connections with growing backoff and logs each retry as WARN', async () => {
    const inner = scripted([rateLimited(), serverError(), dropped(), OK]);
    const { provider, logs, delays } = setup(inner);
    await expect(provider.chat(REQUEST, new AbortController().signal)).resolves.toEqual(OK);
    expect(inner.calls).toBe(4);
    // base 500 ms, doubling, equal jitter with random 0.5: 375, 750, 1500.
    expect(delays).toEqual([375, 750, 1500]);
    const retries = logs.filter((l) => l.source === 'retry');
    expect(retries.map((l) => l.severity)).toEqual(['WARN', 'WARN', 'WARN']);
    expect(retries.map((l) => l.agent_id)).toEqual(['trader', 'trader', 'trader']);
    expect(retries[0]!.message).toBe('openai gpt-4o: attempt 1/4 failed (openai: HTTP 429: Rate limit reached); retrying in 375 ms');
    expect(retries[2]!.message).toContain('attempt 3/4 failed (network: openai: connection failed: other side closed)');
  });

  it('waits as long as retry-after asks (plus a little jitter)', async () => {
    const inner = scripted([rateLimited(3000), OK]);
    const { provider, delays, logs } = setup(inner);
    await provider.chat(REQUEST, new AbortController().signal);
    expect(delays).toEqual([3150]);
    expect(logs.find((l) => l.source === 'retry')!.message).toMatch(/retrying in 3150 ms as the server asked$/);
  });

  it('fails at once on a 4xx other than 429, with the provider message', async () => {
    const badRequest = new ProviderCallError('openai: 404 The model `gpt-9` does not exist', 'openai', 'client', 404);
    const inner = scripted([badRequest, OK]);
    const { provider, logs } = setup(inner);
    await expect(provider.chat(REQUEST, new AbortController().signal)).rejects.toBe(badRequest);
    expect(inner.calls).toBe(1);
    expect(logs.filter((l) => l.source === 'retry')).toEqual([]);
  });

  it('gives up after maxAttempts with a ProviderError saying so', async () => {
    const inner = scripted([serverError(), serverError(), serverError(), OK]);
    const { provider, delays } = setup(inner, '', { maxAttempts: 3 });
    const failure = provider.chat(REQUEST, new AbortController().signal);
    await expect(failure).rejects.toBeInstanceOf(ProviderError);
    await expect(failure).rejects.toMatchObject({
      message: 'openai: HTTP 500: Internal error (gave up after 3 attempts)',
      httpStatus: 500,
      provider: 'openai',
    });
    expect(inner.calls).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it('lets other errors through untouched and unretried', async () => {
    const odd = new TypeError('not a provider failure');
    const inner = scripted([odd, OK]);
    const { provider } = setup(inner);
    await expect(provider.chat(REQUEST, new AbortController().signal)).rejects.toBe(odd);
    expect(inner.calls).toBe(1);
  });

  it('makes every attempt inside one acquisition: a queued call is not admitted between retries', async () => {
    const gate = deferred();
    const secondAttempt = deferred();
    const inner = scripted([
      serverError(),
      async () => {
        secondAttempt.resolve();
        await gate.promise;
        return OK;
      },
      OK,
    ]);
    const { provider, limiter } = setup(inner);
    const first = provider.chat(REQUEST, new AbortController().signal);
    await flush();
    const second = provider.chat(REQUEST, new AbortController().signal);
    await secondAttempt.promise;
    expect(limiter.snapshot()[0]).toMatchObject({ key: 'global', in_use: 1, waiting: 1 });
    gate.resolve();
    await expect(first).resolves.toEqual(OK);
    await expect(second).resolves.toEqual(OK);
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('reports a 429 to the limiter, which lowers the provider limit and logs it', async () => {
    const inner = scripted([rateLimited(), OK]);
    const limiter = new ConcurrencyLimiter({ global: null, limits: parseProviderLimits('openai:4'), recoverAfterSuccesses: 1 });
    const logs: LogInput[] = [];
    const seen: Array<number | null> = [];
    const provider = wrapWithLimiterAndRetries(inner, {
      limiter,
      log: (e) => logs.push(e),
      // Observe the limit during the backoff, between the 429 and the retry.
      sleep: async () => {
        seen.push(limiter.snapshot().find((l) => l.key === 'openai')!.effective_limit);
      },
      random: () => 0,
    });
    await provider.chat(REQUEST, new AbortController().signal);
    expect(seen).toEqual([2]);
    expect(logs.find((l) => l.source === 'limiter')).toMatchObject({
      severity: 'WARN',
      message: 'openai answered 429: concurrency limit lowered to 2 until calls succeed again',
    });
    // recoverAfterSuccesses is 1 here: the success of the retry already raised it one step.
    expect(limiter.snapshot().find((l) => l.key === 'openai')!.effective_limit).toBe(3);
  });

  it('ends a backoff wait at once when the run is canceled, and releases its permit', async () => {
    const inner = scripted([serverError(), OK]);
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const sleeping = deferred<number>();
    // The real sleep, with a 2-minute backoff that only the abort can end.
    const provider = wrapWithLimiterAndRetries(inner, {
      limiter,
      log: () => {},
      baseDelayMs: 120_000,
      maxDelayMs: 120_000,
      random: () => 1,
      sleep: (ms, signal) => {
        sleeping.resolve(ms);
        return abortableSleep(ms, signal);
      },
    });
    const controller = new AbortController();
    const call = provider.chat(REQUEST, controller.signal);
    expect(await sleeping.promise).toBe(120_000);
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 1 });
    const reason = new Error('run canceled');
    const started = performance.now();
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(inner.calls).toBe(1);
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('never retries once the signal has aborted, even on a retryable failure', async () => {
    const controller = new AbortController();
    const reason = new Error('canceled mid-request');
    const inner = scripted([
      async () => {
        controller.abort(reason);
        throw dropped();
      },
      OK,
    ]);
    const { provider } = setup(inner);
    await expect(provider.chat(REQUEST, controller.signal)).rejects.toBe(reason);
    expect(inner.calls).toBe(1);
  });
});

describe('makeWrapProvider', () => {
  it('wraps each run provider with the shared limiter and that run log', async () => {
    const limiter = new ConcurrencyLimiter({ global: 2 });
    const runLog: LogInput[] = [];
    const wrap = makeWrapProvider(limiter, { sleep: async () => {}, random: () => 0 });
    const provider = wrap(scripted([serverError(), OK]), { runId: REQUEST.meta.runId, log: (e) => runLog.push(e) });
    expect(provider.name).toBe('openai');
    expect(provider.label).toBe('scripted');
    await expect(provider.chat(REQUEST, new AbortController().signal)).resolves.toEqual(OK);
    expect(runLog.map((e) => [e.severity, e.source])).toEqual([['WARN', 'retry']]);
    expect(limiter.snapshot().find((l) => l.key === 'openai')).toMatchObject({ in_use: 0 });
  });
});

import { getEventListeners } from 'node:events';
import { deferred, ProviderError } from '@tradingfloor/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../packages/engine/src/limiter/concurrency-limiter.js';
import { parseProviderLimits } from '../../packages/engine/src/config/parse-provider-limits.js';
import type { LogInput } from '../../packages/engine/src/logs/log-sink.js';
import { createAnthropicProvider } from '../../packages/engine/src/providers/anthropic-provider.js';
import { createOpenAiProvider } from '../../packages/engine/src/providers/openai-provider.js';
import { ProviderCallError } from '../../packages/engine/src/providers/provider-call-error.js';
import type { ChatMessage, ChatRequest, LlmProvider, ToolSpec } from '../../packages/engine/src/providers/provider.js';
import { wrapWithLimiterAndRetries } from '../../packages/engine/src/providers/retrying-provider.js';
import { startFakeProvider, type FakeProvider, type FakeReply } from '../support/fake-provider/index.js';

const TOOLS: ToolSpec[] = [
  {
    name: 'get_price_history',
    description: 'Daily bars up to the trade date',
    parameters: { type: 'object', properties: { ticker: { type: 'string' }, days: { type: 'integer' } }, required: ['ticker'] },
  },
  {
    name: 'get_news',
    description: 'Recent headlines',
    parameters: { type: 'object', properties: { ticker: { type: 'string' } }, required: ['ticker'] },
  },
];

function request(messages: ChatMessage[], tools?: ToolSpec[]): ChatRequest {
  return {
    model: 'test-model',
    tier: 'quick',
    messages,
    ...(tools ? { tools } : {}),
    meta: { runId: 'ACME--2024-05-10_10.00.00--abcdef', agentRole: 'market_analyst', agentId: 'analysts.market' },
  };
}

const ASK: ChatMessage[] = [
  { role: 'system', content: 'You are the market analyst. You study Acme (ACME) as of 2024-05-10.' },
  { role: 'user', content: 'Write your report.' },
];

/** Plays a fixed list of replies, one per request, then a plain answer. */
const sequence = (replies: FakeReply[]) => () => replies.shift() ?? { kind: 'text' as const, text: 'recovered' };

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

const PROVIDERS: Array<{ name: 'openai' | 'anthropic'; make: (timeoutMs?: number) => LlmProvider }> = [
  { name: 'openai', make: (timeoutMs = 10_000) => createOpenAiProvider({ baseURL: fake.openaiBaseURL, apiKey: 'sk-test', timeoutMs }) },
  {
    name: 'anthropic',
    make: (timeoutMs = 10_000) => createAnthropicProvider({ baseURL: fake.anthropicBaseURL, apiKey: 'sk-ant-test', timeoutMs }),
  },
];

/** Runs a failing raw call and returns the classified error. */
async function failure(provider: LlmProvider, signal = new AbortController().signal): Promise<ProviderCallError> {
  const err = await provider.chat(request(ASK), signal).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderCallError);
  return err as ProviderCallError;
}

describe('anthropic provider with a thinking model', () => {
  it('sends the thinking blocks of a tool-calling turn back unchanged with the tool results', async () => {
    fake.setScript((req) =>
      req.toolResults === 0
        ? {
            kind: 'tool_calls',
            thinking: 'I need prices first.',
            text: 'Fetching.',
            calls: [{ id: 'toolu_1', name: 'get_news', arguments: { ticker: 'ACME' } }],
          }
        : { kind: 'text', text: 'Done.' },
    );
    const provider = PROVIDERS[1]!.make();
    const messages: ChatMessage[] = [...ASK];
    const first = await provider.chat(request(messages, TOOLS), new AbortController().signal);
    expect(first).toMatchObject({ text: 'Fetching.', toolCalls: [{ id: 'toolu_1', name: 'get_news' }] });
    messages.push({ role: 'assistant', content: first.text, tool_calls: first.toolCalls });
    messages.push({ role: 'tool', tool_call_id: 'toolu_1', name: 'get_news', content: 'headlines' });
    await provider.chat(request(messages, TOOLS), new AbortController().signal);
    const turns = fake.requests[1]!.body.messages as Array<{ role: string; content: unknown[] }>;
    expect(turns[1]).toMatchObject({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I need prices first.', signature: 'fake-signature-1' },
        { type: 'text', text: 'Fetching.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_news', input: { ticker: 'ACME' } },
      ],
    });
  });
});

describe.each(PROVIDERS)('$name provider against the fake server, through the real SDK', ({ name, make }) => {
  it('returns a plain answer with usage, and sends no tool_choice', async () => {
    fake.setScript(() => ({ kind: 'text', text: 'Plain answer.', usage: { input_tokens: 42, output_tokens: 7 } }));
    const response = await make().chat(request(ASK, TOOLS), new AbortController().signal);
    expect(response).toEqual({
      text: 'Plain answer.',
      toolCalls: [],
      usage: { input_tokens: 42, output_tokens: 7 },
      model: 'test-model',
      finishReason: 'stop',
    });
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ format: name, model: 'test-model', hasToolChoice: false, system: ASK[0]!.content });
    expect(sent!.messages).toEqual([{ role: 'user', text: 'Write your report.' }]);
    expect(sent!.tools.map((t) => t.name)).toEqual(['get_price_history', 'get_news']);
    expect(sent!.tools[0]!.parameters).toMatchObject({ type: 'object', required: ['ticker'] });
  });

  it('runs a two-round tool loop: tool calls go out, tool results come back in the right wire shape', async () => {
    fake.setScript((req) => {
      if (req.toolResults === 0)
        return { kind: 'tool_calls', calls: [{ id: 'c1', name: 'get_price_history', arguments: { ticker: 'ACME', days: 30 } }] };
      if (req.toolResults === 1)
        return { kind: 'tool_calls', text: 'Now the news.', calls: [{ id: 'c2', name: 'get_news', arguments: { ticker: 'ACME' } }] };
      return { kind: 'text', text: 'Report written from both tools.' };
    });
    const provider = make();
    const messages = [...ASK];
    const seen: string[] = [];
    for (let round = 0; round < 5; round++) {
      const response = await provider.chat(request(messages, TOOLS), new AbortController().signal);
      if (response.toolCalls.length === 0) {
        seen.push(`text:${response.text}`);
        break;
      }
      expect(response.finishReason).toBe('tool_calls');
      messages.push({ role: 'assistant', content: response.text, tool_calls: response.toolCalls });
      for (const call of response.toolCalls) {
        seen.push(`${call.id}:${call.name}:${JSON.stringify(call.arguments)}`);
        messages.push({ role: 'tool', tool_call_id: call.id, name: call.name, content: `result of ${call.name}` });
      }
    }
    expect(seen).toEqual([
      'c1:get_price_history:{"ticker":"ACME","days":30}',
      'c2:get_news:{"ticker":"ACME"}',
      'text:Report written from both tools.',
    ]);
    expect(fake.requests).toHaveLength(3);
    const last = fake.requests[2]!;
    expect(last.toolResults).toBe(2);
    expect(last.messages).toEqual([
      { role: 'user', text: 'Write your report.' },
      { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'get_price_history', arguments: { ticker: 'ACME', days: 30 } }] },
      { role: 'tool', text: 'result of get_price_history', toolCallId: 'c1' },
      { role: 'assistant', text: 'Now the news.', toolCalls: [{ id: 'c2', name: 'get_news', arguments: { ticker: 'ACME' } }] },
      { role: 'tool', text: 'result of get_news', toolCallId: 'c2' },
    ]);
    if (name === 'anthropic') {
      // Tool results travel as tool_result blocks inside a user turn; the system prompt is top-level.
      const turns = last.body.messages as Array<{ role: string; content: Array<{ type: string }> }>;
      expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
      expect(turns[2]!.content.map((b) => b.type)).toEqual(['tool_result']);
      expect(last.body.system).toBe(ASK[0]!.content);
    } else {
      const wire = last.body.messages as Array<{ role: string; tool_calls?: Array<{ function: { arguments: unknown } }> }>;
      expect(wire.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);
      expect(typeof wire[2]!.tool_calls![0]!.function.arguments).toBe('string');
    }
  });

  it('classifies a 429 with retry-after (seconds) and with retry-after-ms', async () => {
    fake.setScript(
      sequence([
        { kind: 'rate_limit', retryAfterSeconds: 2 },
        { kind: 'rate_limit', retryAfterMs: 250 },
      ]),
    );
    const provider = make();
    expect(await failure(provider)).toMatchObject({
      kind: 'rate_limit',
      httpStatus: 429,
      retryAfterMs: 2000,
      retryable: true,
      provider: name,
    });
    expect(await failure(provider)).toMatchObject({ kind: 'rate_limit', retryAfterMs: 250 });
  });

  it('classifies a 500, a dropped connection, malformed JSON and an empty choice as retryable', async () => {
    fake.setScript(sequence([{ kind: 'server_error' }, { kind: 'drop' }, { kind: 'malformed_json' }, { kind: 'empty_choices' }]));
    const provider = make();
    expect(await failure(provider)).toMatchObject({ kind: 'server', httpStatus: 500, retryable: true });
    expect(await failure(provider)).toMatchObject({ kind: 'network', retryable: true });
    expect(await failure(provider)).toMatchObject({
      kind: 'bad_response',
      retryable: true,
      message: expect.stringMatching(/malformed JSON/),
    });
    expect(await failure(provider)).toMatchObject({
      kind: 'bad_response',
      retryable: true,
      message: expect.stringMatching(/no choices|empty content/),
    });
  });

  it('times out a hung response after the per-request timeout', async () => {
    fake.setScript(() => ({ kind: 'hang' }));
    const err = await failure(make(300));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, message: expect.stringContaining('no answer within 300 ms') });
    await fake.waitUntil((f) => f.inFlight === 0);
  });

  it('times out an answer whose body stops arriving after the headers (the SDK timeout covers the body)', async () => {
    fake.setScript(() => ({ kind: 'partial', then: 'hang' }));
    const err = await failure(make(300));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, message: expect.stringContaining('no answer within 300 ms') });
    await fake.waitUntil((f) => f.inFlight === 0);
  });

  it("leaves no listener on the run's signal once its calls are done, whatever their outcome", async () => {
    // The openai SDK never removes the listener it adds to the signal it is given: the run's signal is not given
    // to it (it goes to the keep-alive fetch, which lets go of it at the answer; see `sdkRequest`).
    fake.setScript(sequence([{ kind: 'text', text: 'one' }, { kind: 'server_error' }, { kind: 'drop' }]));
    const provider = make();
    const run = new AbortController();
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => provider.chat(request(ASK), run.signal)));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('fails a 4xx other than 429 as not retryable, with the server message', async () => {
    fake.setScript(() => ({ kind: 'client_error', status: 404, message: 'model "nope" not found' }));
    const err = await failure(make());
    expect(err).toMatchObject({ kind: 'client', httpStatus: 404, retryable: false });
    expect(err.message).toContain('model "nope" not found');
  });

  it('refuses tool-call arguments that are not a JSON object with a clear ProviderError', async () => {
    fake.setScript(() => ({ kind: 'tool_calls', calls: [{ id: 'c1', name: 'get_news', arguments: '{"ticker": "AC' }] }));
    const err = await failure(make());
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'bad_tool_arguments', retryable: false });
    expect(err.message).toMatch(/called tool "get_news" with arguments that are not (valid JSON|a JSON object)/);
  });

  it('stops at once when the run is canceled mid-request, rejecting with the abort reason', async () => {
    fake.setScript(() => ({ kind: 'hang' }));
    const controller = new AbortController();
    const call = make().chat(request(ASK), controller.signal);
    await fake.waitUntil((f) => f.requests.length === 1);
    const reason = new Error('run canceled');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    // The HTTP request was really abandoned, not left running.
    await fake.waitUntil((f) => f.inFlight === 0);
    expect(fake.inFlight).toBe(0);
  });

  it('with the retry layer: recovers from every transient fault in turn, logging each retry as WARN', async () => {
    fake.setScript(
      sequence([
        { kind: 'rate_limit', retryAfterMs: 5 },
        { kind: 'server_error', status: 503 },
        { kind: 'drop' },
        { kind: 'hang' },
        { kind: 'malformed_json' },
        { kind: 'empty_choices' },
      ]),
    );
    const logs: LogInput[] = [];
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const provider = wrapWithLimiterAndRetries(make(300), {
      limiter,
      log: (e) => logs.push(e),
      maxAttempts: 7,
      baseDelayMs: 2,
      maxDelayMs: 10,
    });
    const response = await provider.chat(request(ASK), new AbortController().signal);
    expect(response.text).toBe('recovered');
    expect(fake.requests).toHaveLength(7);
    const retries = logs.filter((l) => l.source === 'retry');
    expect(retries.map((l) => l.message.match(/attempt (\d\/\d)/)?.[1])).toEqual(['1/7', '2/7', '3/7', '4/7', '5/7', '6/7']);
    expect(retries.every((l) => l.severity === 'WARN' && l.agent_id === 'analysts.market')).toBe(true);
    expect(retries[0]!.message).toContain('HTTP 429');
    expect(retries[3]!.message).toContain('timeout');
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('with the retry layer: a 400 fails at once without a retry', async () => {
    fake.setScript(() => ({ kind: 'client_error', status: 400, message: 'bad request body' }));
    const logs: LogInput[] = [];
    const provider = wrapWithLimiterAndRetries(make(), { limiter: new ConcurrencyLimiter({ global: null }), log: (e) => logs.push(e) });
    await expect(provider.chat(request(ASK), new AbortController().signal)).rejects.toThrow(/bad request body/);
    expect(fake.requests).toHaveLength(1);
    expect(logs).toEqual([]);
  });

  it('with the retry layer: a cancel during the backoff wait ends it at once and frees the permit', async () => {
    fake.setScript(() => ({ kind: 'rate_limit', retryAfterSeconds: 30 }));
    const limiter = new ConcurrencyLimiter({ global: 1 });
    const warned = deferred<LogInput>();
    const provider = wrapWithLimiterAndRetries(make(), { limiter, log: (e) => e.source === 'retry' && warned.resolve(e) });
    const controller = new AbortController();
    const call = provider.chat(request(ASK), controller.signal);
    expect((await warned.promise).message).toMatch(/retrying in 3\d{4} ms as the server asked/);
    const reason = new Error('run canceled');
    const before = performance.now();
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(performance.now() - before).toBeLessThan(1000);
    expect(fake.requests).toHaveLength(1);
    expect(limiter.snapshot()[0]).toMatchObject({ in_use: 0, waiting: 0 });
  });

  it('with the limiter: ten concurrent calls never put more than two requests in flight at once', async () => {
    fake.setScript(() => ({ kind: 'text', text: 'ok', delayMs: 20 }));
    const limiter = new ConcurrencyLimiter({ global: 2, limits: parseProviderLimits(`${name}:5`) });
    const provider = wrapWithLimiterAndRetries(make(), { limiter, log: () => {} });
    const answers = await Promise.all(Array.from({ length: 10 }, () => provider.chat(request(ASK), new AbortController().signal)));
    expect(answers.map((a) => a.text)).toEqual(Array(10).fill('ok'));
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxInFlight).toBe(2);
  });
});

import { deferred } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { readClosingLines } from '../../packages/engine/src/decision/closing-lines.js';
import { createOpenAiProvider } from '../../packages/engine/src/providers/openai-provider.js';
import type { ChatMessage, ToolSpec } from '../../packages/engine/src/providers/provider.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';

const started: FakeProvider[] = [];
async function start(...args: Parameters<typeof startFakeProvider>): Promise<FakeProvider> {
  const fake = await startFakeProvider(...args);
  started.push(fake);
  return fake;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
});

const post = (fake: FakeProvider, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });

const TOOLS: ToolSpec[] = [
  {
    name: 'get_stock_data',
    description: 'OHLCV bars',
    parameters: {
      type: 'object',
      properties: {
        symbol: { type: 'string' },
        start_date: { type: 'string' },
        end_date: { type: 'string' },
        look_back_days: { type: 'integer', maximum: 20 },
      },
      required: ['symbol', 'start_date', 'end_date', 'look_back_days'],
    },
  },
  {
    name: 'get_indicator',
    description: 'One indicator',
    parameters: { type: 'object', properties: { indicator: { type: 'string', enum: ['rsi', 'macd'] } }, required: ['indicator'] },
  },
];

describe('the fake provider default script', () => {
  it('calls every offered tool with arguments read from the prompt, then answers with the closing lines', async () => {
    const fake = await start();
    const provider = createOpenAiProvider({ baseURL: fake.openaiBaseURL });
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are the market analyst. You study Globex Corp (GLOBEX) as of the close of 2024-03-15.' },
      { role: 'user', content: 'Gather data, then write your report.' },
    ];
    const meta = { runId: 'GLOBEX--2024-03-15_10.00.00--abcdef', agentRole: 'market_analyst' as const, agentId: 'analysts.market' };
    const first = await provider.chat({ model: 'm', tier: 'quick', messages, tools: TOOLS, meta }, new AbortController().signal);
    expect(first.toolCalls.map((c) => [c.name, c.arguments])).toEqual([
      ['get_stock_data', { symbol: 'GLOBEX', start_date: '2024-02-14', end_date: '2024-03-15', look_back_days: 20 }],
      ['get_indicator', { indicator: 'rsi' }],
    ]);
    messages.push({ role: 'assistant', content: '', tool_calls: first.toolCalls });
    for (const c of first.toolCalls) messages.push({ role: 'tool', tool_call_id: c.id, name: c.name, content: 'data' });
    const second = await provider.chat({ model: 'm', tier: 'quick', messages, tools: TOOLS, meta }, new AbortController().signal);
    expect(second.toolCalls).toEqual([]);
    expect(second.text).toContain('## Answer for GLOBEX');
    expect(readClosingLines(second.text)).toEqual({ rating: 'Hold', action: 'HOLD' });
    expect(second.usage.input_tokens).toBeGreaterThan(10);
  });

  it('can propose another action', async () => {
    const { createDefaultScript } = await import('../support/fake-provider/index.js');
    const fake = await start({ script: createDefaultScript({ action: 'SELL' }) });
    const res = await post(fake, '/v1/messages', {
      model: 'claude',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Decide on ACME.' }],
    });
    const body = (await res.json()) as { content: Array<{ text: string }>; stop_reason: string };
    expect(body.stop_reason).toBe('end_turn');
    expect(readClosingLines(body.content[0]!.text)).toEqual({ rating: 'Sell', action: 'SELL' });
  });
});

describe('the fake provider server', () => {
  it('records requests and tracks in-flight and peak concurrency while replies are held', async () => {
    const gate = deferred();
    const fake = await start({ script: async () => (await gate.promise, { kind: 'text', text: 'done' }) });
    const calls = [1, 2, 3].map((i) => post(fake, '/v1/chat/completions', { model: `m${i}`, messages: [{ role: 'user', content: 'hi' }] }));
    await fake.waitUntil((f) => f.inFlight === 3);
    expect(fake.requests.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(new Set(fake.requests.map((r) => r.model))).toEqual(new Set(['m1', 'm2', 'm3']));
    gate.resolve();
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await fake.waitUntil((f) => f.inFlight === 0);
    expect(fake.maxInFlight).toBe(3);
    fake.reset();
    expect(fake.requests).toEqual([]);
    expect(fake.maxInFlight).toBe(0);
  });

  it('applies latency before answering', async () => {
    const fake = await start({ latencyMs: 60 });
    const before = performance.now();
    const res = await post(fake, '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    expect(performance.now() - before).toBeGreaterThanOrEqual(55);
  });

  it('ends hung requests when closed', async () => {
    const fake = await startFakeProvider({ script: () => ({ kind: 'hang' }) });
    const call = post(fake, '/v1/chat/completions', { model: 'm', messages: [] }).then(
      () => 'answered',
      () => 'connection closed',
    );
    await fake.waitUntil((f) => f.inFlight === 1);
    await fake.close();
    expect(await call).toBe('connection closed');
  });

  it('injects a 429 with retry-after headers in both wire formats', async () => {
    const fake = await start({ script: () => ({ kind: 'rate_limit', retryAfterSeconds: 3, retryAfterMs: 2500 }) });
    const openai = await post(fake, '/v1/chat/completions', { model: 'm', messages: [] });
    expect(openai.status).toBe(429);
    expect(openai.headers.get('retry-after')).toBe('3');
    expect(openai.headers.get('retry-after-ms')).toBe('2500');
    expect(await openai.json()).toMatchObject({ error: { type: 'rate_limit_exceeded' } });
    const anthropic = await post(fake, '/v1/messages', { model: 'm', messages: [] });
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('answers unknown routes with 404 and a non-JSON body with 400, without recording them', async () => {
    const fake = await start();
    expect((await post(fake, '/v1/embeddings', {})).status).toBe(404);
    expect((await post(fake, '/v1/chat/completions', 'not json')).status).toBe(400);
    expect(fake.requests).toEqual([]);
  });

  it('turns a script that throws into a 500 naming the failure', async () => {
    const fake = await start({
      script: () => {
        throw new Error('script bug');
      },
    });
    const res = await post(fake, '/v1/chat/completions', { model: 'm', messages: [] });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('script bug');
  });
});

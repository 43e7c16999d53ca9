import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerTooLarge } from '../../src/providers/answer-size-limit.js';
import { createKeepAliveFetch, FOLLOWED_SIGNAL, type KeepAliveFetch } from '../../src/providers/keep-alive-fetch.js';
import { createOpenAiProvider } from '../../src/providers/openai-provider.js';
import type { ChatRequest } from '../../src/providers/provider.js';
import { startFakeProvider, type FakeProvider } from '../../../../tests/support/fake-provider/index.js';

// The keep-alive fetch (issue 13) under the real openai and Anthropic SDK clients, against the fake
// provider server: answers, streams, aborts, timeouts and broken connections must look to the SDKs as they
// do through the global fetch.

let fake: FakeProvider;
let transport: KeepAliveFetch;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  transport?.destroy();
  await fake.close();
});
beforeEach(() => {
  transport?.destroy();
  transport = createKeepAliveFetch();
  fake.reset();
  fake.setScript(() => ({ kind: 'text', text: 'fine' }));
});

const openai = (options: { baseURL?: string; timeout?: number } = {}) =>
  new OpenAI({ apiKey: 'k', baseURL: fake.openaiBaseURL, maxRetries: 0, fetch: transport.fetch, ...options });
const anthropic = (options: { timeout?: number } = {}) =>
  new Anthropic({ apiKey: 'k', baseURL: fake.anthropicBaseURL, maxRetries: 0, fetch: transport.fetch, ...options });
const ask = (client: OpenAI, signal?: AbortSignal) =>
  client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { signal });
const askClaude = (client: Anthropic, signal?: AbortSignal) =>
  client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { signal });

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('answers', () => {
  it('carries a chat completion through the openai SDK, with the request as sent', async () => {
    const completion = await ask(openai());
    expect(completion.choices[0]?.message.content).toBe('fine');
    expect(completion._request_id).toBeNull();
    expect(fake.requests[0]).toMatchObject({ format: 'openai', model: 'm', messages: [{ role: 'user', text: 'hi' }] });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer k');
  });

  it('carries a message through the Anthropic SDK', async () => {
    const message = await askClaude(anthropic());
    expect(message.content).toEqual([{ type: 'text', text: 'fine' }]);
    expect(fake.requests[0]?.headers).toMatchObject({ authorization: 'Bearer k', 'anthropic-version': expect.any(String) as unknown });
  });

  it('hands HTTP errors to the SDK with status, headers and body', async () => {
    fake.setScript(() => ({ kind: 'rate_limit', retryAfterMs: 1234 }));
    const error = await ask(openai()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, message: expect.stringMatching(/Rate limit reached \(fake\)/) as unknown });
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after-ms')).toBe('1234');
  });

  it('reads a chunked answer (no Content-Length)', async () => {
    fake.setScript(() => ({ kind: 'text', text: 'w'.repeat(50_000), chunked: true }));
    const completion = await ask(openai());
    expect(completion.choices[0]?.message.content).toHaveLength(50_000);
  });

  it('reuses one connection for requests in a row (keep-alive)', async () => {
    const client = openai();
    for (let i = 0; i < 5; i++) await ask(client);
    await askClaude(anthropic());
    expect(fake.requests).toHaveLength(6);
    expect(fake.connections).toBe(1);
  });

  it('opens a connection per request in flight at once, and keeps them for the next ones', async () => {
    const client = openai();
    await Promise.all([ask(client), ask(client), ask(client)]);
    await Promise.all([ask(client), ask(client), ask(client)]);
    expect(fake.connections).toBe(3);
  });

  it('keeps every connection of a burst larger than 64 for the next burst (runs move in step)', async () => {
    // 100 calls held until all are in flight, then 100 more: a pool keeping fewer idle connections than a
    // burst (Node's agent closes the surplus) would reconnect the difference at every phase of every run.
    const burst = 100;
    const allIn = fake.waitUntil((f) => f.inFlight === burst);
    fake.setScript(async () => {
      await allIn;
      return { kind: 'text', text: 'fine' };
    });
    const client = openai();
    await Promise.all(Array.from({ length: burst }, () => ask(client)));
    fake.setScript(() => ({ kind: 'text', text: 'fine' }));
    await Promise.all(Array.from({ length: burst }, () => ask(client)));
    expect(fake.requests).toHaveLength(2 * burst);
    expect(fake.connections).toBe(burst);
  });
});

describe('compressed answers', () => {
  it('inflates a gzip answer a server sends unasked, and holds the size limit to the inflated bytes', async () => {
    // The fake provider never compresses: a server of its own that gzips every answer.
    const completion = { id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'z'.repeat(30_000) } }] };
    const gzipped = gzipSync(JSON.stringify(completion));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gzipped.byteLength });
      res.end(gzipped);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const small = createKeepAliveFetch({ maxBodyBytes: 10_000 });
    try {
      expect(gzipped.byteLength).toBeLessThan(10_000);
      const answer = await ask(openai({ baseURL }));
      expect(answer.choices[0]?.message.content).toBe('z'.repeat(30_000));
      const limited = new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0, fetch: small.fetch });
      const error = await ask(limited).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(((error as Error).cause as Error).message).toBe('answer too large (more than 10000 bytes)');
    } finally {
      small.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('streams', () => {
  it('streams an openai completion chunk by chunk', async () => {
    fake.setScript(() => ({ kind: 'stream', chunks: ['Buy ', 'low, ', 'sell ', 'high.'], gapMs: 5 }));
    const stream = await openai().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const deltas: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    expect(deltas).toEqual(['Buy ', 'low, ', 'sell ', 'high.']);
  });

  it('streams an Anthropic message and assembles it', async () => {
    fake.setScript(() => ({ kind: 'stream', chunks: ['Hold ', 'steady.'] }));
    const stream = anthropic().messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts).toEqual(['Hold ', 'steady.']);
    expect(message.content).toEqual([{ type: 'text', text: 'Hold steady.' }]);
  });
});

describe('abort and timeout', () => {
  it('aborts a request waiting for its answer (user abort)', async () => {
    fake.setScript(() => ({ kind: 'hang' }));
    const controller = new AbortController();
    const pending = ask(openai(), controller.signal).catch((e: unknown) => e);
    await fake.waitUntil((f) => f.inFlight === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await fake.waitUntil((f) => f.inFlight === 0);
  });

  it('aborts an answer whose body is half read', async () => {
    fake.setScript(() => ({ kind: 'partial', then: 'hang' }));
    const controller = new AbortController();
    const pending = askClaude(anthropic(), controller.signal).catch((e: unknown) => e);
    await fake.waitUntil((f) => f.inFlight === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(Anthropic.APIUserAbortError);
    await fake.waitUntil((f) => f.inFlight === 0);
  });

  it('aborts a stream mid-body: the iteration ends quietly (as the SDK does on abort), the connection closes', async () => {
    fake.setScript(() => ({ kind: 'stream', chunks: ['one ', 'two ', 'three'], stallAfter: 1 }));
    const controller = new AbortController();
    const stream = await openai().chat.completions.create(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: controller.signal },
    );
    const deltas: string[] = [];
    for await (const chunk of stream) {
      deltas.push(chunk.choices[0]?.delta.content ?? '');
      controller.abort();
    }
    expect(deltas).toEqual(['one ']);
    expect(stream.controller.signal.aborted).toBe(true);
    await fake.waitUntil((f) => f.inFlight === 0);
  });

  it('honours the SDK timeout while waiting for the answer and while its body stalls', async () => {
    fake.setScript(() => ({ kind: 'hang' }));
    expect(await ask(openai({ timeout: 50 })).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    fake.setScript(() => ({ kind: 'partial', then: 'hang' }));
    expect(await askClaude(anthropic({ timeout: 50 })).catch((e: unknown) => e)).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    await fake.waitUntil((f) => f.inFlight === 0);
  });

  it('does not send a request whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await ask(openai(), controller.signal).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('a followed signal (the run\'s, under FOLLOWED_SIGNAL in the fetch options)', () => {
  // The SDKs' per-request `fetchOptions` reach the fetch with the rest of the RequestInit: that is how
  // `sdkRequest` hands over the run's signal without giving it to the SDK.
  // (`object`: the SDKs' types do not know the key, as in `SdkRequestOptions`.)
  const followedBy = (signal: AbortSignal): { fetchOptions: object } => ({ fetchOptions: { [FOLLOWED_SIGNAL]: signal } });

  it('stops an openai request waiting for its answer, and an Anthropic one mid-body, with its reason', async () => {
    fake.setScript(() => ({ kind: 'hang' }));
    const run = new AbortController();
    const reason = new Error('run canceled');
    const pending = openai()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, followedBy(run.signal))
      .catch((e: unknown) => e);
    await fake.waitUntil((f) => f.inFlight === 1);
    run.abort(reason);
    expect(((await pending) as Error).cause).toBe(reason);
    await fake.waitUntil((f) => f.inFlight === 0);

    fake.setScript(() => ({ kind: 'partial', then: 'hang' }));
    const claudeRun = new AbortController();
    const claude = anthropic()
      .messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, followedBy(claudeRun.signal))
      .catch((e: unknown) => e);
    await fake.waitUntil((f) => f.inFlight === 1);
    claudeRun.abort(reason);
    expect(((await claude) as Error).cause).toBe(reason);
    await fake.waitUntil((f) => f.inFlight === 0);
  });

  it('does not send a request whose followed signal is already aborted', async () => {
    const run = new AbortController();
    run.abort(new Error('run canceled'));
    const outcome = await openai()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, followedBy(run.signal))
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(fake.requests).toHaveLength(0);
  });

  it('holds no listener on the followed signal once the answer is in, nor after a failure', async () => {
    fake.setScript(() => ({ kind: 'text', text: 'fine' }));
    const run = new AbortController();
    await openai().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, followedBy(run.signal));
    fake.setScript(() => ({ kind: 'drop' }));
    await openai()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, followedBy(run.signal))
      .catch(() => undefined);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('also stops a request the global fetch carries (a body the pool does not send)', async () => {
    fake.setScript(() => ({ kind: 'hang' }));
    const run = new AbortController();
    const reason = new Error('run canceled');
    const body = new Blob([JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })]);
    const pending = transport
      .fetch(`${fake.openaiBaseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        [FOLLOWED_SIGNAL]: run.signal,
      } as RequestInit)
      .catch((e: unknown) => e);
    await fake.waitUntil((f) => f.inFlight === 1);
    run.abort(reason);
    expect(await pending).toBe(reason);
    await fake.waitUntil((f) => f.inFlight === 0);
  });
});

describe('broken connections', () => {
  it('maps a refused connection to the SDK connection error, keeping the socket code', async () => {
    const error = await ask(openai({ baseURL: `http://127.0.0.1:${await closedPort()}/v1` })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const cause = (error as Error).cause as Error & { cause?: Error & { code?: string } };
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe('fetch failed');
    expect(cause.cause?.code).toBe('ECONNREFUSED');
  });

  it('maps a socket dropped before the answer and one dropped mid-body to connection errors', async () => {
    fake.setScript(() => ({ kind: 'drop' }));
    expect(await ask(openai()).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIConnectionError);
    fake.setScript(() => ({ kind: 'partial', then: 'drop' }));
    const error = await askClaude(anthropic()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(((error as Error).cause as Error).message).toBe('terminated');
  });

  it('lets the provider classify them as retryable network failures and timeouts', async () => {
    const request: ChatRequest = {
      model: 'm',
      tier: 'quick',
      messages: [{ role: 'user', content: 'hi' }],
      meta: { runId: 'r', agentRole: 'trader', agentId: 't' },
    };
    const refused = createOpenAiProvider({ baseURL: `http://127.0.0.1:${await closedPort()}/v1`, apiKey: 'k' });
    await expect(refused.chat(request, new AbortController().signal)).rejects.toMatchObject({ kind: 'network', retryable: true });
    fake.setScript(() => ({ kind: 'partial', then: 'drop' }));
    const provider = createOpenAiProvider({ baseURL: fake.openaiBaseURL, apiKey: 'k', timeoutMs: 100 });
    await expect(provider.chat(request, new AbortController().signal)).rejects.toMatchObject({ kind: 'network', retryable: true });
    fake.setScript(() => ({ kind: 'partial', then: 'hang' }));
    await expect(provider.chat(request, new AbortController().signal)).rejects.toMatchObject({ kind: 'timeout', retryable: true });
  });
});

describe('a pooled connection the server closed', () => {
  it('is retried once on a fresh connection after sitting idle, without failing the call', async () => {
    // Request 2 reuses request 1's connection, which the server drops unanswered (as one whose keep-alive
    // timeout passed while it sat in the pool); request 3 is the retry, on a new connection. Any idle time
    // counts here (staleAfterIdleMs: 0), so the test needs no wait. On a server of its own: the connections
    // are counted, and undici reconnects a client whose request was aborted mid-answer (as an earlier test's
    // leftover providers do to the shared server).
    transport.destroy();
    transport = createKeepAliveFetch({ staleAfterIdleMs: 0 });
    const own = await startFakeProvider();
    try {
      let n = 0;
      own.setScript(() => (++n === 2 ? { kind: 'drop' } : { kind: 'text', text: `answer ${n}` }));
      const client = openai({ baseURL: own.openaiBaseURL });
      await ask(client);
      const second = await ask(client);
      expect(second.choices[0]?.message.content).toBe('answer 3');
      expect(own.requests).toHaveLength(3);
      expect(own.connections).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('is not retried when the failing connection was a fresh one, or idle for less than staleAfterIdleMs', async () => {
    let n = 0;
    fake.setScript(() => (++n <= 3 ? { kind: 'drop' } : { kind: 'text', text: 'late' }));
    expect(await ask(openai()).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(fake.requests).toHaveLength(1);
    // A connection just used (default: 1 s of idleness before a drop counts as stale) fails the call.
    n = 10;
    const client = openai();
    await ask(client);
    n = 0;
    expect(await ask(client).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(fake.requests).toHaveLength(3);
  });
});

describe('size limit', () => {
  const limited = (maxBodyBytes: number) =>
    createKeepAliveFetch({ maxBodyBytes, tooLarge: answerTooLarge(maxBodyBytes, { provider: 'openai', label: 'fake' }) });

  it('refuses an answer by its Content-Length, and a chunked one as soon as it passes the limit', async () => {
    const small = limited(10_000);
    try {
      const client = new OpenAI({ apiKey: 'k', baseURL: fake.openaiBaseURL, maxRetries: 0, fetch: small.fetch });
      fake.setScript(() => ({ kind: 'text', text: 'x'.repeat(20_000) }));
      const declared = await ask(client).catch((e: unknown) => e);
      expect(((declared as Error).cause as Error).message).toMatch(/^fake: the answer is larger .* \(\d+ bytes, at most 10000 bytes\)$/);
      fake.setScript(() => ({ kind: 'text', text: 'x'.repeat(20_000), chunked: true }));
      const chunked = await ask(client).catch((e: unknown) => e);
      expect(((chunked as Error).cause as Error).message).toMatch(/\(more than 10000 bytes, at most 10000 bytes\)$/);
      fake.setScript(() => ({ kind: 'text', text: 'x'.repeat(5_000), chunked: true }));
      expect((await ask(client)).choices[0]?.message.content).toHaveLength(5_000);
    } finally {
      small.destroy();
    }
  });
});

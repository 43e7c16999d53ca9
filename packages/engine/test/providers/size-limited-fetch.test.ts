import { describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../src/providers/provider-call-error.js';
import { maxResponseBytesFor, sizeLimitedFetch } from '../../src/providers/size-limited-fetch.js';

/** A fetch answering a chunked body (no Content-Length) of `chunks` × `size` bytes, counting what was pulled. */
function chunkedFetch(chunks: number, size: number) {
  const pulled = { chunks: 0 };
  const base = (async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled.chunks === chunks) return controller.close();
        pulled.chunks += 1;
        controller.enqueue(new Uint8Array(size).fill(120));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { base, pulled };
}

const ctx = { provider: 'openai', label: 'test server' };

describe('sizeLimitedFetch', () => {
  it('stops reading a chunked answer as soon as it passes the limit', async () => {
    const { base, pulled } = chunkedFetch(1_000, 1_000);
    const response = await sizeLimitedFetch(10_000, ctx, base)('http://x');
    const error = await response.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({
      kind: 'answer_too_large',
      message: 'test server: the answer is larger than LLM_MAX_ANSWER_CHARS allows (more than 10000 bytes, at most 10000 bytes)',
    });
    expect(pulled.chunks).toBeLessThan(20);
  });

  it('passes a chunked answer within the limit untouched', async () => {
    const { base } = chunkedFetch(5, 1_000);
    const response = await sizeLimitedFetch(10_000, ctx, base)('http://x');
    expect((await response.text()).length).toBe(5_000);
  });

  it('leaves room for JSON escapes and the envelope', () => {
    expect(maxResponseBytesFor(200_000)).toBe(200_000 * 6 + 256 * 1024);
  });
});

import { ProviderCallError } from './provider-call-error.js';

/**
 * Bytes of an HTTP answer that can still carry an answer of `maxAnswerChars` characters: JSON escapes a
 * character in at most 6 bytes (`\uXXXX`), plus room for the envelope (ids, usage, tool-call framing).
 */
export function maxResponseBytesFor(maxAnswerChars: number): number {
  return maxAnswerChars * 6 + 256 * 1024;
}

/**
 * A `fetch` for the SDK clients that refuses answers over `maxBytes` before they are parsed: by their
 * `Content-Length` at once, else while the body streams in. Without it a 20 MB answer was read, decoded and
 * JSON-parsed in one go (0.7 s of blocked event loop) only to be refused afterwards by the answer limits.
 * The failure is a non-retryable `answer_too_large` `ProviderCallError` (asking again returns the same).
 */
export function sizeLimitedFetch(maxBytes: number, ctx: { provider: string; label: string }, base: typeof fetch = fetch): typeof fetch {
  const tooLarge = (size: string) =>
    new ProviderCallError(
      `${ctx.label}: the answer is larger than LLM_MAX_ANSWER_CHARS allows (${size}, at most ${maxBytes} bytes)`,
      ctx.provider,
      'answer_too_large',
    );
  return async (input, init) => {
    const response = await base(input, init);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(`${declared} bytes`);
    }
    if (!response.body || Number.isFinite(declared)) return response;
    let seen = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(tooLarge(`more than ${maxBytes} bytes`));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

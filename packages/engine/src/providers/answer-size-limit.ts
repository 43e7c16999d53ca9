import { ProviderCallError } from './provider-call-error.js';

/**
 * Bytes of an HTTP answer that can still carry an answer of `maxAnswerChars` characters: JSON escapes a
 * character in at most 6 bytes (`\uXXXX`), plus room for the envelope (ids, usage, tool-call framing).
 */
export function maxResponseBytesFor(maxAnswerChars: number): number {
  return maxAnswerChars * 6 + 256 * 1024;
}

/**
 * The failure of an answer over `maxBytes`, refused before it is parsed (by its `Content-Length`, else while
 * it streams in; see `createKeepAliveFetch`). Without the limit a 20 MB answer was read, decoded and
 * JSON-parsed in one go (0.7 s of blocked event loop) only to be refused afterwards by the answer limits. It
 * is a non-retryable `answer_too_large` `ProviderCallError`: asking again returns the same.
 */
export function answerTooLarge(maxBytes: number, ctx: { provider: string; label: string }): (size: string) => ProviderCallError {
  return (size) =>
    new ProviderCallError(
      `${ctx.label}: the answer is larger than LLM_MAX_ANSWER_CHARS allows (${size}, at most ${maxBytes} bytes)`,
      ctx.provider,
      'answer_too_large',
    );
}

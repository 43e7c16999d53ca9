import { PayloadTooLargeError, ValidationError } from '@tradingfloor/shared';
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';

/** zlib's codes for a compressed body that does not decode (bad header, truncated stream, bad data). */
const ZLIB_FAILURES = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'Z_STREAM_ERROR', 'Z_NEED_DICT']);

/** True for gzip/deflate (`Z_…`) and brotli (`ERR__ERROR_…`) decoding failures. */
function isDecodeFailure(code: unknown): boolean {
  return typeof code === 'string' && (ZLIB_FAILURES.has(code) || code.startsWith('ERR__ERROR_'));
}

/**
 * The JSON / form body parser with two checks koa-body lacks:
 * - a declared `Content-Length` over the limit is refused with 413 before any byte is read (co-body
 *   truncates the header to a 32-bit integer, so 2^31 and more became negative and the request hung
 *   until the request timeout);
 * - a body whose `Content-Encoding` does not decode (e.g. "gzip" on plain text) is the client's fault:
 *   400 naming the encoding, not a 500 with a zlib stack in the log.
 */
export function parseBody(limitBytes: number): Middleware {
  const parser = koaBody({
    json: true,
    urlencoded: true,
    text: false,
    multipart: false,
    jsonStrict: true,
    jsonLimit: limitBytes,
    formLimit: limitBytes,
    patchNode: false,
  });
  return async (ctx, next) => {
    const declared = ctx.get('Content-Length');
    if (declared !== '' && Number(declared) > limitBytes) {
      // The body is never read: tell the client the connection ends here rather than drain gigabytes.
      ctx.set('Connection', 'close');
      throw new PayloadTooLargeError(`request body is larger than the limit of ${limitBytes} bytes`);
    }
    let parsed = false;
    try {
      await parser(ctx, async () => {
        parsed = true;
        await next();
      });
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (!parsed && isDecodeFailure(code)) {
        const encoding = ctx.get('Content-Encoding') || 'the declared encoding';
        throw new ValidationError(`request body could not be decoded as ${encoding}: ${(err as Error).message}`);
      }
      throw err;
    }
  };
}

import { MethodNotAllowedError, NotFoundError } from '@tradingfloor/shared';
import type { Middleware } from 'koa';

/** Methods some route or the SPA may answer; any other method is refused outright. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Placed right after the error handler: whatever nothing below answered becomes a JSON 404 (Koa's default
 * is a text "Not Found"), or a JSON 405 when the method is one no route uses (TRACE, PROPFIND, …). It wraps
 * rather than terminates so the router's 405 logic still runs.
 */
export function notFound(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body != null) return;
    if (!KNOWN_METHODS.has(ctx.method)) throw new MethodNotAllowedError(`method ${ctx.method} is not allowed`);
    throw new NotFoundError(`no route for ${ctx.method} ${ctx.path}`);
  };
}

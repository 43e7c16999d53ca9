import { NotFoundError } from '@tradingfloor/shared';
import type { Middleware } from 'koa';

/**
 * Placed right after the error handler: whatever nothing below answered becomes a JSON 404 (Koa's default
 * is a text "Not Found"). It wraps rather than terminates so the router's 405 logic still runs.
 */
export function notFound(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body == null) throw new NotFoundError(`no route for ${ctx.method} ${ctx.path}`);
  };
}

import { ForbiddenError, UnauthorizedError } from '@tradingfloor/shared';
import type { Middleware } from 'koa';
import { isAllowedOrigin } from '../security/origin.js';
import { bearerToken, tokenMatches } from '../security/token.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Paths anyone may read without the token: the health probe and the SPA's files. */
export type PublicPath = (path: string) => boolean;

/**
 * Origin and token checks for REST. A state-changing request carrying a foreign `Origin` gets 403; when a
 * token is configured every API request needs `Authorization: Bearer <token>` (or `?token=` on GETs, so
 * that a download link works) and gets 401 without it.
 */
export function guard(options: { token: string | undefined; allowedOrigins: readonly string[]; isPublic: PublicPath }): Middleware {
  return async (ctx, next) => {
    if (
      !SAFE_METHODS.has(ctx.method) &&
      !isAllowedOrigin(ctx.get('Origin') || undefined, ctx.get('Host') || undefined, options.allowedOrigins)
    ) {
      throw new ForbiddenError(`requests from origin ${ctx.get('Origin')} are not allowed`);
    }
    const queryToken = typeof ctx.query.token === 'string' ? ctx.query.token : undefined;
    if (queryToken !== undefined) {
      // The token is transport, not a query field: route schemas are strict and must not see it.
      const { token: _token, ...rest } = ctx.query;
      ctx.query = rest;
    }
    if (options.token === undefined || options.isPublic(ctx.path)) return next();
    const presented = bearerToken(ctx.get('Authorization') || undefined) ?? (SAFE_METHODS.has(ctx.method) ? queryToken : undefined);
    if (!tokenMatches(presented, options.token)) throw new UnauthorizedError();
    return next();
  };
}

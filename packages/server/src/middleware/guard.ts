import { ForbiddenError, UnauthorizedError } from '@tradingfloor/shared';
import type { Middleware } from 'koa';
import { isAllowedHost, isAllowedOrigin } from '../security/origin.js';
import { bearerToken, tokenMatches } from '../security/token.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Paths anyone may read without the token: the health probe and the SPA's files. */
export type PublicPath = (path: string) => boolean;

/**
 * Host, Origin and token checks for REST. On a loopback-bound server every request (any method, SPA files
 * too) must carry a `Host` naming this machine or an `ALLOWED_ORIGINS` host, or it gets 403 (DNS
 * rebinding; see `isAllowedHost`). A state-changing request carrying a foreign `Origin` gets 403; when a
 * token is configured every API request needs `Authorization: Bearer <token>` (or `?token=` on GETs, so
 * that a download link works) and gets 401 without it.
 */
export function guard(options: {
  token: string | undefined;
  allowedOrigins: readonly string[];
  isPublic: PublicPath;
  /** The address the server listens on; a loopback one turns on the `Host` check. */
  bindHost?: string | undefined;
}): Middleware {
  return async (ctx, next) => {
    const host = ctx.get('Host') || undefined;
    if (!isAllowedHost(host, { bindHost: options.bindHost, allowedOrigins: options.allowedOrigins })) {
      throw new ForbiddenError(`requests for host ${host ?? '(none)'} are not allowed`);
    }
    if (!SAFE_METHODS.has(ctx.method) && !isAllowedOrigin(ctx.get('Origin') || undefined, host, options.allowedOrigins)) {
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

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { send } from '@koa/send';
import type { Middleware } from 'koa';
import { isApiPath } from '../routes/api-paths.js';

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built SPA from `webDist` when it exists: its files as they are, and `index.html` for any other
 * GET that is not an API path and has no file extension (the SPA's own routes). API paths fall through to
 * the JSON 404. @koa/send keeps every path inside `webDist`.
 */
export function serveSpa(webDist: string): Middleware {
  const index = path.join(webDist, 'index.html');
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isApiPath(ctx.path) || !(await exists(index))) return next();
    try {
      if (await send(ctx, ctx.path, { root: webDist, index: 'index.html', maxage: ctx.path.startsWith('/assets/') ? 31_536_000_000 : 0 }))
        return;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    // A missing asset is a 404; a client-side route gets the app shell.
    if (path.extname(ctx.path) !== '') return next();
    await send(ctx, 'index.html', { root: webDist });
  };
}

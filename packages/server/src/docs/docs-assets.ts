import { createRequire } from 'node:module';
import { send } from '@koa/send';
import type { Middleware } from 'koa';
import { DOCS_ASSETS_PREFIX, DOCS_CSP, DOCS_INIT_JS } from './docs-page.js';

/** The folder of the installed `swagger-ui-dist` package (resolved without loading its 1.8 MB bundle). */
function swaggerUiDir(): string {
  const require = createRequire(import.meta.url);
  return (require('swagger-ui-dist/absolute-path.js') as () => string)();
}

/** The viewer's files the page uses; nothing else of the package is reachable. */
const SWAGGER_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);

/**
 * Serves the reference page's static files under `/docs/assets/`: Swagger UI's bundle and stylesheet from
 * `node_modules` (our own host, no CDN) and our initializer script, each with the page's CSP. An unknown file
 * falls through to the JSON 404.
 */
export function serveDocsAssets(): Middleware {
  let root: string | undefined;
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith(DOCS_ASSETS_PREFIX)) return next();
    const file = ctx.path.slice(DOCS_ASSETS_PREFIX.length);
    if (file === 'init.js') {
      ctx.set('Content-Security-Policy', DOCS_CSP);
      ctx.type = 'text/javascript';
      ctx.body = DOCS_INIT_JS;
      return;
    }
    if (!SWAGGER_FILES.has(file)) return next();
    ctx.set('Content-Security-Policy', DOCS_CSP);
    root ??= swaggerUiDir();
    // A day: the files change only with the package version.
    await send(ctx, file, { root, maxage: 86_400_000 });
  };
}

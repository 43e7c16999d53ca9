import Router from '@koa/router';
import { API_ROUTES, buildOpenApiDocument, type OpenApiDocument } from '@tradingfloor/shared';
import { DOCS_CSP, DOCS_HTML } from '../docs/docs-page.js';
import { packageVersion } from '../package-version.js';
import { defineRoute } from './define-route.js';

/** `GET /openapi.json` (the route table as an OpenAPI 3.1 document) and `GET /docs` (its reference page). Both public. */
export function openApiRoutes(): Router {
  const router = new Router();
  // The table is fixed for the life of the process: the document is built once, on first request (~0.1 s).
  let document: OpenApiDocument | undefined;

  defineRoute(router, API_ROUTES.openapi, () => (document ??= buildOpenApiDocument(API_ROUTES, { version: packageVersion() })));

  defineRoute(router, API_ROUTES.docs, ({ ctx }) => {
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.type = 'text/html';
    return DOCS_HTML;
  });

  return router;
}

/** Where the reference page's static files are served from (see `serveDocsAssets`). */
export const DOCS_ASSETS_PREFIX = '/docs/assets/';

/**
 * The Content-Security-Policy of the reference page and its files: scripts only from this server (the viewer's
 * bundle and our initializer, no inline script), data only from this server (`/openapi.json`). Swagger UI sets
 * element styles from script and draws some icons as `data:` images, hence those two allowances.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The initializer, served as a file so that the CSP needs no inline script: Swagger UI over our own
 * `/openapi.json`, without the online validator badge (no request leaves this host) and with the token the
 * user types into Authorize kept for the session.
 */
export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** `GET /docs`: the reference page, Swagger UI's bundle rendering `/openapi.json`. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>TradingFloor API reference</title>
    <link rel="stylesheet" href="${DOCS_ASSETS_PREFIX}swagger-ui.css" />
    <link rel="icon" type="image/png" href="${DOCS_ASSETS_PREFIX}favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_ASSETS_PREFIX}swagger-ui-bundle.js"></script>
    <script src="${DOCS_ASSETS_PREFIX}init.js"></script>
  </body>
</html>
`;

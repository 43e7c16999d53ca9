import { API_ROUTES } from '@tradingfloor/shared';
import { DOCS_ASSETS_PREFIX } from '../docs/docs-page.js';

/** First path segments that belong to the API (every route of the shared table, and the WebSocket); everything else may be the SPA. */
const API_ROOTS: readonly string[] = [...new Set([...Object.values(API_ROUTES).map((route) => route.path.split('/')[1]!), 'ws'])];

/** True for paths the API owns: they answer JSON (404 JSON when unknown), never the SPA's index.html. */
export function isApiPath(path: string): boolean {
  // Lower-cased because the router matches paths case-insensitively: `/RUNS` must count as the API too.
  const first = (path.split('/')[1] ?? '').toLowerCase();
  return API_ROOTS.includes(first);
}

/** The paths of the routes the table marks `public` (the health probe, `/openapi.json`, `/docs`). */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(
  Object.values(API_ROUTES).flatMap((route) => ('public' in route && route.public ? [route.path] : [])),
);

/** Paths readable without the API token: the public routes, the reference page's files and the SPA's own files. */
export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.has(path) || path.startsWith(DOCS_ASSETS_PREFIX) || !isApiPath(path);
}

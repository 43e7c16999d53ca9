import { API_ROUTES } from '@tradingfloor/shared';

/** First path segments that belong to the API (every route of the shared table, and the WebSocket); everything else may be the SPA. */
const API_ROOTS: readonly string[] = [...new Set([...Object.values(API_ROUTES).map((route) => route.path.split('/')[1]!), 'ws'])];

/** True for paths the API owns: they answer JSON (404 JSON when unknown), never the SPA's index.html. */
export function isApiPath(path: string): boolean {
  // Lower-cased because the router matches paths case-insensitively: `/RUNS` must count as the API too.
  const first = (path.split('/')[1] ?? '').toLowerCase();
  return API_ROOTS.includes(first);
}

/** Paths readable without the API token: the health probe and the SPA's own files. */
export function isPublicPath(path: string): boolean {
  return path === '/healthz' || !isApiPath(path);
}

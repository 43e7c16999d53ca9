/**
 * Is a request's `Origin` our own site? A browser sends `Origin` on WebSocket upgrades and on cross-site
 * POSTs; a page on another site must not drive our API (cross-site WebSocket hijacking, CSRF).
 * An absent Origin is a non-browser client (curl, the CLI, tests) and is allowed: the token guards those.
 */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string | undefined, allowed: readonly string[] = []): boolean {
  if (origin === undefined || origin === '') return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage are foreign
  }
  if (allowed.some((a) => sameOrigin(a, parsed))) return true;
  if (hostHeader === undefined || hostHeader === '') return false;
  return parsed.host.toLowerCase() === hostHeader.toLowerCase() && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
}

function sameOrigin(candidate: string, origin: URL): boolean {
  try {
    return new URL(candidate).origin === origin.origin;
  } catch {
    return false;
  }
}

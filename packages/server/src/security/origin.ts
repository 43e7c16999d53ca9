import { isLoopbackHost } from '../config.js';

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

/** Host names that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** The host name of a `Host` header (`name`, `name:port`, `[v6]:port`), lowercased and unbracketed; undefined if malformed. */
function hostHeaderName(hostHeader: string): string | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^\s:/@[\]?#]+))(?::\d{1,5})?$/i.exec(hostHeader.trim());
  if (!m) return undefined;
  return (m[1] ?? m[2]!).toLowerCase();
}

/**
 * DNS rebinding guard. A server bound to a loopback address only answers requests whose `Host` names this
 * machine (`localhost`, `127.0.0.1`, `::1`, the bound address) or the host of an `ALLOWED_ORIGINS` entry:
 * a page on `evil.com` whose name was rebound to 127.0.0.1 sends `Host: evil.com` and its `Origin` equals
 * that Host, so the Origin check alone would let it through. A server bound elsewhere is guarded by its
 * token instead and accepts any Host.
 */
export function isAllowedHost(
  hostHeader: string | undefined,
  options: { bindHost: string | undefined; allowedOrigins?: readonly string[] },
): boolean {
  if (options.bindHost === undefined || !isLoopbackHost(options.bindHost)) return true;
  const name = hostHeaderName(hostHeader ?? '');
  if (name === undefined) return false;
  if (LOOPBACK_NAMES.has(name) || name === unbracket(options.bindHost)) return true;
  return (options.allowedOrigins ?? []).some((a) => {
    try {
      return unbracket(new URL(a).hostname) === name;
    } catch {
      return false;
    }
  });
}

function unbracket(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

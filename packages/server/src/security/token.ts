import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented token with the configured one in constant time (hashing first evens out lengths). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * The WebSocket sub-protocol a browser uses to carry the token (browsers cannot set headers on a
 * WebSocket): the client offers `["tradingfloor", "<token>"]` and the server answers `tradingfloor`.
 */
export const WS_PROTOCOL = 'tradingfloor';

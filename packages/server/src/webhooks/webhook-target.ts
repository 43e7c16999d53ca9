import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { isLocalHostname, isPrivateAddress } from './private-address.js';

/**
 * Why `url` may not be a webhook target, or null when it may: only http and https, and (unless
 * `allowPrivate`) no loopback or private IP literal and no `localhost`. A host name is checked again when it
 * is resolved at delivery (`guardedLookup`), so a name pointing at a private address is refused there.
 */
export function targetProblem(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `webhook url "${url.slice(0, 200)}" is not an absolute URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `webhook url must be http or https, got ${parsed.protocol}`;
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isLocalHostname(host) || (isIP(host) !== 0 && isPrivateAddress(host))) {
    return `webhook url ${parsed.origin} points at a loopback or private address; set WEBHOOK_ALLOW_PRIVATE=1 to allow it`;
  }
  return null;
}

/** Thrown by `guardedLookup` when a host name resolves to a private address; the delivery fails for good. */
export class PrivateTargetError extends Error {
  readonly code = 'EWEBHOOKPRIVATE';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that resolves like `dns.lookup` and refuses (PrivateTargetError) when any
 * answer is a private address. The connection then goes to exactly the addresses checked, so a DNS answer
 * that changes between a check and the connect (rebinding) cannot slip through.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!allowPrivate) {
        const blocked = addresses.find((a) => isPrivateAddress(a.address));
        if (blocked)
          return callback(
            new PrivateTargetError(
              `${hostname} resolves to ${blocked.address}, a loopback or private address (WEBHOOK_ALLOW_PRIVATE=1 allows it)`,
            ),
            [],
          );
      }
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

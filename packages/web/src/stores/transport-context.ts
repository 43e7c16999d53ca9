import { createTransport, type Transport } from '../api/transport.js';

let current: Transport | null = null;

/**
 * The transport every store uses. Created lazily for the page's own origin; `main.ts` and tests set their own
 * with `provideTransport` before any store runs.
 */
export function useTransport(): Transport {
  current ??= createTransport();
  return current;
}

/** Replaces the transport (tests: point the stores at a local server). */
export function provideTransport(transport: Transport): void {
  current = transport;
}

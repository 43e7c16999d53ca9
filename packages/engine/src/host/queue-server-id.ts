import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

// Apart from the rest of the queue's wire (`queue-wire.ts`), so that a server outside queue mode can name
// itself without loading ioredis and BullMQ.

/**
 * A server's stable identity in queue mode: `SERVER_ID` when set, else derived from its resolved results
 * directory, so the same server restarted finds its own event stream again.
 */
export function queueServerId(resultsDir: string, explicit?: string): string {
  const given = explicit?.trim();
  if (given) return given;
  return `results-${createHash('sha256').update(resolve(resultsDir)).digest('hex').slice(0, 16)}`;
}

import { randomBytes } from 'node:crypto';

/** A batch id: the request's UTC time and 3 random bytes, e.g. `20261206-173512-a1b2c3`. */
export function newBatchId(at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

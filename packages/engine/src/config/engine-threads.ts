import { availableParallelism } from 'node:os';
import { ConfigError } from '@tradingfloor/shared';

/**
 * `ENGINE_THREADS`: engine worker threads that execute runs. Unset or empty: one per core but one (left to
 * the serving thread), at least 1. `0`: runs execute on the serving thread (in-process, for debugging).
 * Throws `ConfigError` for anything but a whole number ≥ 0.
 */
export function engineThreadsFromEnv(raw: string | undefined, cores = availableParallelism()): number {
  if (raw === undefined || raw.trim() === '') return Math.max(1, cores - 1);
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`ENGINE_THREADS must be a whole number ≥ 0 (0 = in-process), got "${raw}"`);
  return value;
}

import { z } from 'zod';

/**
 * A run's status. The first five are statechart states; `interrupted` is a record status for a run found
 * unfinished on disk when the process starts.
 */
export const RUN_STATUSES = ['pending', 'in_progress', 'completed', 'error', 'canceled', 'interrupted'] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'error', 'canceled'];
/** True when a run can no longer change by itself. */
export function isTerminalStatus(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
/** True while a run holds a slot against `MAX_PARALLEL_RUNS`. */
export function isActiveStatus(status: RunStatus): boolean {
  return status === 'pending' || status === 'in_progress';
}

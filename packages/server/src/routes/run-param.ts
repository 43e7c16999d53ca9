import { NotFoundError, RunIdSchema, ValidationError } from '@tradingfloor/shared';
import type { RunManagerApi, RunView } from '@tradingfloor/engine';

/** Checks a run_id from a path before it is used for anything (lookups, file names). */
function parseRunIdParam(raw: string | undefined): string {
  const parsed = RunIdSchema.safeParse(raw ?? '');
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? 'invalid run_id');
  return parsed.data;
}

/** The run named by a path parameter: 400 when the id is malformed, 404 when no such run is known. */
export function requireRun(manager: RunManagerApi, raw: string | undefined): RunView & { runId: string } {
  const runId = parseRunIdParam(raw);
  const view = manager.get(runId);
  if (view === undefined) throw new NotFoundError(`Run not found: ${runId}`);
  return { ...view, runId };
}

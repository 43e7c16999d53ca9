import { NotFoundError } from '@tradingfloor/shared';
import type { RunManagerApi, RunView } from '@tradingfloor/engine';

/**
 * The run named by a path parameter, which the route table's `RunIdParamsSchema` has already checked (a
 * malformed id is a 400 before this runs): 404 when no such run is known.
 */
export function requireRun(manager: RunManagerApi, runId: string): RunView & { runId: string } {
  const view = manager.get(runId);
  if (view === undefined) throw new NotFoundError(`Run not found: ${runId}`);
  return { ...view, runId };
}

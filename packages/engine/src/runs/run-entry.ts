import type { LogEntry, RunStatus, RunSummary } from '@tradingfloor/shared';
import type { RunView } from './run-manager-api.js';

/** What the RunManager keeps per run: a live run actor, or a run read back from disk. */
export interface RunEntry {
  readonly runId: string;
  status(): RunStatus;
  summary(): RunSummary;
  view(): RunView;
  logs(): { entries: LogEntry[]; last_seq: number };
  /** Cancels an active run; a no-op when already canceled; `ConflictError` when it finished otherwise. */
  cancel(): void;
  /** Resolves once the run is terminal and its files are written. */
  readonly finished: Promise<RunSummary>;
  /** True once `finished` has resolved (a run found on disk is finished from the start). */
  isFinished(): boolean;
}

import type { ExecutionTree, Lesson, LogEntry, RunStatus, RunSummary } from '@tradingfloor/shared';
import type { InspectionPage, InspectionRecord } from '../machine/inspection-buffer.js';
import type { RunView } from './run-manager-api.js';
import type { DiskViewCache } from './disk-view-cache.js';
import type { RunMirror } from './run-mirror.js';
import type { StoredRunEntry } from './stored-run.js';

/**
 * What the RunManager keeps per run: a live run actor (`LiveRun`), a run read back from disk
 * (`StoredRunEntry`) or a finished run evicted from memory (`EvictedRunEntry`). The manager never asks which
 * one it holds: each answers for itself.
 */
export interface RunEntry {
  readonly runId: string;
  status(): RunStatus;
  summary(): RunSummary;
  view(): RunView;
  logs(): { entries: LogEntry[]; last_seq: number };
  /** Cancels an active run; a no-op when already canceled; `ConflictError` when it finished otherwise. */
  cancel(): void;
  /**
   * Ends an active run for a later resume (a graceful stop of the server) and resolves once its files are
   * on disk. A run that is not running (found on disk, evicted) is canceled like by `cancel()`.
   */
  interrupt(reason: string): Promise<unknown>;
  /** Resolves once every file write asked for so far is done (at once for runs not running here). */
  flush(): Promise<void>;
  /** Resolves once the run is terminal and its files are written. */
  readonly finished: Promise<RunSummary>;
  /** True once `finished` has resolved (a run found on disk is finished from the start). */
  isFinished(): boolean;
  /** The run actor's recent inspection records; empty for runs not running in this process. */
  inspectionRecords(): InspectionRecord[];
  /** A page of the run actor's inspection records after `afterSeq`; an empty page for runs not running here. */
  inspectionPage(afterSeq: number, limit?: number): InspectionPage;
  /** The lessons the run's managers were shown, when held in memory; null = read its `lessons.json`. */
  lessons(): Lesson[] | null;
  /** The tree whose phase nodes `/metrics/phases` reads (an evicted run keeps only those). */
  phaseTree(): ExecutionTree;
  /** The stored run to resume from, when this is an `interrupted` run found on disk; else null. */
  interrupted(): StoredRunEntry | null;
  /** The lighter entry that replaces this finished run beyond `runsInMemory`; null when it is already one. */
  evict(cache: DiskViewCache): RunEntry | null;
  /** The host's view of a run this server started or was told of (it takes the host's events); null for a run read from disk. */
  mirror(): RunMirror | null;
}

import { join } from 'node:path';
import type { RunStatus, RunUsage } from '@tradingfloor/shared';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { RunContext } from '../machine/run-context.js';
import { RUN_MACHINE_VERSION } from '../machine/run-machine.js';
import { isoTime } from '../logs/iso-time.js';
import { RUN_FILES, type RunFiles } from '../results/run-files.js';
import { reportsOf } from '../tree/derive-reports.js';
import { CheckpointPacer, type CheckpointCause, type PacerClock, type PacerWaits } from './checkpoint-pacer.js';

/** What a run's persistence reads from the run at each save (the actor's snapshot and usage of that moment). */
export interface PersistenceSource {
  runId: string;
  now(): number;
  /** The actor's `getPersistedSnapshot()`. */
  persistedSnapshot(): unknown;
  usage(): RunUsage;
  /** What a paced checkpoint saves when its time comes; undefined once the run is ending or interrupted. */
  current(): { context: RunContext; status: Exclude<RunStatus, 'interrupted'> } | undefined;
}

/** How long a checkpoint waits for more step ends (see `CheckpointPacer`); tests hand in their clock. */
export interface CheckpointPacing extends PacerWaits {
  clock?: PacerClock;
}

/**
 * A run's checkpoints and final files (docs/architecture.md, "Durable runs"): `state.json` tagged with the
 * machine version and the reports changed since the last checkpoint, written `PHASE_CHECKPOINT_MS` after a
 * phase ends or `STEP_CHECKPOINT_MS` after a step inside a phase ends (one checkpoint for every step that ends
 * meanwhile; `CheckpointPacer`), and the end written in the order a crash at any moment can rely on. Writes go through the run's `RunFiles` (ordered, atomic).
 */
export class RunPersistence {
  private readonly pacer: CheckpointPacer;

  constructor(
    private readonly files: RunFiles,
    private readonly source: PersistenceSource,
    pacing: CheckpointPacing = {},
  ) {
    this.pacer = new CheckpointPacer(
      () => {
        const current = this.source.current();
        if (current) this.write(current.context, current.status);
      },
      pacing,
      pacing.clock,
    );
  }

  /** A step ended (`phase`: the last of its phase): checkpoints at the end of the pacer's wait, with the run as it is then. */
  requestCheckpoint(cause: CheckpointCause): void {
    this.pacer.request(cause);
  }

  /** Writes a checkpoint the pacer holds back, now (before someone waits for the run's files). */
  flushCheckpoint(): void {
    this.pacer.flush();
  }

  /** Persists the actor's snapshot with `status`. */
  saveState(status: Exclude<RunStatus, 'interrupted'>): void {
    this.files.writeState({
      machine_version: RUN_MACHINE_VERSION,
      run_id: this.source.runId,
      status,
      saved_at: isoTime(this.source.now()),
      snapshot: this.source.persistedSnapshot(),
      usage: this.source.usage(),
    });
  }

  /** A checkpoint now, whatever the pacing (an interrupt): the reports so far and the persisted snapshot. */
  checkpoint(context: RunContext, status: Exclude<RunStatus, 'interrupted'>): void {
    this.pacer.cancel();
    this.write(context, status);
  }

  private write(context: RunContext, status: Exclude<RunStatus, 'interrupted'>): void {
    this.files.writeReports(reportsOf(context));
    this.saveState(status);
  }

  /**
   * Writes a run's end: the reports, `decision.json`, `usage.json` and (for `error`) `error.log`, flushed to
   * the disk, then the final `state.json` last, so a run found on disk with it is finished and everything it
   * names is there. Resolves once all of it is written. `failure` gives `error.log` its stack.
   */
  async writeFinal(context: RunContext, status: Exclude<RunStatus, 'interrupted'>, failure?: unknown): Promise<void> {
    const { files } = this;
    this.pacer.cancel();
    files.durable = true;
    files.writeReports(reportsOf(context));
    if (context.decision) files.writeJson(RUN_FILES.decision, context.decision);
    files.writeJson(RUN_FILES.usage, this.source.usage());
    if (status === 'error') files.writeError(context.error ?? 'unknown error', failure instanceof Error ? failure.stack : undefined);
    await files.idle();
    this.saveState(status);
    await files.idle();
  }
}

/** Writes a run's `error.log` with `reason`; a read-only results directory is let be (the reason is still shown). */
export async function writeErrorLog(dir: string, reason: string): Promise<void> {
  await writeFileAtomic(join(dir, RUN_FILES.error), `${reason}\n`).catch(() => {});
}

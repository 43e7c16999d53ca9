import type { Snapshot } from 'xstate';
import type { StoredRun } from '../results/read-history.js';
import { RUN_MACHINE_VERSION } from './run-machine.js';

/** Whether an unfinished run read from disk can be resumed: its persisted snapshot, or why not. */
export type ResumeCheck = { ok: true; snapshot: Snapshot<unknown> } | { ok: false; reason: string };

/**
 * Why an unfinished run's `state.json` cannot be resumed at all: missing, damaged (not JSON, unknown shape),
 * written by another machine version or for another run; null when it looks resumable. Cheap: used when
 * the history is loaded, to list such runs as `error` at once.
 */
export function stateFileProblem(stored: StoredRun): string | null {
  const state = stored.state;
  if (state === null) return `cannot resume: ${stored.stateProblem ?? 'state.json is missing'}`;
  if (state.machine_version !== RUN_MACHINE_VERSION) {
    return `cannot resume: state.json was written by run machine version ${state.machine_version}, this build runs version ${RUN_MACHINE_VERSION}`;
  }
  if (state.run_id !== stored.runId) return `cannot resume: state.json belongs to run ${String(state.run_id)}, not ${stored.runId}`;
  return null;
}

/**
 * Checks an interrupted run's `state.json` before anything is built from it: {@link stateFileProblem}, then
 * an active machine snapshot. Whether the snapshot fits the statechart is found out when the actor is restored.
 */
export function checkResumable(stored: StoredRun): ResumeCheck {
  const fileProblem = stateFileProblem(stored);
  if (fileProblem !== null) return { ok: false, reason: fileProblem };
  const snap = stored.state?.snapshot as SnapshotFields | null;
  const problem = snapshotProblem(snap);
  if (problem !== null) return { ok: false, reason: `cannot resume: state.json holds no usable actor snapshot (${problem})` };
  return { ok: true, snapshot: snap as unknown as Snapshot<unknown> };
}

type SnapshotFields = { status?: unknown; value?: unknown; context?: unknown; children?: unknown };

function snapshotProblem(snap: SnapshotFields | null): string | null {
  if (!snap) return 'no snapshot';
  if (snap.status !== 'active') return `snapshot status "${String(snap.status)}"`;
  if (snap.value === undefined) return 'no state value';
  if (typeof snap.context !== 'object' || snap.context === null) return 'no context';
  if (typeof snap.children !== 'object' || snap.children === null) return 'no children';
  return null;
}

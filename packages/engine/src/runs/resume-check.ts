import { createActor, type Snapshot, type StateValue } from 'xstate';
import { STATE_FILE_MISSING, type StoredRun } from '../results/read-history.js';
import { runStatusOf } from '../tree/derive-tree.js';
import { createRunMachine, RUN_MACHINE_VERSION, type RunMachine } from '../machine/run-machine.js';

let shapeMachine: RunMachine | null = null;

/**
 * Why a state value saved with `status` cannot be this machine's: not one of its states, or a state that
 * contradicts the saved status (a "completed" file whose value is mid-run); null when it fits. A crashed
 * run is saved `error` in whatever state it was, so `error` goes with any state.
 */
export function stateValueProblem(value: unknown, status: string): string | null {
  if (value === undefined || value === null) return 'no state value';
  if (typeof value !== 'string' && typeof value !== 'object') return `state value ${JSON.stringify(value)} is not a state`;
  // The machine's own definition decides; its clock is never called when only resolving a state.
  shapeMachine ??= createRunMachine(() => 0);
  try {
    shapeMachine.resolveState({ value: value as StateValue, context: undefined as never });
  } catch (error) {
    return `state value ${JSON.stringify(value)} is not a state of the run machine (${error instanceof Error ? error.message : String(error)})`;
  }
  if (status === 'error' || runStatusOf(value as StateValue) === status) return null;
  return `status "${status}" does not match state value ${JSON.stringify(value)}`;
}

/** Whether an unfinished run read from disk can be resumed: its persisted snapshot, or why not. */
export type ResumeCheck = { ok: true; snapshot: Snapshot<unknown> } | { ok: false; reason: string };

/**
 * A run stopped before its first `state.json` reached the disk (a crash in the moment after it was created: the
 * first snapshot is queued, not waited for) and never marked an error: its `config.json` is all it needs to
 * start again from the beginning, as a resume from the `pending` state.
 */
function neverSaved(stored: StoredRun): boolean {
  return stored.state === null && stored.stateProblem === STATE_FILE_MISSING && stored.errorText === null;
}

/** The persisted snapshot of a run machine that has not started: `pending`, with the context its config makes. */
function pendingSnapshot(stored: StoredRun): Snapshot<unknown> {
  shapeMachine ??= createRunMachine(() => 0);
  // Never started: no step runs and the clock is never read.
  return createActor(shapeMachine, { input: { config: stored.config } }).getPersistedSnapshot() as Snapshot<unknown>;
}

/**
 * Why an unfinished run's `state.json` cannot be resumed at all: damaged (not JSON, unknown shape), unreadable,
 * written by another machine version or for another run, or missing from a run already marked an error; null
 * when it looks resumable (a missing one of a run never marked: it starts again from `pending`). Cheap: used
 * when the history is loaded, to list such runs as `error` at once.
 */
export function stateFileProblem(stored: StoredRun): string | null {
  const state = stored.state;
  if (neverSaved(stored)) return null;
  if (state === null) return `cannot resume: ${stored.stateProblem ?? STATE_FILE_MISSING}`;
  if (state.machine_version !== RUN_MACHINE_VERSION) {
    return `cannot resume: state.json was written by run machine version ${state.machine_version}, this build runs version ${RUN_MACHINE_VERSION}`;
  }
  if (state.run_id !== stored.runId) return `cannot resume: state.json belongs to run ${String(state.run_id)}, not ${stored.runId}`;
  return null;
}

/**
 * Checks an interrupted run's `state.json` before anything is built from it: {@link stateFileProblem}, then
 * an active machine snapshot; a run that never saved one resumes from a `pending` snapshot. Whether the snapshot fits the statechart is found out when the actor is restored.
 */
export function checkResumable(stored: StoredRun): ResumeCheck {
  if (neverSaved(stored)) return { ok: true, snapshot: pendingSnapshot(stored) };
  const fileProblem = stateFileProblem(stored);
  if (fileProblem !== null) return { ok: false, reason: fileProblem };
  const snap = stored.state?.snapshot as SnapshotFields | null;
  const problem = snapshotProblem(snap, stored.state!.status);
  if (problem !== null) return { ok: false, reason: `cannot resume: state.json holds no usable actor snapshot (${problem})` };
  return { ok: true, snapshot: snap as unknown as Snapshot<unknown> };
}

type SnapshotFields = { status?: unknown; value?: unknown; context?: unknown; children?: unknown };

function snapshotProblem(snap: SnapshotFields | null, status: string): string | null {
  if (!snap) return 'no snapshot';
  if (snap.status !== 'active') return `snapshot status "${String(snap.status)}"`;
  if (snap.value === undefined) return 'no state value';
  const valueProblem = stateValueProblem(snap.value, status);
  if (valueProblem !== null) return valueProblem;
  if (typeof snap.context !== 'object' || snap.context === null) return 'no context';
  if (typeof snap.children !== 'object' || snap.children === null) return 'no children';
  return null;
}

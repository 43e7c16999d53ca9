import type { Snapshot, StateValue } from 'xstate';
import type { StoredRun } from '../results/read-history.js';
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

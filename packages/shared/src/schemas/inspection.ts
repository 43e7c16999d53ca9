import { z } from 'zod';

/** A statechart state value: a state name, or nested / parallel regions keyed by state name. */
export type MachineStateValue = string | { [key: string]: MachineStateValue };

export const MachineStateValueSchema: z.ZodType<MachineStateValue> = z.lazy(() =>
  z.union([z.string(), z.record(z.string(), MachineStateValueSchema)]),
);

/**
 * One inspection event of a run actor (the run machine or one of its invoked steps), as recorded in the
 * run's bounded ring buffer and served by `GET /runs/:id/inspect` and the `inspect_append_run` stream.
 * Only small JSON fields: never contexts or step inputs.
 */
export const InspectionRecordSchema = z.object({
  /** Per-run number, 1-based, monotonic within one `session`. */
  seq: z.number().int().positive(),
  /** Epoch ms. */
  ts: z.number(),
  /** `@xstate.actor`, `@xstate.event`, `@xstate.snapshot`, `@xstate.microstep` or `@xstate.action`. */
  type: z.string(),
  /** Session id of the actor concerned (the run actor, or one of its invoked steps). */
  actor: z.string(),
  /** `@xstate.actor`: what the actor runs (`run`, `analyst`, `researcher`, …). */
  src: z.string().optional(),
  /** `@xstate.event`: session id of the sender, when known. */
  source: z.string().optional(),
  /** Event type (event, snapshot and microstep records). */
  event: z.string().optional(),
  /** Short, truncated summary of the event's payload (or of the action's params). */
  summary: z.string().optional(),
  /** `@xstate.action`: the action type. */
  action: z.string().optional(),
  /** Snapshot status of the actor (`active`, `done`, `error`, `stopped`) on snapshot records. */
  status: z.string().optional(),
  /** The run machine's state value as of this record (after it, for the run's own snapshots); null before the first. */
  state: MachineStateValueSchema.nullable(),
});
export type InspectionRecord = z.infer<typeof InspectionRecordSchema>;

import { z } from 'zod';
import { BacktestSummarySchema } from '../schemas/backtest.js';
import { DecisionSchema } from '../schemas/decision.js';
import { InspectionRecordSchema } from '../schemas/inspection.js';
import { LogEntrySchema } from '../schemas/log-entry.js';
import { RunStatusSchema } from '../schemas/run-status.js';
import { RunSummarySchema } from '../schemas/run-summary.js';
import { ExecutionTreeSchema, TreeNodeFieldsSchema, TreeNodeSchema } from '../schemas/tree.js';

/** Messages a client may send. Anything else gets `{ type: "error" }` and the connection stays open. */
export const ClientMessageSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('resync') }),
  z.object({ action: z.literal('log_dump') }),
  /** Focused connections opened with `&inspect=1`: the inspection records streamed so far (`inspect_snapshot_run`). */
  z.object({ action: z.literal('inspect_dump') }),
  /**
   * Subscribes a focused connection to the inspection stream (as `&inspect=1` does at connect time), so the
   * inspector shares the run's socket; answered with `inspect_snapshot_run` (the stream's current seq).
   */
  z.object({ action: z.literal('inspect_start') }),
  /** Unsubscribes a focused connection from the inspection stream again. */
  z.object({ action: z.literal('inspect_stop') }),
  z.object({ action: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

const RunState = {
  run_id: z.string(),
  ticker: z.string(),
  status: RunStatusSchema,
  overall_progress: z.number(),
};

/** What `init_run` and `run_snapshot` carry: the whole focused state and the current seq of each stream. */
const RunSnapshotFields = {
  ...RunState,
  execution_tree: ExecutionTreeSchema,
  /** Current text of every report/messages node, by node id. */
  contents: z.record(z.string(), z.string()),
  seq: z.number().int(),
  content_seq: z.number().int(),
  log_seq: z.number().int(),
  /** Current seq of the inspection stream (present on connections opened with `&inspect=1`). */
  inspect_seq: z.number().int().optional(),
  error: z.string().nullable().optional(),
  final_decision: DecisionSchema.nullable().optional(),
  /**
   * Which market data vendor served each data kind so far (`{ prices: "yahoo", news: "demo" }`); for a run read
   * from disk its recorded source (a fallback chain as `yahoo → csv`); absent for runs that recorded none.
   */
  data_sources: z.record(z.string(), z.string()).optional(),
};

/**
 * A changed node as the engine reports it (`tree_changes` of its `changed` events): an existing node with all
 * its fields; a node new to the tree whole, with its children, its `parent_id` (null at the root) and its
 * `index` among its siblings.
 */
export const ChangedNodeSchema = TreeNodeFieldsSchema.extend({
  parent_id: z.string().nullable().optional(),
  index: z.number().int().optional(),
  children: z.array(TreeNodeSchema).optional(),
});
export type ChangedNode = z.infer<typeof ChangedNodeSchema>;

/**
 * An entry of a status patch (`status_patch_run.changed`). A node new to the tree comes whole, as in
 * {@link ChangedNodeSchema} (it has `parent_id`); an existing node comes as its `id` and only the fields that
 * changed since the stream's previous message (`trimTreeChanges`), e.g. `{ id, status, ended_at, duration_ms }`
 * when it completed. Fields a patch leaves out keep their values; a field is never removed.
 */
export const TreeChangeSchema = TreeNodeFieldsSchema.partial().extend({
  id: z.string(),
  parent_id: z.string().nullable().optional(),
  index: z.number().int().optional(),
  children: z.array(TreeNodeSchema).optional(),
});
export type TreeChange = z.infer<typeof TreeChangeSchema>;

/**
 * A group entry of a status patch (`status_patch_run.changed`): the same field values set on several nodes the
 * client already has, e.g. `{ ids: [agent, agent.report, agent.messages], status, ended_at, duration_ms }` when
 * an agent and its report and messages nodes complete together (`groupTreeChanges`). It means exactly what one
 * `{ id, ...fields }` entry per listed id would mean, applied in the group's place; it never inserts a node (an
 * id the client lacks means it missed a patch: it resyncs). It has no `id`, which tells it from a node entry.
 */
export const TreeGroupChangeSchema = TreeNodeFieldsSchema.omit({ id: true })
  .partial()
  .extend({ ids: z.array(z.string()).min(1) });
export type TreeGroupChange = z.infer<typeof TreeGroupChangeSchema>;

/**
 * A subtree entry of a status patch: the same field values set on the node `subtree` and on every node under it,
 * as the client holds the tree when the entry is applied, e.g. `{ subtree: "trader", status, started_at }` when
 * a phase, its agent and the agent's report and messages nodes start together. It means what a group entry
 * listing all those ids would (`groupTreeChanges` sends one only when they are exactly the nodes that moved);
 * a `subtree` the client lacks means it missed a patch: it resyncs.
 */
export const TreeSubtreeChangeSchema = TreeNodeFieldsSchema.omit({ id: true })
  .partial()
  .extend({ subtree: z.string() });
export type TreeSubtreeChange = z.infer<typeof TreeSubtreeChangeSchema>;

/**
 * One entry of `status_patch_run.changed`: a node entry ({@link TreeChangeSchema}), a group entry
 * ({@link TreeGroupChangeSchema}) or a subtree entry ({@link TreeSubtreeChangeSchema}).
 */
export const StatusPatchEntrySchema = z.union([TreeChangeSchema, TreeGroupChangeSchema, TreeSubtreeChangeSchema]);
export type StatusPatchEntry = z.infer<typeof StatusPatchEntrySchema>;

/**
 * A part of an `append_parts` content patch: literal text, or `[node_id, start, length]`, the `length` UTF-16
 * code units of that node's text from `start` (as `text.slice(start, start + length)`), as the client holds the
 * text when the patch is applied: after the previous patches, those earlier in the same message included.
 */
export const ContentPartSchema = z.union([z.string(), z.tuple([z.string(), z.number().int().nonnegative(), z.number().int().positive()])]);
export type ContentPart = z.infer<typeof ContentPartSchema>;

/**
 * One text change of a `content_patch_run`: `append` adds `text` at the end of the node's text (a node without
 * one starts empty), `replace` sets it to `content`, and `append_parts` adds the concatenation of its `parts`:
 * a text the client already holds (a messages node that repeats its agent's report, a tool result another agent
 * also read) goes as a reference to it instead of again (`encodeContentCopies`). A reference to a node the
 * client lacks, or beyond the end of its text, means the client missed a patch: it resyncs.
 */
export const ContentPatchSchema = z.discriminatedUnion('mode', [
  z.object({ id: z.string(), mode: z.literal('append'), text: z.string() }),
  z.object({ id: z.string(), mode: z.literal('replace'), content: z.string() }),
  z.object({ id: z.string(), mode: z.literal('append_parts'), parts: z.array(ContentPartSchema).min(1) }),
]);
export type ContentPatch = z.infer<typeof ContentPatchSchema>;

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init_all'), runs: z.array(RunSummarySchema) }),
  z.object({
    type: z.literal('status_update_aggregate'),
    runs: z.record(
      z.string(),
      z.object({
        ticker: z.string(),
        status: RunStatusSchema,
        overall_progress: z.number(),
        /** The deepest running phase node (absent from older servers). */
        current_phase: z.string().nullable().optional(),
        /** Queue mode: the run's place in the queue while it waits for a worker; absent once taken (or in other modes). */
        queue_position: z.number().int().positive().optional(),
      }),
    ),
  }),
  z.object({ type: z.literal('init_run'), ...RunSnapshotFields }),
  z.object({ type: z.literal('run_snapshot'), ...RunSnapshotFields }),
  z.object({
    type: z.literal('status_patch_run'),
    run_id: z.string(),
    seq: z.number().int(),
    changed: z.array(StatusPatchEntrySchema),
    overall_progress: z.number(),
    status: RunStatusSchema,
    /** Present when a data kind got (another) vendor since the last message: the whole current map. */
    data_sources: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ type: z.literal('content_patch_run'), run_id: z.string(), seq: z.number().int(), patches: z.array(ContentPatchSchema) }),
  z.object({ type: z.literal('log_append_run'), run_id: z.string(), seq: z.number().int(), entries: z.array(LogEntrySchema) }),
  z.object({ type: z.literal('log_snapshot_run'), run_id: z.string(), seq: z.number().int(), entries: z.array(LogEntrySchema) }),
  /**
   * New inspection records of the run actor (only to focused connections opened with `&inspect=1`), coalesced
   * like `log_append_run`; `seq` is the inspection stream's own number, each record keeps its record `seq`.
   * `session` changes when the run is resumed (records count from 1 again).
   */
  z.object({
    type: z.literal('inspect_append_run'),
    run_id: z.string(),
    seq: z.number().int(),
    session: z.string().nullable(),
    records: z.array(InspectionRecordSchema),
  }),
  /** Answer to `inspect_dump`: the buffered records already streamed; bumps no seq. */
  z.object({
    type: z.literal('inspect_snapshot_run'),
    run_id: z.string(),
    seq: z.number().int(),
    session: z.string().nullable(),
    records: z.array(InspectionRecordSchema),
  }),
  z.object({
    type: z.literal('status_update_run'),
    ...RunState,
    /** Takes the next number of the status stream, like `status_patch_run`. */
    seq: z.number().int(),
    error: z.string().nullable().optional(),
    final_decision: DecisionSchema.nullable().optional(),
  }),
  /** To aggregate clients: a backtest started, progressed (a cell started or finished) or ended. */
  z.object({ type: z.literal('backtest_update'), backtest: BacktestSummarySchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
/** The server message of one `type`. */
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

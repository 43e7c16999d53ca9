import { z } from 'zod';

/** `tool_call`: one data tool call an agent made (a child of its agent node, after `report` and `messages`). */
export const NODE_TYPES = ['phase', 'agent', 'report', 'messages', 'tool_call'] as const;
export const NodeTypeSchema = z.enum(NODE_TYPES);
export type NodeType = z.infer<typeof NodeTypeSchema>;

export const NODE_STATUSES = ['pending', 'in_progress', 'completed', 'error', 'canceled', 'skipped'] as const;
export const NodeStatusSchema = z.enum(NODE_STATUSES);
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

/** One node of a run's execution tree, without its children (the shape of a status patch entry). */
export const TreeNodeFieldsSchema = z.object({
  /** Stable dotted path, e.g. `analysts.market.report`. */
  id: z.string(),
  name: z.string(),
  node_type: NodeTypeSchema,
  status: NodeStatusSchema,
  /** Epoch milliseconds. */
  started_at: z.number().nullable(),
  ended_at: z.number().nullable(),
  duration_ms: z.number().nullable(),
  /** The failure reason, for nodes that ended in `error`. */
  error: z.string().optional(),
  /** `tool_call` nodes: the arguments as JSON, truncated to `TOOL_ARGS_MAX_CHARS`. */
  args: z.string().optional(),
  /** `tool_call` nodes: a one-line summary of the answer, set when the call ended. */
  summary: z.string().optional(),
  /** `tool_call` nodes: the data vendor(s) that served the call (e.g. `csv`, `yahoo`), when known. */
  vendor: z.string().optional(),
});
export type TreeNodeFields = z.infer<typeof TreeNodeFieldsSchema>;

export interface TreeNode extends TreeNodeFields {
  children: TreeNode[];
}
export const TreeNodeSchema: z.ZodType<TreeNode> = TreeNodeFieldsSchema.extend({
  get children() {
    return z.array(TreeNodeSchema);
  },
});
export const ExecutionTreeSchema = z.array(TreeNodeSchema);
export type ExecutionTree = TreeNode[];

/** Longest argument string a `tool_call` node carries (longer ones end in `…`). */
export const TOOL_ARGS_MAX_CHARS = 120;
/** Longest result summary (or error) a `tool_call` node carries. */
export const TOOL_SUMMARY_MAX_CHARS = 120;
/** Tool calls kept per agent; later ones are only counted (one `… more` node says how many). */
export const TOOL_CALLS_MAX_PER_AGENT = 24;

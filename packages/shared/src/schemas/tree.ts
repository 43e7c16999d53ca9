import { z } from 'zod';

export const NODE_TYPES = ['phase', 'agent', 'report', 'messages'] as const;
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

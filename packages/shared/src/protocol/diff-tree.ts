import type { ExecutionTree, TreeNode } from '../schemas/tree.js';
import type { ChangedNode } from './ws.js';

const FIELDS = ['name', 'node_type', 'status', 'started_at', 'ended_at', 'duration_ms', 'error', 'args', 'summary', 'vendor'] as const;

/**
 * The changes that turn `prev` into `next`, as a `status_patch_run` carries them: existing nodes whose
 * fields changed (fields only, in tree order), and nodes new to the tree whole with `parent_id` and
 * `index`. `applyStatusPatch(prev, diffTree(prev, next))` equals `next`. Removed nodes cannot be expressed
 * by the protocol; a run's tree never loses nodes (its shape is fixed by the layout).
 */
export function diffTree(prev: ExecutionTree, next: ExecutionTree): ChangedNode[] {
  const before = new Map<string, TreeNode>();
  const index = (nodes: TreeNode[]) => {
    for (const node of nodes) {
      before.set(node.id, node);
      index(node.children);
    }
  };
  index(prev);
  const changed: ChangedNode[] = [];
  const walk = (nodes: TreeNode[], parentId: string | null) => {
    nodes.forEach((node, i) => {
      const old = before.get(node.id);
      // The same object is the same subtree: derived trees share unchanged nodes, so most of a tree is skipped here.
      if (old === node) return;
      if (old === undefined) {
        changed.push({ ...node, parent_id: parentId, index: i });
        return; // its children came with it
      }
      if (FIELDS.some((key) => old[key] !== node[key])) {
        const { children: _children, ...fields } = node;
        changed.push(fields);
      }
      walk(node.children, node.id);
    });
  };
  walk(next, null);
  return changed;
}

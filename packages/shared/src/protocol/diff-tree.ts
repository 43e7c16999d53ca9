import type { ExecutionTree, TreeNode, TreeNodeFields } from '../schemas/tree.js';
import type { ChangedNode } from './ws.js';

/**
 * The changes that turn `prev` into `next`, as a `status_patch_run` carries them: existing nodes whose
 * fields changed (fields only, in tree order), and nodes new to the tree whole with `parent_id` and
 * `index`. `applyStatusPatch(prev, diffTree(prev, next))` equals `next`. Removed nodes cannot be expressed
 * by the protocol; a run's tree never loses nodes (its shape is fixed by the layout). Node ids are unique
 * within a tree.
 *
 * `inPlace`: the caller knows that no node of `prev` moved in `next` (an engine's successive derived trees,
 * whose nodes keep their places and only gain children at the end), so a node not found at its own place is
 * new, without looking for it elsewhere in `prev`. The result is the same for such trees, found faster.
 */
export function diffTree(prev: ExecutionTree, next: ExecutionTree, options: { inPlace?: boolean } = {}): ChangedNode[] {
  // Successive trees of a run keep their nodes in place (new ones are appended), so a node is looked for at
  // its own place in `prev` first; the id index of all of `prev` is built only when that misses.
  let before: Map<string, TreeNode> | null = null;
  const inPlace = options.inPlace === true;
  const indexed = () => {
    if (before) return before;
    const map = new Map<string, TreeNode>();
    const index = (nodes: readonly TreeNode[]) => {
      for (const node of nodes) {
        map.set(node.id, node);
        index(node.children);
      }
    };
    index(prev);
    return (before = map);
  };
  const changed: ChangedNode[] = [];
  const walk = (nodes: readonly TreeNode[], olds: readonly TreeNode[] | undefined, parentId: string | null) => {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const atPlace = olds?.[i];
      // The same object is the same subtree: derived trees share unchanged nodes, so most of a tree is skipped here.
      if (atPlace === node) continue;
      const old = atPlace !== undefined && atPlace.id === node.id ? atPlace : inPlace ? undefined : indexed().get(node.id);
      if (old === node) continue;
      if (old === undefined) {
        changed.push({ ...node, parent_id: parentId, index: i });
        continue; // its children came with it
      }
      if (fieldsDiffer(old, node)) {
        const { children: _children, ...fields } = node;
        changed.push(fields);
      }
      walk(node.children, old.children, node.id);
    }
  };
  walk(next, prev, null);
  return changed;
}

/**
 * Whether a field a change carries differs (every field of `TreeNodeFields` but `id`; never `children`), i.e.
 * whether `diffTree` reports a node that kept its place. Spelled out: named loads are much cheaper than keyed
 * ones on nodes of many shapes. A field added to a node must be added here.
 */
export function fieldsDiffer(a: TreeNodeFields, b: TreeNodeFields): boolean {
  return (
    a.status !== b.status ||
    a.started_at !== b.started_at ||
    a.ended_at !== b.ended_at ||
    a.duration_ms !== b.duration_ms ||
    a.name !== b.name ||
    a.node_type !== b.node_type ||
    a.error !== b.error ||
    a.args !== b.args ||
    a.summary !== b.summary ||
    a.vendor !== b.vendor
  );
}

import type { ExecutionTree, TreeNode } from '../schemas/tree.js';
import type { ChangedNode, TreeChange } from './ws.js';

/**
 * Tree changes as a status patch sends them: each update of a node `prev` has carries its `id` and only the
 * fields whose values differ from that node's (an update that changes nothing is left out); a node new to
 * `prev` (an entry with `parent_id`, `index` or `children`, or an id `prev` lacks) stays whole.
 * `applyStatusPatch(prev, trimTreeChanges(prev, changes))` equals `applyStatusPatch(prev, changes)`: a patch
 * entry overwrites only the fields it carries, so a field equal to the one it would overwrite says nothing.
 * Fields an update lacks are left out in both (a field is never removed). `changes` is not mutated.
 *
 * Why: an engine's update repeats a node's name, type and start time at each step of it (a node that
 * completes resends all seven fields where three changed); on the wire that is a third of the tree patches.
 */
export function trimTreeChanges(prev: ExecutionTree, changes: readonly ChangedNode[], index?: ReadonlyMap<string, TreeNode>): TreeChange[] {
  let byId: ReadonlyMap<string, TreeNode> | null = index ?? null;
  const trimmed: TreeChange[] = [];
  for (const change of changes) {
    if (change.parent_id !== undefined || change.index !== undefined || change.children !== undefined) {
      trimmed.push(change);
      continue;
    }
    byId ??= indexTreeNodes(prev);
    const old = byId.get(change.id);
    if (old === undefined) {
      trimmed.push(change);
      continue;
    }
    const from = change as unknown as Record<string, unknown>;
    const was = old as unknown as Record<string, unknown>;
    let entry: Record<string, unknown> | null = null;
    for (const key of Object.keys(from)) {
      if (key === 'id' || from[key] === was[key]) continue;
      entry ??= { id: change.id };
      entry[key] = from[key];
    }
    if (entry !== null) trimmed.push(entry as unknown as TreeChange);
  }
  return trimmed;
}

/**
 * Every node of `tree` by id; the first in tree order when ids repeat (the one `applyStatusPatch` updates). A
 * stream building a patch makes it once for `trimTreeChanges` and `groupTreeChanges` (the `index` they take).
 */
export function indexTreeNodes(tree: ExecutionTree): Map<string, TreeNode> {
  const map = new Map<string, TreeNode>();
  const walk = (nodes: readonly TreeNode[]) => {
    for (const node of nodes) {
      if (!map.has(node.id)) map.set(node.id, node);
      walk(node.children);
    }
  };
  walk(tree);
  return map;
}

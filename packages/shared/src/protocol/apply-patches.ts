import type { ExecutionTree, TreeNode } from '../schemas/tree.js';
import type { ChangedNode, ContentPatch } from './ws.js';

/**
 * Applies a `status_patch_run`'s changed nodes to a tree and returns the new tree (the input is not
 * mutated). A changed node whose id exists updates that node's fields (its children are kept unless the
 * patch carries them); a node not in the tree is inserted whole under `parent_id` at `index`.
 */
export function applyStatusPatch(tree: ExecutionTree, changed: ChangedNode[]): ExecutionTree {
  let next = tree;
  for (const change of changed) next = applyOne(next, change);
  return next;
}

function applyOne(tree: ExecutionTree, change: ChangedNode): ExecutionTree {
  const { parent_id, index, children, ...fields } = change;
  let found = false;
  const update = (nodes: TreeNode[]): TreeNode[] =>
    nodes.map((node) => {
      if (node.id === change.id) {
        found = true;
        return { ...node, ...fields, children: children ?? node.children };
      }
      if (found) return node;
      const kids = update(node.children);
      return found ? { ...node, children: kids } : node;
    });
  const updated = update(tree);
  if (found) return updated;
  const whole: TreeNode = { ...fields, children: children ?? [] };
  const insert = (nodes: TreeNode[]): TreeNode[] => {
    const at = index === undefined ? nodes.length : Math.min(Math.max(index, 0), nodes.length);
    return [...nodes.slice(0, at), whole, ...nodes.slice(at)];
  };
  if (parent_id == null) return insert(tree);
  let placed = false;
  const place = (nodes: TreeNode[]): TreeNode[] =>
    nodes.map((node) => {
      if (placed) return node;
      if (node.id === parent_id) {
        placed = true;
        return { ...node, children: insert(node.children) };
      }
      const kids = place(node.children);
      return placed ? { ...node, children: kids } : node;
    });
  const result = place(tree);
  // A parent that does not exist means the client missed a patch: the caller should resync.
  if (!placed) throw new Error(`status patch names unknown parent "${parent_id}" for node "${change.id}"`);
  return result;
}

/** Applies a `content_patch_run`'s patches to the contents map and returns a new map. */
export function applyContentPatches(contents: Record<string, string>, patches: ContentPatch[]): Record<string, string> {
  const next = { ...contents };
  for (const patch of patches) {
    next[patch.id] = patch.mode === 'append' ? (next[patch.id] ?? '') + patch.text : patch.content;
  }
  return next;
}

/** Finds a node by id anywhere in a tree. */
export function findNode(tree: ExecutionTree, id: string): TreeNode | undefined {
  for (const node of tree) {
    if (node.id === id) return node;
    const inChild = findNode(node.children, id);
    if (inChild) return inChild;
  }
  return undefined;
}

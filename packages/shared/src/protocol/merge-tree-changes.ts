import type { ChangedNode } from './ws.js';

/**
 * Several successive tree changes (each as a `status_patch_run` carries them) as one list:
 * `applyStatusPatch(tree, mergeTreeChanges(list))` equals applying the changes one after another. Field updates
 * of one node become one entry (the later fields win) at the place of its first update; a node new to the tree
 * keeps its own entry and takes the later updates of its own fields into it (a tool call started and finished
 * within one flush is one entry), while updates of its children follow it.
 */
export function mergeTreeChanges(changes: readonly ChangedNode[]): ChangedNode[] {
  const merged: ChangedNode[] = [];
  /** Index in `merged` of each node's entry: its field update, or the entry that inserted it. */
  const updateAt = new Map<string, number>();
  for (const change of changes) {
    const isNew = change.parent_id !== undefined || change.index !== undefined || change.children !== undefined;
    if (isNew) {
      updateAt.set(change.id, merged.length);
      merged.push(change);
      continue;
    }
    const at = updateAt.get(change.id);
    if (at === undefined) {
      updateAt.set(change.id, merged.length);
      merged.push(change);
    } else {
      merged[at] = { ...merged[at]!, ...change };
    }
  }
  return merged;
}

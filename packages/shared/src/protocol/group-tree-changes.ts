import type { ExecutionTree, TreeNode } from '../schemas/tree.js';
import { indexTreeNodes } from './trim-tree-changes.js';
import type { StatusPatchEntry, TreeChange } from './ws.js';

/**
 * A status patch's entries with the updates that set the same fields to the same values on several nodes the
 * client has (`prev`, the tree last sent) sent as one entry, in the place of the first of them: a subtree entry
 * (`{ subtree, ...fields }`) when those nodes are exactly one node and all the nodes under it, else a group entry
 * (`{ ids, ...fields }`). Why: an agent and its `report` and `messages` nodes start and end together (a phase
 * starts with its first agent), so each of those steps sent the same fields three or four times.
 *
 * `applyStatusPatch(prev, groupTreeChanges(prev, changes))` equals `applyStatusPatch(prev, changes)`. Moving a
 * later update up to the group's place changes nothing because only updates of distinct nodes of `prev` are
 * grouped (their fields only: no `parent_id`, `index` or `children`), and such an update touches nothing an
 * insertion or another node's update does; a subtree entry is sent only when no entry of the patch inserts a
 * node under it, so it reaches the same nodes wherever it is applied. When an id occurs twice in `changes`, or
 * an entry other than an update names a node of `prev`, the entries are returned as they are. `changes` is not
 * mutated.
 */
export function groupTreeChanges(prev: ExecutionTree, changes: readonly TreeChange[], index?: ReadonlyMap<string, TreeNode>): StatusPatchEntry[] {
  if (changes.length < 2) return [...changes];
  const nodes = index ?? indexTreeNodes(prev);
  const seen = new Set<string>();
  /** Parents named by the patch's insertions: a subtree holding one of them would reach the new node too. */
  const insertedUnder = new Set<string>();
  /** Entries that may be grouped (updates of `prev`'s nodes), by the JSON of their fields. */
  const byFields = new Map<string, TreeChange[]>();
  const keys: Array<string | null> = [];
  for (const change of changes) {
    if (seen.has(change.id)) return [...changes];
    seen.add(change.id);
    const isUpdate = change.parent_id === undefined && change.index === undefined && change.children === undefined;
    if (change.parent_id != null) insertedUnder.add(change.parent_id);
    if (!nodes.has(change.id)) {
      keys.push(null);
      continue;
    }
    if (!isUpdate) return [...changes];
    const key = fieldsKey(change);
    keys.push(key);
    const members = byFields.get(key);
    if (members) members.push(change);
    else byFields.set(key, [change]);
  }
  const grouped: StatusPatchEntry[] = [];
  changes.forEach((change, i) => {
    const key = keys[i];
    const members = key === null || key === undefined ? undefined : byFields.get(key);
    if (members === undefined || members.length < 2) {
      grouped.push(change);
      return;
    }
    if (members[0] !== change) return; // sent with the group, in the place of its first member
    const { id: _id, ...fields } = change;
    const ids = members.map((m) => m.id);
    const root = subtreeRoot(ids, nodes, insertedUnder);
    grouped.push(root === null ? { ids, ...fields } : { subtree: root, ...fields });
  });
  return grouped;
}

/**
 * The one of `ids` whose subtree (it and every node under it in the client's tree) is exactly `ids`, with no
 * insertion of the patch under it; null when there is none.
 */
function subtreeRoot(ids: readonly string[], nodes: ReadonlyMap<string, TreeNode>, insertedUnder: ReadonlySet<string>): string | null {
  const members = new Set(ids);
  for (const id of ids) {
    const root = nodes.get(id)!;
    let count = 0;
    let inside = true;
    const visit = (node: TreeNode) => {
      count++;
      if (!members.has(node.id) || insertedUnder.has(node.id)) inside = false;
      for (const child of node.children) if (inside) visit(child);
    };
    visit(root);
    if (inside && count === members.size) return id;
  }
  return null;
}

/** An update's fields and values as they go on the wire (JSON leaves out fields set to undefined), id aside. */
function fieldsKey(change: TreeChange): string {
  const { id: _id, ...fields } = change;
  return JSON.stringify(fields);
}

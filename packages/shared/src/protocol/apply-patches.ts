import type { ExecutionTree, TreeNode } from '../schemas/tree.js';
import type { ContentPart, ContentPatch, StatusPatchEntry, TreeChange, TreeGroupChange, TreeSubtreeChange } from './ws.js';

/**
 * Applies a `status_patch_run`'s changed nodes to a tree and returns the new tree (the input is not
 * mutated). A changed node whose id exists updates the fields it carries (the others, and its children unless
 * the patch carries them, are kept); a node not in the tree is inserted whole under `parent_id` at `index`. A
 * group entry (`ids`) sets its fields on each node it lists, as one entry per id would, and a subtree entry
 * (`subtree`) on that node and every node under it; an id the tree lacks throws (the client missed a patch). Nodes are found by id in tree order (the first one wins). Unchanged
 * subtrees are shared with the input; the nodes and lists on the path to a changed node are new ones.
 */
export function applyStatusPatch(tree: ExecutionTree, changed: readonly StatusPatchEntry[]): ExecutionTree {
  if (changed.length === 0) return tree;
  const patch = new CopyOnWrite(tree);
  for (const change of changed) {
    if (isGroupChange(change)) patch.applyGroup(change);
    else if (isSubtreeChange(change)) patch.applySubtree(change);
    else patch.apply(change);
  }
  return patch.root;
}

/** Whether a status patch entry is a group entry (`ids`, no `id`). */
export function isGroupChange(entry: StatusPatchEntry): entry is TreeGroupChange {
  return (entry as Partial<TreeChange>).id === undefined && Array.isArray((entry as Partial<TreeGroupChange>).ids);
}

/** Whether a status patch entry is a subtree entry (`subtree`, no `id`). */
export function isSubtreeChange(entry: StatusPatchEntry): entry is TreeSubtreeChange {
  return (entry as Partial<TreeChange>).id === undefined && typeof (entry as Partial<TreeSubtreeChange>).subtree === 'string';
}

/**
 * One patch's work on a tree: the nodes and lists it made itself (copies along the paths it changed) may be
 * changed again by its later entries in place; everything else is shared with the input and never mutated.
 */
class CopyOnWrite {
  root: TreeNode[];
  private readonly own = new WeakSet<object>();
  private readonly path: number[] = [];

  constructor(tree: ExecutionTree) {
    this.root = [...tree];
    this.own.add(this.root);
  }

  apply(change: TreeChange): void {
    const { parent_id, index, children } = change;
    const target = this.writable(change.id);
    if (target) {
      // Same keys in the same order as `{ ...node, ...fields, children: children ?? node.children }`.
      copyFields(change, target);
      if (children) target.children = children;
      return;
    }
    const whole = copyFields(change, {} as TreeNode);
    whole.children = children ?? [];
    this.own.add(whole);
    let siblings = this.root;
    if (parent_id != null) {
      const parent = this.writable(parent_id);
      // A parent that does not exist means the client missed a patch: the caller should resync.
      if (!parent) throw new Error(`status patch names unknown parent "${parent_id}" for node "${change.id}"`);
      siblings = this.ownList(parent);
    }
    const at = index === undefined ? siblings.length : Math.min(Math.max(index, 0), siblings.length);
    siblings.splice(at, 0, whole);
  }

  applyGroup(group: TreeGroupChange): void {
    for (const id of group.ids) {
      const target = this.writable(id);
      // A group only updates nodes the client has; one it lacks means it missed a patch: the caller should resync.
      if (!target) throw new Error(`status patch names unknown node "${id}"`);
      copyFields(group, target);
    }
  }

  applySubtree(change: TreeSubtreeChange): void {
    const root = this.writable(change.subtree);
    if (!root) throw new Error(`status patch names unknown node "${change.subtree}"`);
    const update = (node: TreeNode) => {
      copyFields(change, node);
      const children = this.ownList(node);
      for (let i = 0; i < children.length; i++) {
        let child = children[i]!;
        if (!this.own.has(child)) {
          child = { ...child };
          this.own.add(child);
          children[i] = child;
        }
        update(child);
      }
    };
    update(root);
  }

  /** The first node with `id` in tree order, made this patch's own along its path; undefined when there is none. */
  private writable(id: string): TreeNode | undefined {
    const path = this.path;
    path.length = 0;
    if (!find(this.root, id, path)) return undefined;
    let list = this.root;
    let node: TreeNode | undefined;
    for (const i of path) {
      if (node) list = this.ownList(node);
      node = list[i]!;
      if (!this.own.has(node)) {
        node = { ...node };
        this.own.add(node);
        list[i] = node;
      }
    }
    return node;
  }

  /** `node`'s children list, made this patch's own (`node` is already). */
  private ownList(node: TreeNode): TreeNode[] {
    if (this.own.has(node.children)) return node.children;
    const list = [...node.children];
    this.own.add(list);
    node.children = list;
    return list;
  }
}

/**
 * Copies a change's own fields (all but `parent_id`, `index`, `children`, `ids` and `subtree`) onto `into`, in
 * their order, as `Object.assign(into, fields)` of its rest would; a loop, not a rest pattern, which is much
 * slower on these.
 */
function copyFields(change: StatusPatchEntry, into: TreeNode): TreeNode {
  const from = change as unknown as Record<string, unknown>;
  const to = into as unknown as Record<string, unknown>;
  for (const key of Object.keys(from)) {
    if (key !== 'parent_id' && key !== 'index' && key !== 'children' && key !== 'ids' && key !== 'subtree') to[key] = from[key];
  }
  return into;
}

/** Whether `id` is in `nodes` (depth first, in order); `path` gets the indexes that lead to its first node. */
function find(nodes: readonly TreeNode[], id: string, path: number[]): boolean {
  for (let i = 0; i < nodes.length; i++) {
    path.push(i);
    if (nodes[i]!.id === id || find(nodes[i]!.children, id, path)) return true;
    path.pop();
  }
  return false;
}

/**
 * Applies a `content_patch_run`'s patches, in order, to the contents map and returns a new map (the input is not
 * mutated). An `append_parts` part that copies from a node the map lacks, or past the end of its text, throws
 * (the client missed a patch).
 */
export function applyContentPatches(contents: Record<string, string>, patches: readonly ContentPatch[]): Record<string, string> {
  const next = { ...contents };
  for (const patch of patches) {
    if (patch.mode === 'append') next[patch.id] = (next[patch.id] ?? '') + patch.text;
    else if (patch.mode === 'replace') next[patch.id] = patch.content;
    else next[patch.id] = (next[patch.id] ?? '') + joinParts(next, patch.parts);
  }
  return next;
}

/** The text of an `append_parts` patch's parts, copies read from `contents` as it stands. */
function joinParts(contents: Readonly<Record<string, string>>, parts: readonly ContentPart[]): string {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const [id, start, length] = part;
    const source = Object.hasOwn(contents, id) ? contents[id] : undefined;
    if (source === undefined || start + length > source.length) {
      throw new Error(`content patch copies ${length} characters at ${start} of "${id}", which the client does not have`);
    }
    text += source.slice(start, start + length);
  }
  return text;
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

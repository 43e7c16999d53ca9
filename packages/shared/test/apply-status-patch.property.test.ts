import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyStatusPatch, diffTree, type ChangedNode, type ExecutionTree, type TreeNode } from '../src/index.js';

/** The plain mapping version `applyStatusPatch` replaced (a copy of every visited list per entry): the reference. */
function referenceApply(tree: ExecutionTree, changed: ChangedNode[]): ExecutionTree {
  let next = tree;
  for (const change of changed) next = referenceOne(next, change);
  return next;
}

function referenceOne(tree: ExecutionTree, change: ChangedNode): ExecutionTree {
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
  if (!placed) throw new Error(`status patch names unknown parent "${parent_id}" for node "${change.id}"`);
  return result;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

// A few ids only, so that changes hit existing nodes and miss them.
const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n'];
const idArb = fc.constantFrom(...IDS.slice(0, 10), 'q', 'r');
const statusArb = fc.constantFrom('pending', 'in_progress', 'completed', 'error') as fc.Arbitrary<TreeNode['status']>;
const leaf = (id: string, status: TreeNode['status']): TreeNode => ({
  id,
  name: id,
  node_type: 'agent',
  status,
  started_at: null,
  ended_at: null,
  duration_ms: null,
  children: [],
});
/** A node's fields, as an update carries them. */
const fields = (id: string, status: TreeNode['status']): ChangedNode => {
  const { children: _children, ...rest } = leaf(id, status);
  return rest;
};
/** Nodes up to `depth` levels deep. */
const nodeOf = (depth: number): fc.Arbitrary<TreeNode> =>
  fc
    .record({
      id: idArb,
      status: statusArb,
      children: depth > 1 ? fc.array(nodeOf(depth - 1), { maxLength: 3 }) : fc.constant<TreeNode[]>([]),
    })
    .map(({ id, status, children }) => ({ ...leaf(id, status), children }));
const nodeArb = nodeOf(3);
/** `nodes` with their ids replaced, in tree order, by `name(0)`, `name(1)`, … (so they are unique). */
function renamed(nodes: TreeNode[], name: (i: number) => string): TreeNode[] {
  let i = 0;
  const walk = (list: TreeNode[]): TreeNode[] => list.map((n) => ({ ...n, id: name(i++), children: walk(n.children) }));
  return walk(nodes);
}
const treeArb = fc.array(nodeArb, { maxLength: 4 }).map((tree) => renamed(tree, (i) => IDS[i] ?? `z${i}`));
const changeArb: fc.Arbitrary<ChangedNode> = fc.oneof(
  fc
    .record({ id: idArb, status: statusArb, started_at: fc.option(fc.nat(), { nil: null }) })
    .map(({ id, status, started_at }): ChangedNode => ({ ...fields(id, status), started_at })),
  fc
    .record({ id: idArb, status: statusArb, summary: fc.string({ maxLength: 3 }) })
    .map(({ id, status, summary }): ChangedNode => ({ ...fields(id, status), summary, error: undefined })),
  fc
    .record({
      id: idArb,
      status: statusArb,
      parent_id: fc.option(idArb, { nil: null }),
      index: fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }),
      children: fc.option(fc.array(nodeArb, { maxLength: 2 }), { nil: undefined }),
    })
    .map(({ id, status, parent_id, index, children }) => {
      const change: ChangedNode = { ...fields(id, status), parent_id };
      if (index !== undefined) change.index = index;
      if (children !== undefined) change.children = renamed(children, (i) => `${id}.${i}`);
      return change;
    }),
);

function uniqueIds(tree: ExecutionTree): boolean {
  const seen = new Set<string>();
  const visit = (nodes: readonly TreeNode[]): boolean => nodes.every((n) => !seen.has(n.id) && seen.add(n.id) && visit(n.children));
  return visit(tree);
}

/** Each node's place (the indexes that lead to it) by id. */
function placesOf(tree: ExecutionTree): Map<string, string> {
  const places = new Map<string, string>();
  const visit = (nodes: readonly TreeNode[], at: string) =>
    nodes.forEach((n, i) => (places.set(n.id, `${at}/${i}`), visit(n.children, `${at}/${i}`)));
  visit(tree, '');
  return places;
}

const outcome = (run: () => ExecutionTree) => {
  try {
    return { tree: JSON.stringify(run()) };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

describe('applyStatusPatch', () => {
  it('gives what applying each entry to a fresh copy gives, keys in the same order, and never mutates its input (property, unique ids)', () => {
    fc.assert(
      fc.property(treeArb, fc.array(changeArb, { maxLength: 8 }), (tree, changes) => {
        // A tree's ids are unique (the protocol's trees, a run's layout); the reference is only defined for those.
        let step = tree;
        fc.pre(uniqueIds(step));
        for (const change of changes) {
          const next = outcome(() => (step = referenceOne(step, change)));
          if (next.error !== undefined) break;
          fc.pre(uniqueIds(step));
        }
        const frozenTree = deepFreeze(structuredClone(tree));
        const frozenChanges = deepFreeze(structuredClone(changes));
        expect(outcome(() => applyStatusPatch(frozenTree, frozenChanges))).toEqual(outcome(() => referenceApply(tree, changes)));
      }),
      { numRuns: 1000, maxSkipsPerRun: 100 },
    );
  }, 60_000);

  it('shares every subtree no entry touched, and the result diffs back to the changes made', () => {
    const tree: ExecutionTree = [
      { ...leaf('a', 'pending'), children: [leaf('a.x', 'pending'), leaf('a.y', 'pending')] },
      { ...leaf('b', 'pending'), children: [leaf('b.z', 'pending')] },
    ];
    const next = applyStatusPatch(tree, [
      { ...fields('a.y', 'completed') },
      { ...leaf('a.w', 'in_progress'), parent_id: 'a', index: 2 },
      { ...fields('a.w', 'completed') },
    ]);
    expect(next[1]).toBe(tree[1]);
    expect(next[0]!.children[0]).toBe(tree[0]!.children[0]);
    expect(next[0]!.children.map((n) => [n.id, n.status])).toEqual([
      ['a.x', 'pending'],
      ['a.y', 'completed'],
      ['a.w', 'completed'],
    ]);
    expect(applyStatusPatch(tree, diffTree(tree, next))).toEqual(next);
  });
});

describe('diffTree', () => {
  it('turns a tree into the one any changes that move no node made of it, found in place or not (property, unique ids)', () => {
    fc.assert(
      fc.property(treeArb, fc.array(changeArb, { maxLength: 8 }), (tree, changes) => {
        const next = outcome(() => referenceApply(tree, changes));
        fc.pre(next.tree !== undefined);
        const after = JSON.parse(next.tree!) as ExecutionTree;
        fc.pre(uniqueIds(after));
        const was = placesOf(tree);
        const now = placesOf(after);
        // The protocol cannot remove or move a node (a run's tree never loses one, its layout is fixed).
        fc.pre([...was].every(([id, place]) => now.get(id) === place));
        expect(applyStatusPatch(tree, diffTree(tree, after))).toEqual(after);
        // Looking for a node at its own place only finds the same changes.
        expect(diffTree(tree, after, { inPlace: true })).toEqual(diffTree(tree, after));
      }),
      { numRuns: 500, maxSkipsPerRun: 100 },
    );
  }, 60_000);
});

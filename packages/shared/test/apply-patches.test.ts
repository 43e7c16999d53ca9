import { describe, expect, it } from 'vitest';
import { applyContentPatches, applyStatusPatch, type ExecutionTree, type TreeNode } from '../src/index.js';

const node = (id: string, children: TreeNode[] = []): TreeNode => ({
  id,
  name: id,
  node_type: children.length ? 'phase' : 'agent',
  status: 'pending',
  started_at: null,
  ended_at: null,
  duration_ms: null,
  children,
});

describe('applyStatusPatch', () => {
  const tree: ExecutionTree = [node('a', [node('a.x'), node('a.y')]), node('b')];

  it('updates an existing nested node without touching the input', () => {
    const next = applyStatusPatch(tree, [{ ...node('a.y'), status: 'in_progress', started_at: 5 }]);
    expect(next[0]!.children[1]).toMatchObject({ id: 'a.y', status: 'in_progress', started_at: 5 });
    expect(tree[0]!.children[1]!.status).toBe('pending');
    expect(next[1]).toBe(tree[1]);
  });

  it('inserts a new node whole under its parent at its index', () => {
    const next = applyStatusPatch(tree, [{ ...node('a.z'), parent_id: 'a', index: 1, children: [node('a.z.r')] }]);
    expect(next[0]!.children.map((c) => c.id)).toEqual(['a.x', 'a.z', 'a.y']);
    expect(next[0]!.children[1]!.children[0]!.id).toBe('a.z.r');
  });

  it('inserts at the root when parent_id is null', () => {
    expect(applyStatusPatch(tree, [{ ...node('c'), parent_id: null }]).map((n) => n.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a node whose parent is unknown, so the client resyncs', () => {
    expect(() => applyStatusPatch(tree, [{ ...node('q.r'), parent_id: 'q' }])).toThrow(/unknown parent "q"/);
  });
});

describe('applyContentPatches', () => {
  it('appends and replaces', () => {
    expect(
      applyContentPatches({ r: 'ab' }, [
        { id: 'r', mode: 'append', text: 'c' },
        { id: 'm', mode: 'append', text: 'new' },
        { id: 'r', mode: 'replace', content: 'z' },
      ]),
    ).toEqual({ r: 'z', m: 'new' });
  });
});

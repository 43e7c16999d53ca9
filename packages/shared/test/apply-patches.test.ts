import { describe, expect, it } from 'vitest';
import { applyContentPatches, applyStatusPatch, initialFocusedRun, reduceFocusedRun, type ExecutionTree, type TreeNode } from '../src/index.js';

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

  it('sets a group entry\'s fields on each node it lists, and a subtree entry\'s on the node and all under it', () => {
    const grouped = applyStatusPatch(tree, [{ ids: ['a.y', 'b'], status: 'completed', ended_at: 9 }]);
    expect([grouped[0]!.children[1], grouped[1]]).toMatchObject([
      { id: 'a.y', status: 'completed', ended_at: 9 },
      { id: 'b', status: 'completed', ended_at: 9 },
    ]);
    expect(grouped[0]!.children[0]).toBe(tree[0]!.children[0]);
    const subtree = applyStatusPatch(tree, [{ subtree: 'a', status: 'in_progress', started_at: 3 }]);
    expect([subtree[0]!, ...subtree[0]!.children].map((n) => [n.id, n.status, n.started_at])).toEqual([
      ['a', 'in_progress', 3],
      ['a.x', 'in_progress', 3],
      ['a.y', 'in_progress', 3],
    ]);
    expect(subtree[1]).toBe(tree[1]);
    expect(tree[0]!.children[0]!.status).toBe('pending');
  });

  it('refuses a group or subtree entry naming a node the tree lacks', () => {
    expect(() => applyStatusPatch(tree, [{ ids: ['a', 'q'], status: 'completed' }])).toThrow(/unknown node "q"/);
    expect(() => applyStatusPatch(tree, [{ subtree: 'q', status: 'completed' }])).toThrow(/unknown node "q"/);
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

  it('appends parts, copying from texts as the earlier patches of the same message left them', () => {
    expect(
      applyContentPatches({ r: 'report' }, [
        { id: 'r', mode: 'append', text: ' done' },
        { id: 'm', mode: 'append_parts', parts: ['> ', ['r', 0, 11], '!'] },
        { id: 'm', mode: 'append_parts', parts: [['m', 2, 6]] },
      ]),
    ).toEqual({ r: 'report done', m: '> report done!report' });
  });

  it('refuses a copy of a text the client lacks or past its end, and the focused client resyncs', () => {
    expect(() => applyContentPatches({ r: 'abc' }, [{ id: 'm', mode: 'append_parts', parts: [['q', 0, 1]] }])).toThrow(/"q"/);
    expect(() => applyContentPatches({ r: 'abc' }, [{ id: 'm', mode: 'append_parts', parts: [['r', 1, 3]] }])).toThrow(/"r"/);
    const runId = 'ACME--2025-01-31_10.00.00--abcdef';
    const joined = reduceFocusedRun(initialFocusedRun(runId), {
      type: 'init_run',
      run_id: runId,
      ticker: 'ACME',
      status: 'in_progress',
      overall_progress: 0,
      execution_tree: [node('r')],
      contents: { r: 'abc' },
      seq: 0,
      content_seq: 0,
      log_seq: 0,
    }).state;
    const step = reduceFocusedRun(joined, { type: 'content_patch_run', run_id: runId, seq: 1, patches: [{ id: 'm', mode: 'append_parts', parts: [['q', 0, 1]] }] });
    expect(step.requests).toEqual([{ action: 'resync', cause: 'unknown_source' }]);
    expect(step.state.contents).toEqual({ r: 'abc' });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyStatusPatch,
  groupTreeChanges,
  isGroupChange,
  isSubtreeChange,
  trimTreeChanges,
  type ExecutionTree,
  type StatusPatchEntry,
  type TreeNode,
} from '../src/index.js';
import { changeArb, pendingTreeChanges } from './support/model-server.js';

const node = (id: string, children: TreeNode[] = [], status: TreeNode['status'] = 'pending'): TreeNode => ({
  id,
  name: id,
  node_type: 'agent',
  status,
  started_at: null,
  ended_at: null,
  duration_ms: null,
  children,
});

/** The ids an entry reaches in `tree` (a subtree entry: the node and everything under it). */
function reached(tree: ExecutionTree, entry: StatusPatchEntry): string[] {
  if (isGroupChange(entry)) return entry.ids;
  if (!isSubtreeChange(entry)) return [entry.id];
  const find = (nodes: readonly TreeNode[]): TreeNode | undefined => {
    for (const n of nodes) {
      if (n.id === entry.subtree) return n;
      const inner = find(n.children);
      if (inner) return inner;
    }
    return undefined;
  };
  const all = (n: TreeNode): string[] => [n.id, ...n.children.flatMap(all)];
  return all(find(tree)!);
}

describe('groupTreeChanges', () => {
  it('applies as the entries it was given do, and never groups nodes whose changes differ (property)', () => {
    fc.assert(
      fc.property(fc.array(changeArb, { maxLength: 12 }), fc.array(fc.array(changeArb, { maxLength: 3 }), { maxLength: 12 }), (setup, batches) => {
        const { server, prev, candidates } = pendingTreeChanges(setup, batches);
        for (const changes of candidates) {
          const trimmed = trimTreeChanges(prev, changes);
          const frozen = structuredClone(trimmed);
          const grouped = groupTreeChanges(prev, trimmed);
          expect(trimmed).toEqual(frozen);
          expect(applyStatusPatch(prev, grouped)).toEqual(server.tree);
          // Each node is reached once, with the fields its own entry carried.
          const byId = new Map(trimmed.map((c) => [c.id, c]));
          const reachedIds = grouped.flatMap((entry) => reached(prev, entry));
          expect(new Set(reachedIds).size).toBe(reachedIds.length);
          expect(reachedIds.sort()).toEqual([...byId.keys()].sort());
          for (const entry of grouped) {
            if (!isGroupChange(entry) && !isSubtreeChange(entry)) continue;
            const { ids: _ids, subtree: _subtree, ...fields } = entry as StatusPatchEntry & { ids?: string[]; subtree?: string };
            for (const id of reached(prev, entry)) expect({ ...byId.get(id)!, id: undefined }).toEqual({ ...fields, id: undefined });
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sends an agent that ends with its report and messages as one subtree entry, and a phase that starts with its first agent as one group entry', () => {
    const agent = (id: string) => node(id, [node(`${id}.report`), node(`${id}.messages`)]);
    const prev: ExecutionTree = [node('debate', [agent('debate.bull'), agent('debate.bear')])];
    const started = { status: 'in_progress' as const, started_at: 100 };
    const grouped = groupTreeChanges(prev, [
      { id: 'debate', ...started },
      { id: 'debate.bull', ...started },
      { id: 'debate.bull.report', ...started },
      { id: 'debate.bull.messages', ...started },
    ]);
    // The bear is not starting: the phase's subtree is not what moved.
    expect(grouped).toEqual([{ ids: ['debate', 'debate.bull', 'debate.bull.report', 'debate.bull.messages'], ...started }]);
    const ended = { status: 'completed' as const, ended_at: 150, duration_ms: 50 };
    expect(
      groupTreeChanges(prev, [
        { id: 'debate.bull', ...ended },
        { id: 'debate.bull.report', ...ended },
        { id: 'debate.bull.messages', ...ended },
        { id: 'debate.bear', ...started },
      ]),
    ).toEqual([{ subtree: 'debate.bull', ...ended }, { id: 'debate.bear', ...started }]);
  });

  it('lists the ids when the patch inserts a node under them, and leaves a patch naming an id twice as it is', () => {
    const prev: ExecutionTree = [node('a', [node('a.report')])];
    const ended = { status: 'completed' as const, ended_at: 9 };
    const call = { ...node('a.tool.1'), parent_id: 'a', index: 1 };
    const changes = [{ id: 'a', ...ended }, { id: 'a.report', ...ended }, call];
    expect(groupTreeChanges(prev, changes)).toEqual([{ ids: ['a', 'a.report'], ...ended }, call]);
    expect(applyStatusPatch(prev, groupTreeChanges(prev, changes))).toEqual(applyStatusPatch(prev, changes));
    const twice = [{ id: 'a', ...ended }, { id: 'a.report', ...ended }, { id: 'a', status: 'error' as const }];
    expect(groupTreeChanges(prev, twice)).toEqual(twice);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyStatusPatch, trimTreeChanges, type ChangedNode, type ExecutionTree, type TreeNode } from '../src/index.js';
import { changeArb, pendingTreeChanges } from './support/model-server.js';

const FIELDS = ['name', 'node_type', 'status', 'started_at', 'ended_at', 'duration_ms', 'error', 'args', 'summary', 'vendor'] as const;

function byId(tree: ExecutionTree, into = new Map<string, TreeNode>()): Map<string, TreeNode> {
  for (const node of tree) {
    if (!into.has(node.id)) into.set(node.id, node);
    byId(node.children, into);
  }
  return into;
}

describe('trimTreeChanges', () => {
  it('applies as the untrimmed changes do, and an update carries only the fields that differ from the node it updates (property)', () => {
    fc.assert(
      fc.property(fc.array(changeArb, { maxLength: 12 }), fc.array(fc.array(changeArb, { maxLength: 3 }), { maxLength: 12 }), (setup, batches) => {
        const { server, prev, candidates } = pendingTreeChanges(setup, batches);
        for (const changes of candidates) {
          const frozen = structuredClone(changes);
          const trimmed = trimTreeChanges(prev, changes);
          expect(applyStatusPatch(prev, trimmed)).toEqual(applyStatusPatch(prev, changes));
          expect(applyStatusPatch(prev, trimmed)).toEqual(server.tree);
          expect(changes).toEqual(frozen);
          const old = byId(prev);
          for (const entry of trimmed) {
            const was = old.get(entry.id);
            if (entry.parent_id !== undefined || was === undefined) {
              // A new node comes whole, and so does an update of a node new since `prev` (a child of a new one).
              expect(entry).toEqual(changes.find((c) => c.id === entry.id && c.parent_id === entry.parent_id));
              continue;
            }
            const carriedFields = FIELDS.filter((f) => f in entry);
            expect(carriedFields.length).toBeGreaterThan(0);
            for (const f of carriedFields) expect(entry[f]).not.toBe(was[f]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sends a completed node as its id and the three fields that moved, a new node whole, and drops an update that changes nothing', () => {
    const node = (id: string): TreeNode => ({
      id,
      name: id.toUpperCase(),
      node_type: 'agent',
      status: 'in_progress',
      started_at: 100,
      ended_at: null,
      duration_ms: null,
      children: [],
    });
    const prev: ExecutionTree = [node('a'), node('b')];
    const { children: _a, ...a } = node('a');
    const { children: _b, ...b } = node('b');
    const added: ChangedNode = { ...node('c'), status: 'pending', started_at: null, parent_id: 'a', index: 0, children: [] };
    const trimmed = trimTreeChanges(prev, [{ ...a, status: 'completed', ended_at: 150, duration_ms: 50 }, b, added, { ...node('z'), status: 'completed' }]);
    expect(trimmed).toEqual([{ id: 'a', status: 'completed', ended_at: 150, duration_ms: 50 }, added, { ...node('z'), status: 'completed' }]);
    // The update of a node `prev` lacks stays whole: what it updates is not known here.
    expect(trimmed[2]).toHaveProperty('name', 'Z');
  });
});

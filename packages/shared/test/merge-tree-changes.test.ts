import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyStatusPatch, mergeTreeChanges } from '../src/index.js';
import { changeArb, pendingTreeChanges } from './support/model-server.js';

describe('mergeTreeChanges', () => {
  it('applied at once equals the changes applied one after another, with one update entry per node (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(changeArb, { maxLength: 3 }), { maxLength: 20 }), (batches) => {
        // What the engine hands on: one diff per change of the tree, concatenated until the next flush.
        const { server, prev: start, carried } = pendingTreeChanges([], batches);
        const merged = mergeTreeChanges(carried);
        expect(applyStatusPatch(start, merged)).toEqual(server.tree);
        const updates = merged.filter((c) => c.parent_id === undefined).map((c) => c.id);
        expect(new Set(updates).size).toBe(updates.length);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a new node in its place with the later updates of its fields in it, and lets the later fields win', () => {
    const node = { name: 'N', node_type: 'agent' as const, started_at: null, ended_at: null, duration_ms: null };
    const merged = mergeTreeChanges([
      { id: 'a', ...node, status: 'in_progress' },
      { id: 'n', ...node, status: 'pending', parent_id: null, index: 1, children: [] },
      { id: 'n', ...node, status: 'completed' },
      { id: 'a', ...node, status: 'completed', ended_at: 9 },
    ]);
    expect(merged.map((c) => [c.id, c.status])).toEqual([
      ['a', 'completed'],
      ['n', 'completed'],
    ]);
    expect(merged[0]).toMatchObject({ ended_at: 9 });
    // Still the insertion: where, and with its children.
    expect(merged[1]).toMatchObject({ parent_id: null, index: 1, children: [] });
  });
});

import { describe, expect, it } from 'vitest';
import { ancestorIds, contentNodeFor, liveContentNode, visibleRows } from '../src/lib/tree-rows.js';
import { timelineRows } from '../src/lib/timeline-rows.js';
import { node, smallTree } from './support/fixtures.js';

describe('tree rows', () => {
  it('lists visible rows with ARIA positions', () => {
    const rows = visibleRows(smallTree(), (n) => n.id !== 'trader');
    expect(rows.map((r) => [r.node.id, r.level, r.posInSet, r.setSize])).toEqual([
      ['analysts', 1, 1, 2],
      ['analysts.market', 2, 1, 1],
      ['analysts.market.report', 3, 1, 2],
      ['analysts.market.messages', 3, 2, 2],
      ['trader', 1, 2, 2],
    ]);
  });

  it('does not repeat a phase name: the sole agent named like its phase shows its reports under the phase', () => {
    const rows = visibleRows(smallTree(), () => true);
    expect(rows.slice(-2).map((r) => [r.node.id, r.level, r.parentId])).toEqual([
      ['trader', 1, null],
      ['trader.trader.report', 2, 'trader'],
    ]);
    expect(rows.map((r) => r.node.id)).toContain('analysts.market'); // an agent named otherwise keeps its row
  });

  it('finds ancestors root first', () => {
    expect(ancestorIds(smallTree(), 'analysts.market.report')).toEqual(['analysts', 'analysts.market']);
    expect(ancestorIds(smallTree(), 'nope')).toEqual([]);
  });

  it('shows the report being written, else the last report with text', () => {
    const tree = smallTree();
    const contents = { 'analysts.market.report': 'm', 'trader.trader.report': 't' };
    expect(liveContentNode(tree, contents)?.id).toBe('trader.trader.report');
    tree[0]!.children[0]!.children[1]!.status = 'in_progress';
    expect(liveContentNode(tree, { ...contents, 'analysts.market.messages': 'talking' })?.id).toBe('analysts.market.messages');
    expect(liveContentNode(tree, {})?.id).toBe('analysts.market.report');
  });

  it('maps an agent or phase to its first report', () => {
    expect(contentNodeFor(smallTree()[1]!)?.id).toBe('trader.trader.report');
  });
});

describe('timelineRows', () => {
  it('places started phases and agents relative to the first start; running ones end now', () => {
    const tree = smallTree();
    Object.assign(tree[0]!, { started_at: 1000, ended_at: 4000, status: 'completed' });
    Object.assign(tree[0]!.children[0]!, { started_at: 1500, ended_at: null, duration_ms: 2000, status: 'completed' });
    Object.assign(tree[1]!, { started_at: 4000, status: 'in_progress' });
    // The trader agent runs inside the trader phase under the same name: one bar, not two.
    Object.assign(tree[1]!.children[0]!, { started_at: 4000, status: 'in_progress' });
    expect(timelineRows(tree, 6000).map((r) => [r.id, r.depth, r.start, r.end])).toEqual([
      ['analysts', 0, 0, 3],
      ['analysts.market', 1, 0.5, 2.5],
      ['trader', 0, 3, 5],
    ]);
    expect(timelineRows(smallTree(), 0)).toEqual([]);
  });

  it('shows an agent’s started tool calls inside it, one level deeper', () => {
    const tree = smallTree();
    Object.assign(tree[0]!, { started_at: 1000, ended_at: 4000, status: 'completed' });
    const agent = tree[0]!.children[0]!;
    Object.assign(agent, { started_at: 1500, ended_at: 3500, duration_ms: 2000, status: 'completed' });
    agent.children.push(
      { ...node('analysts.market.tools.1', 'tool_call', [], 'completed'), name: 'get_price_history', started_at: 2000, ended_at: 2500, duration_ms: 500 },
      { ...node('analysts.market.tools.2', 'tool_call', [], 'in_progress'), name: 'get_indicators', started_at: 3000 },
    );
    expect(timelineRows(tree, 3200).map((r) => [r.label, r.depth, r.start, r.end])).toEqual([
      ['analysts', 0, 0, 3],
      ['  market', 1, 0.5, 2.5],
      ['    get_price_history', 2, 1, 1.5],
      ['    get_indicators', 2, 2, 2.2],
    ]);
  });

  it('maps a tool call to its agent’s messages', () => {
    const tree = smallTree();
    const call = node('analysts.market.tools.1', 'tool_call');
    tree[0]!.children[0]!.children.push(call);
    expect(contentNodeFor(call, tree)?.id).toBe('analysts.market.messages');
  });
});

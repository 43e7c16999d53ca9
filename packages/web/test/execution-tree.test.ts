import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import ExecutionTree from '../src/components/tree/ExecutionTree.vue';
import type { TreeNode } from '@tradingfloor/shared';
import { node, RUN_ID, smallTree } from './support/fixtures.js';

let pinia: Pinia;
function freshPage(): Pinia {
  pinia = createPinia();
  setActivePinia(pinia);
  return pinia;
}

function running() {
  const tree = smallTree();
  const phase = tree[0]!;
  phase.status = 'in_progress';
  phase.started_at = 10_000;
  const agent = phase.children[0]!;
  agent.status = 'error';
  agent.error = 'model timed out';
  agent.started_at = 10_000;
  agent.ended_at = 13_500;
  agent.duration_ms = 3500;
  return tree;
}

const mountTree = (props: Record<string, unknown> = {}) =>
  mount(ExecutionTree, {
    props: { runId: RUN_ID, tree: running(), selectedId: null, now: 25_000, ...props },
    global: { plugins: [pinia] },
    attachTo: document.body,
  });
const rowIds = (w: ReturnType<typeof mountTree>) => w.findAll('[role="treeitem"]').map((r) => r.attributes('data-node-id'));

beforeEach(() => {
  localStorage.clear();
  document.body.innerHTML = '';
  freshPage();
});

describe('ExecutionTree', () => {
  it('shows phases open and agents closed, with ARIA levels, status text and durations', () => {
    const w = mountTree();
    expect(w.find('[role="tree"]').exists()).toBe(true);
    // The trader agent is not a row of its own: "Trader › Trader" would repeat the phase's name.
    expect(rowIds(w)).toEqual(['analysts', 'analysts.market', 'trader', 'trader.trader.report']);
    const phase = w.get('[data-node-id="analysts"]');
    expect(phase.attributes()).toMatchObject({ 'aria-level': '1', 'aria-expanded': 'true' });
    expect(phase.classes()).toContain('active-node');
    expect(phase.get('[role="img"]').attributes('aria-label')).toBe('In progress');
    expect(phase.text()).toContain('15 s'); // ticking: now − started_at
    const agent = w.get('[data-node-id="analysts.market"]');
    expect(agent.attributes()).toMatchObject({ 'aria-level': '2', 'aria-expanded': 'false', title: 'Failed: model timed out' });
    expect(agent.get('[role="img"]').attributes('aria-label')).toBe('Error');
    expect(agent.text()).toContain('3.5 s');
    expect(agent.text()).toContain('failed: model timed out');
  });

  it('expands and collapses with the mouse and remembers it across a reload', async () => {
    const w = mountTree();
    await w.get('[data-node-id="analysts.market"] .chevron').trigger('click');
    expect(rowIds(w)).toContain('analysts.market.report');
    await w.get('[data-node-id="trader"] .chevron').trigger('click');
    expect(rowIds(w)).not.toContain('trader.trader.report');
    w.unmount();

    freshPage();
    const again = mountTree();
    expect(rowIds(again)).toEqual(['analysts', 'analysts.market', 'analysts.market.report', 'analysts.market.messages', 'trader']);
  });

  it('follows the tree keyboard pattern: arrows move, right opens, left closes or goes up, enter selects', async () => {
    const w = mountTree();
    const key = (id: string, k: string) => w.get(`[data-node-id="${id}"]`).trigger('keydown', { key: k });
    await key('analysts', 'ArrowDown');
    expect(document.activeElement?.getAttribute('data-node-id')).toBe('analysts.market');
    await key('analysts.market', 'ArrowRight');
    expect(w.get('[data-node-id="analysts.market"]').attributes('aria-expanded')).toBe('true');
    await key('analysts.market', 'ArrowRight');
    expect(document.activeElement?.getAttribute('data-node-id')).toBe('analysts.market.report');
    await key('analysts.market.report', 'Enter');
    expect(w.emitted('select')?.[0]?.[0]).toMatchObject({ id: 'analysts.market.report' });
    await key('analysts.market.report', 'ArrowLeft');
    expect(document.activeElement?.getAttribute('data-node-id')).toBe('analysts.market');
    await key('analysts.market', 'ArrowLeft');
    expect(rowIds(w)).not.toContain('analysts.market.report');
  });

  it('marks the selected node and makes it the one tab stop', () => {
    const w = mountTree({ selectedId: 'trader.trader.report' });
    const selected = w.get('[data-node-id="trader.trader.report"]');
    expect(selected.attributes()).toMatchObject({ 'aria-selected': 'true', tabindex: '0' });
    expect(w.findAll('[tabindex="0"]')).toHaveLength(1);
  });

  it('shows an agent’s tool calls as children: tool icon, arguments, summary or error, vendor chip, duration; arrow keys reach them', async () => {
    const tree = running();
    const agent = tree[0]!.children[0]!;
    const call = (n: number, fields: Partial<TreeNode>): TreeNode => ({
      ...node(`analysts.market.tools.${n}`, 'tool_call'),
      name: 'get_price_history',
      args: '{"lookback_days":30}',
      started_at: 11_000,
      ...fields,
    });
    agent.children.push(
      call(1, { status: 'completed', ended_at: 11_250, duration_ms: 250, summary: 'bars: 30 · 2.1 kB', vendor: 'csv' }),
      call(2, { name: 'get_fundamentals', args: '{}', status: 'error', ended_at: 11_300, duration_ms: 50, error: 'DATA UNAVAILABLE: no filings' }),
      call(3, { name: 'get_indicators', status: 'in_progress' }),
    );
    const w = mountTree({ tree });
    await w.get('[data-node-id="analysts.market"]').trigger('keydown', { key: 'ArrowRight' });
    expect(rowIds(w)).toContain('analysts.market.tools.3');
    const done = w.get('[data-node-id="analysts.market.tools.1"]');
    expect(done.attributes()).toMatchObject({ role: 'treeitem', 'aria-level': '3', 'aria-posinset': '3', 'aria-setsize': '5' });
    expect(done.attributes('aria-expanded')).toBeUndefined();
    expect(done.find('svg.icon').exists()).toBe(true);
    expect(done.get('.tool-name').text()).toBe('get_price_history');
    expect(done.get('.args').text()).toBe('({"lookback_days":30})');
    expect(done.get('.outcome').text()).toBe('bars: 30 · 2.1 kB');
    expect(done.get('.vendor.chip').text()).toBe('served by csv');
    expect(done.text()).toContain('0.3 s');
    const failed = w.get('[data-node-id="analysts.market.tools.2"]');
    expect(failed.classes()).toContain('failed');
    expect(failed.get('.outcome.error').text()).toBe('DATA UNAVAILABLE: no filings');
    expect(failed.find('.vendor').exists()).toBe(false);
    expect(failed.get('[role="img"]').attributes('aria-label')).toBe('Error');
    const live = w.get('[data-node-id="analysts.market.tools.3"]');
    expect(live.classes()).toContain('active-node');
    expect(live.text()).toContain('14 s'); // ticking: now − started_at
    // Keyboard: down from the messages row reaches the first call; left from a call goes up to its agent.
    await w.get('[data-node-id="analysts.market.messages"]').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('data-node-id')).toBe('analysts.market.tools.1');
    await w.get('[data-node-id="analysts.market.tools.1"]').trigger('keydown', { key: 'ArrowLeft' });
    expect(document.activeElement?.getAttribute('data-node-id')).toBe('analysts.market');
    await w.get('[data-node-id="analysts.market.tools.2"]').trigger('keydown', { key: 'Enter' });
    expect(w.emitted('select')?.at(-1)?.[0]).toMatchObject({ id: 'analysts.market.tools.2' });
  });
});

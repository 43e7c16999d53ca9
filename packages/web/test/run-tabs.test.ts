import type { RunSummary } from '@tradingfloor/shared';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import RunTabs from '../src/components/runs/RunTabs.vue';
import { HISTORY_TAB } from '../src/stores/runs-store.js';
import { MAX_PINNED_TABS, useUiPrefsStore } from '../src/stores/ui-prefs-store.js';

const run = (ticker: string, minute: number): RunSummary => ({
  run_id: `${ticker}--2025-01-31_10.${String(minute).padStart(2, '0')}.00--abcdef`,
  ticker,
  trade_date: '2025-01-31',
  status: 'in_progress',
  overall_progress: 40,
  created_at: Date.UTC(2025, 0, 31, 10, minute),
  updated_at: Date.UTC(2025, 0, 31, 10, minute),
  current_phase: null,
  provider: 'offline',
  error: null,
  action: null,
  results_path: '',
});

const runs = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG'].map((t, i) => run(t, i));

/** RunTabs wired to the prefs store the way the runs workspace wires it. */
const Harness = defineComponent(() => {
  const prefs = useUiPrefsStore();
  return () =>
    h(RunTabs, {
      runs: runs.filter((r) => prefs.openRunIds.includes(r.run_id)),
      activeId: prefs.activeRunId,
      historyCount: 3,
      panelId: 'panel',
      pinnedIds: prefs.pinnedRunIds,
      onSelect: (id: string) => (prefs.activeRunId = id),
      onPin: (id: string) => prefs.togglePin(id),
      onClose: (id: string) => prefs.closeRun(id),
    });
});

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

function mountOpen(count: number) {
  const prefs = useUiPrefsStore();
  for (const r of runs.slice(0, count)) prefs.openRun(r.run_id);
  prefs.activeRunId = runs[0]!.run_id;
  return { w: mount(Harness, { attachTo: document.body }), prefs };
}

const pinOf = (w: ReturnType<typeof mount>, ticker: string) => w.get(`button[aria-label="Pin ${ticker} tab"]`);
const closeOf = (w: ReturnType<typeof mount>, ticker: string) => w.get(`button[aria-label="Close ${ticker} tab"]`);

describe('RunTabs pin and close', () => {
  it('gives each run tab a pin toggle (aria-pressed) and a close button; the tablist holds only tabs', () => {
    const { w } = mountOpen(3);
    const tablist = w.get('[role="tablist"]');
    expect(tablist.element.children).toHaveLength(0);
    const owned = tablist.attributes('aria-owns')!.split(' ');
    expect(owned.map((id) => document.getElementById(id)?.getAttribute('role'))).toEqual(['tab', 'tab', 'tab', 'tab']);
    expect(owned.map((id) => document.getElementById(id)?.querySelector('.ticker')?.textContent ?? 'history')).toEqual([
      'AAA',
      'BBB',
      'CCC',
      'history',
    ]);
    for (const t of ['AAA', 'BBB', 'CCC']) {
      expect(pinOf(w, t).attributes('aria-pressed')).toBe('false');
      expect(closeOf(w, t).attributes('type')).toBe('button');
    }
    // Only the active tab's buttons are Tab stops, like the tabs themselves.
    expect(pinOf(w, 'AAA').attributes('tabindex')).toBe('0');
    expect(closeOf(w, 'BBB').attributes('tabindex')).toBe('-1');
    // The history tab can be neither pinned nor closed.
    expect(w.findAll('.tab.history button')).toHaveLength(1);
    w.unmount();
  });

  it('pins and unpins a tab in the prefs store, which keeps a pinned tab open when too many are opened', async () => {
    const { w, prefs } = mountOpen(3);
    await pinOf(w, 'BBB').trigger('click');
    expect(prefs.pinnedRunIds).toEqual([runs[1]!.run_id]);
    expect(pinOf(w, 'BBB').attributes('aria-pressed')).toBe('true');
    expect(w.get('.tab.pinned [role="tab"]').text()).toContain('BBB');
    await pinOf(w, 'BBB').trigger('click');
    expect(prefs.pinnedRunIds).toEqual([]);
    expect(pinOf(w, 'BBB').attributes('aria-pressed')).toBe('false');
    w.unmount();
  });

  it('closes a tab without selecting it; the run itself is untouched', async () => {
    const { w, prefs } = mountOpen(3);
    await pinOf(w, 'CCC').trigger('click');
    await closeOf(w, 'CCC').trigger('click');
    expect(prefs.openRunIds).toEqual([runs[0]!.run_id, runs[1]!.run_id]);
    // Closing forgets the pin too.
    expect(prefs.pinnedRunIds).toEqual([]);
    expect(prefs.activeRunId).toBe(runs[0]!.run_id);
    expect(w.find('button[aria-label="Close CCC tab"]').exists()).toBe(false);
    w.unmount();
  });

  it(`disables pinning once ${MAX_PINNED_TABS} tabs are pinned, saying why, but still allows unpinning`, async () => {
    const { w, prefs } = mountOpen(MAX_PINNED_TABS + 1);
    for (const r of runs.slice(0, MAX_PINNED_TABS)) await pinOf(w, r.ticker).trigger('click');
    expect(prefs.pinnedRunIds).toHaveLength(MAX_PINNED_TABS);
    const last = runs[MAX_PINNED_TABS]!.ticker;
    expect(pinOf(w, last).attributes('disabled')).toBeDefined();
    expect(pinOf(w, last).attributes('title')).toBe(`At most ${MAX_PINNED_TABS} tabs can be pinned`);
    await pinOf(w, 'AAA').trigger('click');
    expect(pinOf(w, last).attributes('disabled')).toBeUndefined();
    w.unmount();
  });

  it('keeps arrow-key navigation between the tabs, history included', async () => {
    const { w, prefs } = mountOpen(2);
    await w.get(`[role="tab"][data-run-id="${runs[0]!.run_id}"]`).trigger('keydown', { key: 'ArrowLeft' });
    expect(prefs.activeRunId).toBe(HISTORY_TAB);
    await w.vm.$nextTick();
    expect(document.activeElement?.textContent).toContain('History');
    w.unmount();
  });
});

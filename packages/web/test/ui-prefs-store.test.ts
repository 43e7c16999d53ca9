import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_FORM } from '../src/lib/run-form.js';
import { UI_PREFS_KEY, useUiPrefsStore } from '../src/stores/ui-prefs-store.js';

/** A new Pinia is what a page reload gives the stores; localStorage is what survives it. */
function reload() {
  setActivePinia(createPinia());
  return useUiPrefsStore();
}

beforeEach(() => localStorage.clear());

describe('ui prefs store', () => {
  it('remembers form collapse and draft, active run, open tabs, expansion, selection, filters and view', () => {
    const prefs = reload();
    prefs.formCollapsed = true;
    prefs.formDraft.tickers = 'ACME GLOBEX';
    prefs.activeRunId = 'ACME--2025-01-31_10.00.00--a1b2c3';
    prefs.openRun('ACME--2025-01-31_10.00.00--a1b2c3');
    prefs.setExpanded('ACME--2025-01-31_10.00.00--a1b2c3', 'analysts', false);
    prefs.selectNode('ACME--2025-01-31_10.00.00--a1b2c3', 'analysts.market.report');
    prefs.setLogFilter({ threshold: 'WARN', query: 'retry' });
    prefs.toggleSource('llm');
    prefs.view = 'metrics';

    const after = reload();
    expect(after.formCollapsed).toBe(true);
    expect(after.formDraft.tickers).toBe('ACME GLOBEX');
    expect(after.activeRunId).toBe('ACME--2025-01-31_10.00.00--a1b2c3');
    expect(after.openRunIds).toEqual(['ACME--2025-01-31_10.00.00--a1b2c3']);
    expect(after.isExpanded('ACME--2025-01-31_10.00.00--a1b2c3', 'analysts', true)).toBe(false);
    expect(after.isExpanded('ACME--2025-01-31_10.00.00--a1b2c3', 'trader', true)).toBe(true);
    expect(after.selectedNode['ACME--2025-01-31_10.00.00--a1b2c3']).toBe('analysts.market.report');
    expect(after.logFilter).toEqual({ threshold: 'WARN', hiddenSources: ['llm'], query: 'retry' });
    expect(after.view).toBe('metrics');
  });

  it('falls back to defaults for corrupt or ill-typed storage, keeping what is well-formed', () => {
    localStorage.setItem(UI_PREFS_KEY, '{not json');
    expect(reload().formCollapsed).toBe(false);
    localStorage.setItem(
      UI_PREFS_KEY,
      JSON.stringify({
        formCollapsed: 'yes',
        logFilter: { threshold: 'LOUD', query: 'x' },
        formDraft: { analysts: ['market', 'astrology'] },
      }),
    );
    const prefs = reload();
    expect(prefs.formCollapsed).toBe(false);
    expect(prefs.logFilter).toEqual({ threshold: 'INFO', hiddenSources: [], query: 'x' });
    expect(prefs.formDraft.analysts).toEqual(['market']);
  });

  it('drops ill-typed items of lists and records, keeping the well-formed ones', () => {
    localStorage.setItem(
      UI_PREFS_KEY,
      JSON.stringify({
        openRunIds: ['A', 7, 'B'],
        expanded: { A: { analysts: true, trader: 'no' }, B: 'x' },
        selectedNode: { A: 'analysts.market.report', B: 3 },
        activeRunId: 5,
        view: 'graphs',
        formDraft: 'not a form',
      }),
    );
    const prefs = reload();
    expect(prefs.openRunIds).toEqual(['A', 'B']);
    expect(prefs.expanded).toEqual({ A: { analysts: true }, B: {} });
    expect(prefs.selectedNode).toEqual({ A: 'analysts.market.report' });
    expect(prefs.activeRunId).toBeNull();
    expect(prefs.view).toBe('runs');
    expect(prefs.formDraft).toEqual(DEFAULT_RUN_FORM);
  });

  it('closing the active tab clears the active run', () => {
    const prefs = reload();
    prefs.openRun('A--2025-01-31_10.00.00--000001');
    prefs.activeRunId = 'A--2025-01-31_10.00.00--000001';
    prefs.closeRun('A--2025-01-31_10.00.00--000001');
    expect([prefs.openRunIds, prefs.activeRunId]).toEqual([[], null]);
  });
});

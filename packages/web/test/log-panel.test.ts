import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import LogPanel from '../src/components/logs/LogPanel.vue';
import { logEntry } from './support/fixtures.js';

const entries = [
  logEntry(1, { severity: 'DEBUG', source: 'llm', message: 'request sent' }),
  logEntry(2, { severity: 'INFO', source: 'tool', message: 'get_stock_data ACME' }),
  logEntry(3, { severity: 'WARN', source: 'llm', message: 'Retry after 429, retry 1' }),
  logEntry(4, { severity: 'ERROR', source: 'state', agent_id: null, message: 'phase failed' }),
];

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
const mountPanel = () =>
  mount(LogPanel, { props: { entries, downloadUrl: '/runs/X/logs/download', loading: false }, global: { plugins: [pinia] } });
const lines = (w: ReturnType<typeof mountPanel>) => w.findAll('[data-test="log-line"]').map((l) => l.find('.msg').text());

describe('LogPanel', () => {
  it('starts at the INFO threshold and offers the download link', () => {
    const w = mountPanel();
    expect(lines(w)).toEqual(['get_stock_data ACME', 'Retry after 429, retry 1', 'phase failed']);
    expect(w.get('a[download]').attributes('href')).toBe('/runs/X/logs/download');
    expect(w.text()).toContain('3 / 4 lines');
  });

  it('applies the severity threshold', async () => {
    const w = mountPanel();
    await w.get('#log-threshold').setValue('WARN');
    expect(lines(w)).toEqual(['Retry after 429, retry 1', 'phase failed']);
    await w.get('#log-threshold').setValue('TRACE');
    expect(lines(w)).toHaveLength(4);
  });

  it('switches sources off and on', async () => {
    const w = mountPanel();
    expect(w.findAll('[data-source]').map((c) => c.attributes('data-source'))).toEqual(['llm', 'state', 'tool']);
    await w.get('[data-source="llm"]').setValue(false);
    expect(lines(w)).toEqual(['get_stock_data ACME', 'phase failed']);
    await w.get('[data-source="llm"]').setValue(true);
    expect(lines(w)).toHaveLength(3);
  });

  it('filters by keyword and highlights every hit', async () => {
    const w = mountPanel();
    await w.get('#log-search').setValue('retry');
    expect(lines(w)).toEqual(['Retry after 429, retry 1']);
    expect(w.findAll('mark').map((m) => m.text())).toEqual(['Retry', 'retry']);
  });

  it('keeps the filters for the next page load', async () => {
    const w = mountPanel();
    await w.get('#log-threshold').setValue('ERROR');
    await w.get('#log-search').setValue('phase');
    w.unmount();
    pinia = createPinia();
    setActivePinia(pinia);
    const again = mountPanel();
    expect((again.get('#log-threshold').element as HTMLSelectElement).value).toBe('ERROR');
    expect((again.get('#log-search').element as HTMLInputElement).value).toBe('phase');
    expect(lines(again)).toEqual(['phase failed']);
  });
});

import type { RunSummary } from '@tradingfloor/shared';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import DecisionPanel from '../src/components/decision/DecisionPanel.vue';
import RunHeader from '../src/components/runs/RunHeader.vue';
import { useConfigStore } from '../src/stores/config-store.js';
import { DECISION, RUN_ID } from './support/fixtures.js';

const RUN: RunSummary = {
  run_id: RUN_ID,
  ticker: 'AAPL',
  trade_date: '2025-11-07',
  status: 'completed',
  overall_progress: 100,
  created_at: Date.UTC(2025, 10, 8),
  updated_at: Date.UTC(2025, 10, 8),
  current_phase: null,
  provider: 'offline',
  error: null,
  action: 'BUY',
  results_path: '',
};
const ALL = (vendor: string) => ({ prices: vendor, fundamentals: vendor, news: vendor, instrument: vendor });

let pinia: ReturnType<typeof createPinia>;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  // A server with csv files and the demo market: its own label mentions both.
  const config = useConfigStore();
  config.data = {
    vendor: 'csv+demo',
    label: 'real market data (csv files from DATA_DIR), then demo market — generated, fictional companies; not market data',
    first_date: '2015-01-02',
    last_date: '2026-12-04',
    tickers: ['AAPL', 'ACME'],
  };
  config.dataVendors = [
    { name: 'csv', label: 'real market data (csv files from DATA_DIR)', configured: true, detail: '' },
    { name: 'demo', label: 'demo market (generated, fictional companies; not market data)', configured: true, detail: '' },
  ];
});

const header = (dataSources: Record<string, string>, run: Partial<RunSummary> = {}) =>
  mount(RunHeader, { props: { run: { ...RUN, ...run }, currentPhase: null, dataSources }, global: { plugins: [pinia] } });

describe('a run’s data label', () => {
  it('calls a run on real data real: no "not market data" banner, no "csv+demo" chip', () => {
    const w = header(ALL('csv'));
    const badge = w.get('[data-test="data-label"]');
    expect(badge.text()).toBe('real market data (csv files from DATA_DIR)');
    expect(badge.classes()).not.toContain('badge-demo');
    expect(w.text()).not.toMatch(/not market data|csv\+demo/);
    expect(w.get('[data-test="data-sources"]').text()).toContain('prices: csv');
  });

  it('warns only for a run that used the demo market', () => {
    const w = header(ALL('demo'), { ticker: 'ACME' });
    const badge = w.get('[data-test="data-label"]');
    expect(badge.text()).toMatch(/not market data/);
    expect(badge.classes()).toContain('badge-demo');
  });

  it('says nothing it does not know: a run without a recorded source on a mixed server has no data label', () => {
    expect(header({}).find('[data-test="data-label"]').exists()).toBe(false);
  });
});

describe('the decision panel', () => {
  it('shows the position size when the decision states one', () => {
    const w = mount(DecisionPanel, { props: { decision: { ...DECISION, position_size: 0.67 } } });
    expect(w.get('[data-test="position-size"]').text()).toBe('Size 67% of full');
    const none = mount(DecisionPanel, { props: { decision: { ...DECISION, position_size: null } } });
    expect(none.find('[data-test="position-size"]').exists()).toBe(false);
  });

  it('renders the raw decision text as sanitized markdown itself (the live stream carries no HTML)', () => {
    const raw_text = 'FINAL: **BUY** <img src=x onerror="alert(1)"> [go](javascript:alert(2))';
    const w = mount(DecisionPanel, { props: { decision: { ...DECISION, raw_text } } });
    const html = w.get('details.raw').html();
    expect(html).toContain('<strong>BUY</strong>');
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
  });
});

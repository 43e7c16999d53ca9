import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BacktestForm from '../src/components/backtests/BacktestForm.vue';
import BacktestGrid from '../src/components/backtests/BacktestGrid.vue';
import BacktestHeader from '../src/components/backtests/BacktestHeader.vue';
import BacktestResults from '../src/components/backtests/BacktestResults.vue';
import { checkBacktestForm, DEFAULT_BACKTEST_FORM } from '../src/lib/backtest-form.js';
import { useBacktestsStore } from '../src/stores/backtests-store.js';
import { useConfigStore } from '../src/stores/config-store.js';
import { BT_ID, btMetrics, btSummary, btView, cell, DATES, decided, equityRows, tradeRows } from './support/backtest-fixtures.js';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

const PROVIDERS = {
  providers: [
    {
      name: 'offline',
      label: 'Offline model (rule-based, not an LLM)',
      configured: true,
      quick_models: ['offline'],
      deep_models: ['offline'],
      default_quick: 'offline',
      default_deep: 'offline',
    },
  ],
  data: { vendor: 'demo', label: 'Demo data', first_date: '2024-01-02', last_date: '2025-01-31', tickers: ['ACME', 'GLOBEX'] },
};

let server: FakeServer;
let pinia: ReturnType<typeof freshStores>;
let posted: unknown[];
let answer: { status: number; body: unknown };

beforeEach(async () => {
  posted = [];
  answer = { status: 202, body: { backtest_id: BT_ID, status: 'running' } };
  server = await startFakeServer({
    'GET /config/providers': () => ({ status: 200, body: PROVIDERS }),
    'POST /backtests': (_req, body) => {
      posted.push(JSON.parse(body));
      return answer;
    },
    'GET /backtests': () => ({ status: 200, body: { backtests: [btSummary()] } }),
    [`GET /backtests/${BT_ID}`]: () => ({ status: 200, body: btView(btSummary(), [cell('ACME', DATES[0]!)]) }),
  });
  pinia = freshStores(server);
  await useConfigStore().load();
});
afterEach(async () => server.close());

describe('checkBacktestForm', () => {
  const draft = { ...DEFAULT_BACKTEST_FORM, tickers: 'acme globex', from: '2025-01-02', to: '2025-01-20' };
  const range = { first_date: '2024-01-02', last_date: '2025-01-31' };

  it('builds the body the server expects from a good draft', () => {
    expect(checkBacktestForm(draft, range).request).toMatchObject({
      tickers: ['ACME', 'GLOBEX'],
      from: '2025-01-02',
      mode: 'signal',
      offline_latency_ms: 0,
    });
  });

  it('names each problem as the server would: bad ticker, from after to, outside the data, out-of-range numbers', () => {
    const bad = checkBacktestForm(
      { ...draft, tickers: 'ACME, A$B', from: '2025-01-20', to: '2025-01-02', every: 0, slippage_bps: 2000, risk_free_rate: 3 },
      range,
    );
    expect(bad.request).toBeNull();
    expect(bad.errors.tickers).toMatch(/^A\$B: /);
    expect(bad.errors.to).toBe('must not be before from (2025-01-20)');
    expect(Object.keys(bad.errors).sort()).toEqual(['every', 'risk_free_rate', 'slippage_bps', 'tickers', 'to']);
    expect(checkBacktestForm({ ...draft, to: '2025-03-01' }, range).errors.to).toBe('the data ends on 2025-01-31');
    expect(checkBacktestForm({ ...draft, from: '2023-12-01' }, range).errors.from).toBe('the data starts on 2024-01-02');
    expect(checkBacktestForm({ ...draft, tickers: ' ' }, range).errors.tickers).toMatch(/at least one ticker/);
  });
});

describe('BacktestForm', () => {
  const mountForm = () => mount(BacktestForm, { global: { plugins: [pinia] } });

  it('defaults the window to the end of the data, posts nothing while invalid, then the checked body', async () => {
    const w = mountForm();
    expect((w.get('#bt-to').element as HTMLInputElement).value).toBe('2025-01-31');
    expect((w.get('#bt-from').element as HTMLInputElement).value).toBe('2025-01-17');
    await w.get('form').trigger('submit');
    expect(posted).toEqual([]);
    expect(w.text()).toContain('enter at least one ticker');
    await w.get('#bt-every').setValue('0');
    expect(w.get('#bt-every').attributes('aria-invalid')).toBe('true'); // checked as typed
    await w.get('#bt-tickers').setValue('ACME, GLOBEX');
    await w.get('#bt-every').setValue('2');
    await w.get('#bt-short').setValue(true);
    await w.get('form').trigger('submit');
    const store = useBacktestsStore();
    await until(() => !store.starting && store.view !== null);
    expect(posted).toEqual([
      expect.objectContaining({
        tickers: ['ACME', 'GLOBEX'],
        from: '2025-01-17',
        to: '2025-01-31',
        every: 2,
        allow_short: true,
        mode: 'signal',
      }),
    ]);
  });

  it("shows the server's {error} when the backtest is refused", async () => {
    answer = { status: 400, body: { error: 'ACME: 2025-01-17 → 2025-01-31 holds 1 trading day(s); a backtest needs at least 2' } };
    const w = mountForm();
    await w.get('#bt-tickers').setValue('ACME');
    await w.get('form').trigger('submit');
    const store = useBacktestsStore();
    await until(() => store.startError !== null);
    await w.vm.$nextTick();
    expect(w.get('[data-test="backtest-start-error"]').text()).toContain('a backtest needs at least 2');
  });
});

describe('BacktestGrid', () => {
  it('draws a cell per ticker and date, toned by status or action, and opens a decided cell’s run', async () => {
    const cells = [
      decided('ACME', DATES[0]!, 'BUY'),
      cell('ACME', DATES[1]!, { status: 'in_progress', run_id: 'ACME--x' }),
      decided('GLOBEX', DATES[0]!, 'SELL'),
      cell('GLOBEX', DATES[1]!, { status: 'error', error: 'boom' }),
    ];
    const w = mount(BacktestGrid, { props: { cells, tickers: ['ACME', 'GLOBEX'] } });
    expect(w.findAll('thead th.date').map((t) => t.attributes('title'))).toEqual([DATES[0], DATES[1]]);
    const buy = w.get(`[data-cell="ACME|${DATES[0]}"]`);
    expect(buy.classes()).toContain('action-buy');
    expect(buy.text()).toBe('B');
    expect(w.get(`[data-cell="GLOBEX|${DATES[0]}"]`).classes()).toContain('action-sell');
    expect(w.get(`[data-cell="ACME|${DATES[1]}"]`).classes()).toContain('status-in_progress');
    const failed = w.get(`[data-cell="GLOBEX|${DATES[1]}"]`);
    expect(failed.attributes('aria-label')).toBe(`GLOBEX ${DATES[1]}: error — boom`);
    expect(failed.attributes('aria-disabled')).toBe('true'); // no run to open
    await failed.trigger('click');
    expect(w.emitted('open')).toBeUndefined();
    await buy.trigger('click');
    expect(w.emitted('open')).toEqual([[cells[0]!.run_id]]);
  });

  it('is one Tab stop; the arrows, Home and End move the focus between cells, Enter opens the focused run', async () => {
    const cells = [
      decided('ACME', DATES[0]!, 'BUY'),
      decided('ACME', DATES[1]!, 'HOLD'),
      decided('ACME', DATES[2]!, 'SELL'),
      decided('GLOBEX', DATES[0]!, 'SELL'),
      cell('GLOBEX', DATES[2]!, { status: 'queued' }),
    ];
    const w = mount(BacktestGrid, { props: { cells, tickers: ['ACME', 'GLOBEX'] }, attachTo: document.body });
    const stops = () => w.findAll('[data-cell]').filter((c) => c.attributes('tabindex') === '0').map((c) => c.attributes('data-cell'));
    const focused = () => (document.activeElement as HTMLElement | null)?.dataset.cell;
    const press = async (key: string, init: KeyboardEventInit = {}) => {
      (document.activeElement as HTMLElement).dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
      await w.vm.$nextTick();
      await w.vm.$nextTick();
    };
    expect(w.get('table').attributes('role')).toBe('grid');
    expect(stops()).toEqual([`ACME|${DATES[0]}`]);
    (w.get(`[data-cell="ACME|${DATES[0]}"]`).element as HTMLElement).focus();
    await press('ArrowRight');
    expect(focused()).toBe(`ACME|${DATES[1]}`);
    expect(stops()).toEqual([`ACME|${DATES[1]}`]);
    await press('End');
    expect(focused()).toBe(`ACME|${DATES[2]}`);
    // Down to a queued cell (no run yet): focusable, not openable.
    await press('ArrowDown');
    expect(focused()).toBe(`GLOBEX|${DATES[2]}`);
    // GLOBEX has no cell on the middle date: Left passes over the hole.
    await press('ArrowLeft');
    expect(focused()).toBe(`GLOBEX|${DATES[0]}`);
    await press('Home', { ctrlKey: true });
    expect(focused()).toBe(`ACME|${DATES[0]}`);
    await press('ArrowDown');
    expect(stops()).toEqual([`GLOBEX|${DATES[0]}`]);
    // Enter on a button is its click: the focused cell's run opens.
    (document.activeElement as HTMLElement).click();
    expect(w.emitted('open')).toEqual([[cells[3]!.run_id]]);
    // A live update keeps the Tab stop where it was.
    await w.setProps({ cells: [...cells, decided('ACME', '2025-01-30', 'BUY')] });
    expect(stops()).toEqual([`GLOBEX|${DATES[0]}`]);
    w.unmount();
  });
});

describe('BacktestHeader', () => {
  it('offers cancel while running and resume once interrupted', async () => {
    const w = mount(BacktestHeader, {
      props: { summary: btSummary({ progress: { total: 6, done: 2, failed: 1, running: 1, percent: 33 } }), acting: false, error: null },
    });
    expect(w.get('[data-test="backtest-progress"]').text()).toBe('2/6 cells done · 1 running · 1 failed');
    await w.get('button.btn-danger').trigger('click');
    expect(w.emitted('cancel')).toHaveLength(1);
    await w.setProps({ summary: btSummary({ status: 'interrupted' }) });
    expect(w.find('button.btn-danger').exists()).toBe(false);
    await w.get('button').trigger('click');
    expect(w.emitted('resume')).toHaveLength(1);
  });
});

describe('BacktestResults', () => {
  it('shows the metrics of the portfolio, the strategy first, then of one ticker, and the trades of the chosen series', async () => {
    const w = mount(BacktestResults, {
      props: { metrics: btMetrics(), equity: equityRows(), trades: tradeRows(), tickers: ['ACME', 'GLOBEX'] },
    });
    const rows = () =>
      w.findAll('[data-test="backtest-metrics"] tbody tr').map((r) => [r.attributes('data-series'), r.findAll('td')[0]!.text()]);
    expect(rows()).toEqual([
      ['strategy', '1.23 %'],
      ['buy_and_hold', '-4.56 %'],
    ]);
    expect(w.findAll('[data-test="backtest-trades"] tbody tr')).toHaveLength(2);
    await w
      .findAll('.pick button')
      .find((b) => b.text() === 'ACME')!
      .trigger('click');
    expect(rows()[0]).toEqual(['strategy', '7.89 %']);
    expect(w.findAll('[data-test="backtest-trades"] tbody tr').map((r) => r.findAll('td')[1]!.text())).toEqual(['ACME']);
    await w.get('[data-test="trades-series"]').setValue('buy_and_hold');
    expect(w.findAll('[data-test="backtest-trades"] tbody tr td:nth-child(4)').map((c) => c.text())).toEqual(['20']);
    expect(w.text()).toContain('Equity — ACME');
  });
});

import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import RunForm from '../src/components/form/RunForm.vue';
import { useConfigStore } from '../src/stores/config-store.js';
import { useRunsStore } from '../src/stores/runs-store.js';
import { useUiPrefsStore } from '../src/stores/ui-prefs-store.js';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { freshStores } from './support/test-transport.js';

/** More real tickers than the eight the form used to offer. */
const REAL = ['AAPL', 'AMD', 'AMZN', 'GOOGL', 'JPM', 'META', 'MSFT', 'NFLX', 'NVDA', 'SPY', 'TSLA'];

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
    {
      name: 'openai',
      label: 'OpenAI',
      configured: false,
      quick_models: ['gpt-4o-mini'],
      deep_models: ['gpt-4o'],
      default_quick: 'gpt-4o-mini',
      default_deep: 'gpt-4o',
    },
  ],
  data: {
    vendor: 'demo',
    label: 'Demo data (generated, not market data)',
    first_date: '2024-01-02',
    last_date: '2025-01-31',
    tickers: ['ACME', 'GLOBEX', 'INITECH', ...REAL],
    instruments: [
      ...REAL.map((ticker) => ({ ticker, first_date: '2024-01-02', last_date: '2024-11-07', demo: false })),
      ...['ACME', 'GLOBEX', 'INITECH'].map((ticker) => ({ ticker, first_date: '2024-01-02', last_date: '2025-01-31', demo: true })),
    ],
  },
};

let server: FakeServer;
let pinia: ReturnType<typeof freshStores>;
let posted: unknown[];
/** What `POST /start-multi` answers; a test may swap in a refusal. */
let startAnswer: { status: number; body: unknown };

beforeEach(async () => {
  posted = [];
  startAnswer = { status: 202, body: { runs: [{ run_id: 'ACME--2025-01-31_10.00.00--000001', ticker: 'ACME' }], count: 1 } };
  server = await startFakeServer({
    'GET /config/providers': () => ({ status: 200, body: PROVIDERS }),
    'POST /start-multi': (_req, body) => {
      posted.push(JSON.parse(body));
      return startAnswer;
    },
    'GET /runs': () => ({ status: 200, body: { runs: [] } }),
  });
  pinia = freshStores(server);
  await useConfigStore().load();
});
afterEach(async () => server.close());

const mountForm = () => mount(RunForm, { global: { plugins: [pinia] } });

describe('RunForm', () => {
  it('shows the reason for each bad ticker as the user types, and chips for the good ones', async () => {
    const w = mountForm();
    await w.get('#tickers').setValue('acme, A$B 12345, BRK.B.C');
    const errors = w.findAll('[data-test="ticker-error"]').map((e) => e.text());
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^A\$B: .*contains "\$"/);
    expect(errors[1]).toMatch(/^12345: .*not a number/);
    expect(errors[2]).toMatch(/^BRK\.B\.C: .*more than one/);
    expect(w.findAll('.chip').map((c) => c.text())).toEqual(['ACME']);
    expect(w.get('#tickers').attributes('aria-invalid')).toBe('true');
  });

  it('defaults the trade date to the last date of the data and labels the offline model', () => {
    const w = mountForm();
    expect((w.get('#trade-date').element as HTMLInputElement).value).toBe('2025-01-31');
    expect(w.get('#provider').text()).toContain('Offline model (rule-based, not an LLM)');
    expect(w.get('#provider option[value="openai"]').attributes('disabled')).toBeDefined();
  });

  it('posts nothing while input is invalid, and the shared-schema body once fixed; then folds away', async () => {
    const w = mountForm();
    await w.get('#tickers').setValue('ACME, $$$');
    await w.get('form').trigger('submit');
    expect(posted).toEqual([]);
    await w.get('#debate-rounds').setValue('0');
    expect(w.text()).toContain('at least 1 round');
    await w.get('#debate-rounds').setValue('2');
    await w.get('#tickers').setValue('ACME');
    await w.get('form').trigger('submit');
    await new Promise<void>((resolve) => {
      const prefs = useUiPrefsStore();
      if (prefs.formCollapsed) resolve();
      else prefs.$subscribe(() => prefs.formCollapsed && resolve());
    });
    expect(posted).toEqual([
      expect.objectContaining({
        company_symbols: 'ACME',
        trade_date: '2025-01-31',
        max_debate_rounds: 2,
        llm_provider: 'offline',
        offline_latency_ms: 200,
      }),
    ]);
    // The default multitask mode is the server's too: it is not sent.
    expect(posted[0]).not.toHaveProperty('multitask');
    await w.vm.$nextTick();
    expect(w.get('#run-form-body').attributes('style')).toContain('display: none');
    expect(w.get('button[aria-controls="run-form-body"]').attributes('aria-expanded')).toBe('false');
    await useRunsStore().refresh(); // joins the list reload the start triggered
  });

  it('offers every ticker with data in a searchable list that adds and removes it', async () => {
    const w = mountForm();
    const options = () => w.findAll('[data-test="ticker-option"]').map((o) => o.text());
    expect(options()).toHaveLength(14);
    expect(w.text()).toContain('Available (14)');
    expect(options().filter((o) => o.endsWith('demo'))).toEqual(['+ ACME demo', '+ GLOBEX demo', '+ INITECH demo']);
    await w.get('#ticker-search').setValue('ts');
    expect(options()).toEqual(['+ TSLA']);
    await w.get('[data-test="ticker-option"]').trigger('click');
    expect((w.get('#tickers').element as HTMLInputElement).value).toBe('TSLA');
    expect(w.get('[data-test="ticker-option"]').attributes('aria-pressed')).toBe('true');
    await w.get('[data-test="ticker-option"]').trigger('click');
    expect((w.get('#tickers').element as HTMLInputElement).value).toBe('');
  });

  it('defaults the date to the latest date every chosen ticker covers, until the user picks one', async () => {
    const w = mountForm();
    const date = () => (w.get('#trade-date').element as HTMLInputElement).value;
    await w.get('#tickers').setValue('ACME');
    expect(date()).toBe('2025-01-31');
    await w.get('#tickers').setValue('ACME, AAPL');
    expect(date()).toBe('2024-11-07');
    expect(w.get('[data-test="date-range"]').text()).toBe('Data of ACME, AAPL: 2024-01-02 → 2024-11-07');
    await w.get('#trade-date').setValue('2024-06-03');
    await w.get('#tickers').setValue('ACME');
    expect(date()).toBe('2024-06-03');
    await w.get('#tickers').setValue('ACME, AAPL');
    await w.get('#trade-date').setValue('2025-01-10');
    expect(w.text()).toContain('the data of ACME, AAPL ends on 2024-11-07');
  });

  it('refuses a ticker the server has no data for, naming it, and posts nothing', async () => {
    const w = mountForm();
    await w.get('#tickers').setValue('ACME, ZZZZ');
    expect(w.findAll('[data-test="ticker-error"]').map((e) => e.text())).toEqual(['ZZZZ: the server has no market data for it']);
    await w.get('form').trigger('submit');
    expect(posted).toEqual([]);
  });

  it('sends the chosen multitask mode, and shows the server’s 409 for a refused duplicate as the form’s error', async () => {
    const refusal = 'ACME on 2025-01-31 is already being analysed by run ACME--2025-01-31_09.00.00--000001; multitask "reject" refuses a second run';
    startAnswer = { status: 409, body: { error: refusal } };
    const w = mountForm();
    const select = w.get('#multitask');
    expect(w.get('label[for="multitask"]').text()).toBe('If already being analysed');
    expect((select.element as HTMLSelectElement).value).toBe('allow');
    expect(select.findAll('option').map((o) => o.attributes('value'))).toEqual(['allow', 'reject', 'enqueue']);
    await select.setValue('reject');
    await w.get('#tickers').setValue('ACME');
    await w.get('form').trigger('submit');
    const runs = useRunsStore();
    await new Promise<void>((resolve) => {
      if (runs.startError) resolve();
      else runs.$subscribe(() => runs.startError && resolve());
    });
    expect(posted).toEqual([expect.objectContaining({ company_symbols: 'ACME', multitask: 'reject' })]);
    await w.vm.$nextTick();
    expect(w.get('.form-actions [role="alert"]').text()).toBe(refusal);
    // Refused: nothing started, the form stays open to change the choice.
    expect(useUiPrefsStore().formCollapsed).toBe(false);
    expect(runs.tabRuns).toEqual([]);
  });
});

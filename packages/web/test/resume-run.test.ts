import type { RunSummary } from '@tradingfloor/shared';
import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import HistoryTable from '../src/components/runs/HistoryTable.vue';
import { useRunsStore } from '../src/stores/runs-store.js';
import { useUiPrefsStore } from '../src/stores/ui-prefs-store.js';
import { startFakeServer, type FakeServer, type Route } from './support/fake-server.js';
import { RUN_ID } from './support/fixtures.js';
import { freshStores } from './support/test-transport.js';
import { until } from './support/until.js';

const interrupted: RunSummary = {
  run_id: RUN_ID,
  ticker: 'ACME',
  trade_date: '2025-01-31',
  status: 'interrupted',
  overall_progress: 40,
  created_at: Date.UTC(2025, 0, 31, 10),
  updated_at: Date.UTC(2025, 0, 31, 10),
  current_phase: 'research_debate',
  provider: 'offline',
  error: null,
  action: null,
  results_path: '',
};

let server: FakeServer;
let resumeAnswer: ReturnType<Route>;
let pinia: ReturnType<typeof createPinia>;

beforeEach(async () => {
  server = await startFakeServer({
    'GET /runs': () => ({ status: 200, body: { runs: [interrupted] } }),
    [`POST /runs/${RUN_ID}/resume`]: () => resumeAnswer,
  });
  pinia = freshStores(server);
});
afterEach(async () => {
  await server.close();
});

describe('resuming an interrupted run', () => {
  it('an interrupted run waits on the board and in history; Resume posts, the run becomes active, gets a tab and focus', async () => {
    resumeAnswer = { status: 202, body: { run_id: RUN_ID, status: 'in_progress' } };
    const runs = useRunsStore();
    await runs.refresh();
    expect(runs.tabRuns).toEqual([]);
    const table = mount(HistoryTable, { props: { runs: runs.historyRuns }, global: { plugins: [pinia] } });
    expect(table.text()).toContain('the server stopped before it finished');
    await table.get('button[aria-label="Resume the ACME run"]').trigger('click');
    await until(() => runs.runs[RUN_ID]?.status === 'in_progress');
    await runs.refresh(); // the reload the resume started, so nothing is in flight when the server stops
    expect(server.requests.some((r) => r.method === 'POST' && r.path === `/runs/${RUN_ID}/resume`)).toBe(true);
    expect(useUiPrefsStore().activeRunId).toBe(RUN_ID);
    expect(runs.tabRuns.map((r) => r.run_id)).toEqual([RUN_ID]);
  });

  it('a refusal is shown next to the button, in plain words', async () => {
    resumeAnswer = { status: 409, body: { error: `run ${RUN_ID} is completed; only an interrupted run can be resumed` } };
    const runs = useRunsStore();
    await runs.refresh();
    const table = mount(HistoryTable, { props: { runs: runs.historyRuns }, global: { plugins: [pinia] } });
    await table.get('button[aria-label="Resume the ACME run"]').trigger('click');
    await until(() => runs.resumeErrors[RUN_ID] !== undefined);
    await nextTick();
    expect(table.get('[data-test="resume-error"]').text()).toBe(`Cannot resume: run ${RUN_ID} is completed; only an interrupted run can be resumed`);
    expect(runs.runs[RUN_ID]?.status).toBe('interrupted');
  });
});

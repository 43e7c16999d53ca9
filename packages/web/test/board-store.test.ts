import type { RunSummary } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOARD_PREFS_KEY, useBoardStore } from '../src/stores/board-store.js';
import { useRunsStore } from '../src/stores/runs-store.js';
import { MAX_OPEN_TABS, useUiPrefsStore } from '../src/stores/ui-prefs-store.js';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { freshStores } from './support/test-transport.js';

const summary = (ticker: string, minute: number, fields: Partial<RunSummary> = {}): RunSummary => ({
  run_id: `${ticker}--2025-01-31_10.${String(minute).padStart(2, '0')}.00--abcdef`,
  ticker,
  trade_date: '2025-01-31',
  status: 'completed',
  overall_progress: 100,
  created_at: Date.UTC(2025, 0, 31, 10, minute),
  updated_at: Date.UTC(2025, 0, 31, 10, minute, 30),
  current_phase: null,
  provider: 'offline',
  error: null,
  action: 'HOLD',
  results_path: '',
  ...fields,
});

const decision = (ticker: string, action: 'BUY' | 'HOLD', confidence: number) => ({
  version: 1,
  ticker,
  trade_date: '2025-01-31',
  rating: action === 'BUY' ? 'Buy' : 'Hold',
  action,
  position_action: 'none',
  summary: 's',
  confidence,
  confidence_basis: 'stated',
  rationale: ['momentum turned'],
  risk_metrics: { entry_price: 10, stop_loss: 9, take_profit: 12, reward_risk: 2 },
  notes: [],
  raw_text: 'x',
});

let server: FakeServer;
let listed: RunSummary[];
const older = summary('ACME', 1, { action: 'HOLD' });
const newer = summary('ACME', 5, { action: 'BUY', batch_id: 'b2' });
const live = summary('GLOBEX', 6, { status: 'in_progress', action: null, overall_progress: 40, batch_id: 'b2' });

beforeEach(async () => {
  listed = [older, newer, live];
  server = await startFakeServer({
    'GET /runs': () => ({ status: 200, body: { runs: listed } }),
    [`GET /runs/${older.run_id}/decision`]: () => ({
      status: 200,
      body: { run_id: older.run_id, decision: decision('ACME', 'HOLD', 0.62) },
    }),
    [`GET /runs/${newer.run_id}/decision`]: () => ({
      status: 200,
      body: { run_id: newer.run_id, decision: decision('ACME', 'BUY', 0.71) },
    }),
    [`POST /runs/${live.run_id}/cancel`]: () => ({ status: 202, body: { run_id: live.run_id, status: 'canceled' } }),
  });
  freshStores(server);
  await useRunsStore().refresh();
});
afterEach(async () => {
  await server.close();
});

describe('board store', () => {
  it('sorts and filters the runs store, and remembers sort and filters', () => {
    const board = useBoardStore();
    expect(board.rows.map((r) => r.ticker)).toEqual(['GLOBEX', 'ACME', 'ACME']); // newest first by default
    board.sortBy('ticker');
    expect(board.sort).toEqual({ key: 'ticker', desc: false });
    board.toggleAction('BUY');
    expect(board.rows.map((r) => r.run_id)).toEqual([newer.run_id]);
    board.setFilter({ batch: 'b2' });
    expect(board.batches).toEqual(['b2']);
    return Promise.resolve().then(() => {
      const stored = JSON.parse(localStorage.getItem(BOARD_PREFS_KEY)!);
      expect(stored).toMatchObject({ sort: { key: 'ticker', desc: false }, filter: { action: ['BUY'], batch: 'b2' } });
    });
  });

  it('selects, cancels only the active ones, opens tabs and compares with decisions loaded', async () => {
    const board = useBoardStore();
    const prefs = useUiPrefsStore();
    board.toggleAllVisible();
    expect(board.selectedRuns).toHaveLength(3);
    await board.cancelSelected();
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([`/runs/${live.run_id}/cancel`]);
    board.openInTabs([older.run_id, newer.run_id]);
    expect(prefs.openRunIds).toEqual([older.run_id, newer.run_id]);
    expect(prefs.view).toBe('runs');
    board.compare([older.run_id, newer.run_id]);
    await board.loadDecisions([older.run_id, newer.run_id]);
    expect(board.decisions[newer.run_id]?.confidence).toBe(0.71);
    expect(board.previousRunOf(newer)?.run_id).toBe(older.run_id);
    expect(board.previousRunOf(older)).toBeNull();
  });

  it('keeps tabs bounded: the oldest unpinned, inactive tab closes first', () => {
    const prefs = useUiPrefsStore();
    expect(prefs.togglePin('PINNED')).toBe(true);
    for (let i = 0; i < MAX_OPEN_TABS + 3; i++) prefs.openRun(`R${i}`);
    expect(prefs.openRunIds).toHaveLength(MAX_OPEN_TABS);
    expect(prefs.openRunIds[0]).toBe('PINNED');
    expect(prefs.openRunIds.at(-1)).toBe(`R${MAX_OPEN_TABS + 2}`);
  });
});

import type { RunSortKey, RunSummary } from '@tradingfloor/shared';
import { runDuration } from './board-rows.js';
import { formatDuration, formatPercent, formatPrice } from './format.js';

/** One column of the board: header, width, the sort it stands for, and its text for a run. */
export interface BoardColumn {
  id: string;
  label: string;
  /** Header title (what the abbreviation means). */
  title?: string;
  width: number;
  sort?: RunSortKey;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** Plain-text cell; columns rendered specially (status, action) leave it out. */
  text?(run: RunSummary): string;
}

const dash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '–' : v);
const tokens = (n: number | undefined) => (n === undefined ? '–' : n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));
const cost = (c: number | null | undefined) => (c === undefined ? '–' : c === null ? 'n/a' : `$${c.toFixed(c < 1 ? 4 : 2)}`);

/** The board's columns after the selection box, in order. */
export const BOARD_COLUMNS: readonly BoardColumn[] = [
  { id: 'ticker', label: 'Ticker', width: 92, sort: 'ticker', text: (r) => r.ticker },
  { id: 'trade_date', label: 'Trade date', width: 100, sort: 'trade_date', text: (r) => dash(r.trade_date) },
  { id: 'status', label: 'Status', width: 190, sort: 'progress' },
  { id: 'action', label: 'Action', width: 70, sort: 'action' },
  { id: 'rating', label: 'Rating', width: 96, sort: 'rating', text: (r) => dash(r.rating) },
  {
    id: 'confidence',
    label: 'Conf.',
    title: 'Confidence',
    width: 64,
    sort: 'confidence',
    numeric: true,
    text: (r) => (r.confidence == null ? '–' : formatPercent(r.confidence)),
  },
  { id: 'entry', label: 'Entry', width: 74, numeric: true, text: (r) => formatPrice(r.entry_price) },
  { id: 'stop', label: 'Stop', title: 'Stop loss', width: 74, numeric: true, text: (r) => formatPrice(r.stop_loss) },
  { id: 'target', label: 'Target', title: 'Take profit', width: 74, numeric: true, text: (r) => formatPrice(r.take_profit) },
  {
    id: 'rr',
    label: 'R:R',
    title: 'Reward-to-risk',
    width: 58,
    sort: 'reward_risk',
    numeric: true,
    text: (r) => formatPrice(r.reward_risk, 1),
  },
  { id: 'position', label: 'Position', width: 110, text: (r) => dash(r.position_action?.replace(/_/g, ' ')) },
  { id: 'tokens', label: 'Tokens', width: 70, sort: 'tokens', numeric: true, text: (r) => tokens(r.tokens) },
  { id: 'cost', label: 'Cost', width: 74, sort: 'cost', numeric: true, text: (r) => cost(r.cost_usd) },
  {
    id: 'duration',
    label: 'Time',
    title: 'Duration',
    width: 72,
    sort: 'duration',
    numeric: true,
    text: (r) => formatDuration(runDuration(r)),
  },
  { id: 'model', label: 'Model', width: 150, text: (r) => (r.quick_model ? `${r.provider}: ${r.quick_model}` : dash(r.provider)) },
  { id: 'data', label: 'Data', width: 90, text: (r) => dash(r.data_source) },
  { id: 'batch', label: 'Batch', width: 170, text: (r) => dash(r.batch_id) },
  { id: 'backtest', label: 'Backtest', width: 110, text: (r) => dash(r.backtest_id) },
];

/** Width of the selection box column. */
const SELECT_COLUMN_WIDTH = 36;

/** `grid-template-columns` of every board line, so header and rows line up. */
export const BOARD_GRID_TEMPLATE = [SELECT_COLUMN_WIDTH, ...BOARD_COLUMNS.map((c) => c.width)].map((w) => `${w}px`).join(' ');
/** The whole line's width (the board scrolls sideways on narrow screens). */
export const BOARD_WIDTH = SELECT_COLUMN_WIDTH + BOARD_COLUMNS.reduce((sum, c) => sum + c.width, 0);

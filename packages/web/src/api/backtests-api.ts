import {
  BacktestListResponseSchema,
  BacktestStartResponseSchema,
  BacktestViewSchema,
  EquityRowSchema,
  TradeRowSchema,
  type BacktestRequestInput,
  type BacktestStatus,
  type BacktestSummary,
  type BacktestView,
  type EquityRow,
  type TradeRow,
} from '@tradingfloor/shared';
import type { HttpClient } from './http-client.js';

// The `{ backtest_id, status, rows }` bodies of `/equity` and `/trades`, built from the shared schemas (web has no zod of its own).
const EquityResponseSchema = BacktestStartResponseSchema.extend({ rows: EquityRowSchema.array() });
const TradesResponseSchema = BacktestStartResponseSchema.extend({ rows: TradeRowSchema.array() });

const path = (id: string, rest = '') => `/backtests/${encodeURIComponent(id)}${rest}`;

/** `GET /backtests`: every backtest the server knows, with status and progress. */
export async function listBacktests(http: HttpClient): Promise<BacktestSummary[]> {
  return (await http.request('GET', '/backtests', BacktestListResponseSchema)).backtests;
}

/** `POST /backtests` (202); a 400 becomes an `ApiError` naming every problem the server found. */
export function startBacktest(http: HttpClient, body: BacktestRequestInput): Promise<{ backtest_id: string; status: BacktestStatus }> {
  return http.request('POST', '/backtests', BacktestStartResponseSchema, body);
}

/** `GET /backtests/:id`: summary, config, every cell, and metrics once completed. */
export function getBacktest(http: HttpClient, id: string): Promise<BacktestView> {
  return http.request('GET', path(id), BacktestViewSchema);
}

/** `GET /backtests/:id/equity`: every series' daily equity and drawdown (empty until completed). */
export async function getBacktestEquity(http: HttpClient, id: string): Promise<EquityRow[]> {
  return (await http.request('GET', path(id, '/equity'), EquityResponseSchema)).rows;
}

/** `GET /backtests/:id/trades`: every fill of every series (empty until completed). */
export async function getBacktestTrades(http: HttpClient, id: string): Promise<TradeRow[]> {
  return (await http.request('GET', path(id, '/trades'), TradesResponseSchema)).rows;
}

/** `POST /backtests/:id/cancel` (202; 409 when it is not running). */
export async function cancelBacktest(http: HttpClient, id: string): Promise<BacktestStatus> {
  return (await http.request('POST', path(id, '/cancel'), BacktestStartResponseSchema)).status;
}

/** `POST /backtests/:id/resume` (202; 409 when it is running or completed). */
export async function resumeBacktest(http: HttpClient, id: string): Promise<BacktestStatus> {
  return (await http.request('POST', path(id, '/resume'), BacktestStartResponseSchema)).status;
}

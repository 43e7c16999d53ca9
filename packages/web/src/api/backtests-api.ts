import type { BacktestRequestInput, BacktestStatus, BacktestSummary, BacktestView, EquityRow, TradeRow } from '@tradingfloor/shared';
import type { HttpClient } from './http-client.js';

// Every call goes through the shared route table (`API_ROUTES`), so paths and response checks come from one place.

/** `GET /backtests`: every backtest the server knows, with status and progress. */
export async function listBacktests(http: HttpClient): Promise<BacktestSummary[]> {
  return (await http.call('listBacktests')).backtests;
}

/** `POST /backtests` (202); a 400 becomes an `ApiError` naming every problem the server found. */
export function startBacktest(http: HttpClient, body: BacktestRequestInput): Promise<{ backtest_id: string; status: BacktestStatus }> {
  return http.call('startBacktest', { body });
}

/** `GET /backtests/:id`: summary, config, every cell, and metrics once completed. */
export function getBacktest(http: HttpClient, id: string): Promise<BacktestView> {
  return http.call('backtest', { params: { id } });
}

/** `GET /backtests/:id/equity`: every series' daily equity and drawdown (empty until completed). */
export async function getBacktestEquity(http: HttpClient, id: string): Promise<EquityRow[]> {
  return (await http.call('backtestEquity', { params: { id } })).rows;
}

/** `GET /backtests/:id/trades`: every fill of every series (empty until completed). */
export async function getBacktestTrades(http: HttpClient, id: string): Promise<TradeRow[]> {
  return (await http.call('backtestTrades', { params: { id } })).rows;
}

/** `POST /backtests/:id/cancel` (202; 409 when it is not running). */
export async function cancelBacktest(http: HttpClient, id: string): Promise<BacktestStatus> {
  return (await http.call('cancelBacktest', { params: { id } })).status;
}

/** `POST /backtests/:id/resume` (202; 409 when it is running or completed). */
export async function resumeBacktest(http: HttpClient, id: string): Promise<BacktestStatus> {
  return (await http.call('resumeBacktest', { params: { id } })).status;
}

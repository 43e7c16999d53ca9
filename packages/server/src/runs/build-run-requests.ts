import { checkTicker, listProblems, RUN_OPTION_KEYS, ValidationError, type Position, type RunOptionsInput, type StartRunsBody } from '@tradingfloor/shared';
import type { RunRequest } from '@tradingfloor/engine';

/** Limits that apply to one start request. */
export interface StartLimits {
  maxTickers: number;
  /** False = single-run mode: exactly one symbol per request. */
  multiRun: boolean;
}

/** Every symbol the body names, from `company_symbols` (CSV or list) or the legacy single-symbol fields. */
function rawSymbols(body: StartRunsBody): string[] {
  const lists = [body.company_symbols, body.company_symbol, body.ticker].filter((v) => v !== undefined);
  return lists
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .flatMap((s) => s.split(/[\s,;]+/))
    .filter((s) => s !== '');
}

/** Checks every symbol, naming each bad one; duplicates are merged in order. */
function collectTickers(body: StartRunsBody, limits: StartLimits): string[] {
  const raw = rawSymbols(body);
  if (raw.length === 0) throw new ValidationError('no ticker given: set company_symbols (e.g. "AAPL,MSFT")');
  // A Set keeps the order and merges duplicates without an O(n²) scan of a long list.
  const tickers = new Set<string>();
  const bad: string[] = [];
  for (const symbol of raw) {
    const check = checkTicker(symbol);
    if (!check.ok) bad.push(check.reason);
    else tickers.add(check.ticker);
  }
  if (bad.length > 0) throw new ValidationError(`invalid ticker${bad.length > 1 ? 's' : ''}: ${listProblems(bad)}`);
  return checkCount([...tickers], limits);
}

function checkCount(tickers: string[], limits: StartLimits): string[] {
  if (!limits.multiRun && tickers.length > 1) {
    throw new ValidationError(
      `multi-run is disabled (ENABLE_MULTI_RUN=0): give one ticker, got ${tickers.length} (${listProblems(tickers, 10, ', ')})`,
    );
  }
  if (tickers.length > limits.maxTickers) {
    throw new ValidationError(
      `too many tickers: ${tickers.length} given, at most ${limits.maxTickers} per request (MAX_TICKERS_PER_REQUEST)`,
    );
  }
  return tickers;
}

/** The run options shared by the batch: every `RunOptionsSchema` field the body set (`analysis_date` accepted for `trade_date`). */
function runOptionsOf(body: StartRunsBody): RunOptionsInput {
  if (body.analysis_date !== undefined && body.trade_date !== undefined && body.analysis_date !== body.trade_date) {
    throw new ValidationError(`analysis_date (${body.analysis_date}) and trade_date (${body.trade_date}) disagree: give one of them`);
  }
  const options: Record<string, unknown> = {};
  for (const key of RUN_OPTION_KEYS) if (body[key] !== undefined) options[key] = body[key];
  if (body.analysis_date !== undefined) options.trade_date = body.analysis_date;
  return options as RunOptionsInput;
}

/** Positions keyed by symbol, re-keyed by normalised ticker; a symbol not in the request is an error. */
function positionsOf(body: StartRunsBody, tickers: string[]): Map<string, Position> {
  const positions = new Map<string, Position>();
  for (const [key, position] of Object.entries(body.instrument_positions ?? {})) {
    const check = checkTicker(key);
    if (!check.ok) throw new ValidationError(`instrument_positions: ${check.reason}`);
    if (!tickers.includes(check.ticker)) {
      throw new ValidationError(
        `instrument_positions names ${check.ticker}, which is not among the requested tickers (${tickers.join(', ')})`,
      );
    }
    positions.set(check.ticker, position);
  }
  return positions;
}

/**
 * Turns a parsed start body into one `RunRequest` per ticker. Throws `ValidationError` naming every bad
 * input before anything is started, so a request either starts all its runs or none.
 */
export function buildRunRequests(body: StartRunsBody, limits: StartLimits): RunRequest[] {
  const tickers = collectTickers(body, limits);
  const options = runOptionsOf(body);
  const positions = positionsOf(body, tickers);
  return tickers.map((ticker) => {
    const position = positions.get(ticker);
    const request: RunRequest = { ticker, options: { ...options } };
    if (position !== undefined) request.position = position;
    if (body.multitask !== undefined) request.multitask = body.multitask;
    return request;
  });
}

import { BacktestRequestSchema, parseTickerList, type BacktestRequestInput } from '@tradingfloor/shared';
import type { DataRange } from './run-form.js';

/** What the backtest form holds: numbers as typed, dates as `YYYY-MM-DD` (empty until chosen). */
export interface BacktestFormDraft {
  tickers: string;
  from: string;
  to: string;
  every: number;
  mode: 'signal' | 'portfolio';
  parallel: number;
  llm_provider: string;
  offline_latency_ms: number;
  memory: boolean;
  horizon: number;
  capital: number;
  cost_per_trade: number;
  slippage_bps: number;
  allow_short: boolean;
  risk_free_rate: number;
}

// The server's defaults (BacktestRequestSchema), so an untouched form asks for what the CLI would.
export const DEFAULT_BACKTEST_FORM: BacktestFormDraft = {
  tickers: '',
  from: '',
  to: '',
  every: 1,
  mode: 'signal',
  parallel: 3,
  llm_provider: 'offline',
  offline_latency_ms: 0,
  memory: false,
  horizon: 5,
  capital: 100_000,
  cost_per_trade: 1,
  slippage_bps: 0,
  allow_short: false,
  risk_free_rate: 0,
};

type BacktestFormField = keyof BacktestFormDraft;

/** The outcome of checking a draft: an error per field (first problem only) and the body to post, or null. */
export interface BacktestFormCheck {
  tickers: string[];
  errors: Partial<Record<BacktestFormField, string>>;
  request: BacktestRequestInput | null;
}

/**
 * Checks a draft as the server will (`BacktestRequestSchema`, ticker syntax, `from` ≤ `to`, both inside the
 * data); what only the server knows (a ticker's own data range, the provider's key) still comes back as `{error}`.
 */
export function checkBacktestForm(draft: BacktestFormDraft, range?: DataRange | null): BacktestFormCheck {
  const { tickers, errors: tickerErrors } = parseTickerList(draft.tickers);
  const errors: Partial<Record<BacktestFormField, string>> = {};
  if (tickerErrors[0]) errors.tickers = `${tickerErrors[0].input}: ${tickerErrors[0].reason}`;
  else if (tickers.length === 0) errors.tickers = 'enter at least one ticker, e.g. ACME, GLOBEX';
  const body: BacktestRequestInput = {
    tickers,
    from: draft.from.trim(),
    to: draft.to.trim(),
    every: draft.every,
    mode: draft.mode,
    parallel: draft.parallel,
    llm_provider: draft.llm_provider as BacktestRequestInput['llm_provider'],
    ...(draft.llm_provider === 'offline' ? { offline_latency_ms: draft.offline_latency_ms } : {}),
    memory: draft.memory,
    horizon: draft.horizon,
    capital: draft.capital,
    cost_per_trade: draft.cost_per_trade,
    slippage_bps: draft.slippage_bps,
    allow_short: draft.allow_short,
    risk_free_rate: draft.risk_free_rate,
  };
  const parsed = BacktestRequestSchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && field in draft && !(field in errors)) errors[field as BacktestFormField] = issue.message;
    }
  }
  if (!errors.from && !errors.to && body.from > body.to) errors.to = `must not be before from (${body.from})`;
  if (range) {
    if (!errors.from && body.from < range.first_date) errors.from = `the data starts on ${range.first_date}`;
    if (!errors.to && body.to > range.last_date) errors.to = `the data ends on ${range.last_date}`;
  }
  return { tickers, errors, request: Object.keys(errors).length === 0 ? body : null };
}

import { ANALYST_KINDS, parseTickerList, RunOptionsSchema, type AnalystKind, type InstrumentInfo, type Multitask } from '@tradingfloor/shared';
import type { StartRunsRequest } from '../api/http-client.js';

/** What the run form holds; persisted as typed so a reload brings it back. */
export interface RunFormDraft {
  tickers: string;
  /** Empty = the latest date the data covers. */
  trade_date: string;
  analysts: AnalystKind[];
  max_debate_rounds: number;
  max_risk_discuss_rounds: number;
  llm_provider: string;
  /** Empty = the provider's default model. */
  quick_think_llm: string;
  deep_think_llm: string;
  offline_latency_ms: number;
  /** What to do when the same ticker and date is already being analysed (docs/export.md); `allow` is the server's default. */
  multitask: Multitask;
}

export const DEFAULT_RUN_FORM: RunFormDraft = {
  tickers: '',
  trade_date: '',
  analysts: [...ANALYST_KINDS],
  max_debate_rounds: 1,
  max_risk_discuss_rounds: 1,
  llm_provider: 'offline',
  quick_think_llm: '',
  deep_think_llm: '',
  offline_latency_ms: 200,
  multitask: 'allow',
};

export type RunFormField = Exclude<keyof RunFormDraft, 'tickers'>;

/** The outcome of checking a draft: the tickers, a reason for each bad one, field errors, and the body to post. */
export interface RunFormCheck {
  tickers: string[];
  tickerErrors: Array<{ input: string; reason: string }>;
  /** A problem with the ticker list as a whole (e.g. empty). */
  tickersError: string | null;
  fieldErrors: Partial<Record<RunFormField, string>>;
  /** Null while anything is wrong. */
  request: StartRunsRequest | null;
}

/** The data's date range, when known, so the trade date can be checked before the server sees it. */
export interface DataRange {
  first_date: string;
  last_date: string;
  /** Whose range it is, for messages ("the data of AAPL, MSFT"); the whole data when absent. */
  of?: string;
}

/**
 * The dates every chosen ticker covers: the latest first date to the earliest last date. The whole data's
 * range while no ticker is chosen or one is not in `instruments` (unknown, or the server listed none).
 */
export function commonDataRange(tickers: readonly string[], instruments: readonly InstrumentInfo[] | null | undefined, whole: DataRange | null): DataRange | null {
  const chosen = tickers.map((t) => instruments?.find((i) => i.ticker === t));
  if (chosen.length === 0 || chosen.some((i) => i === undefined)) return whole;
  const known = chosen as InstrumentInfo[];
  return {
    first_date: known.map((i) => i.first_date).sort().at(-1)!,
    last_date: known.map((i) => i.last_date).sort()[0]!,
    of: `the data of ${known.map((i) => i.ticker).join(', ')}`,
  };
}

/**
 * Checks a draft with the shared ticker and run-option schemas, exactly as the server will; with the server's
 * `instruments`, a ticker it has no data for is refused too (the server would answer 400).
 */
export function checkRunForm(draft: RunFormDraft, range?: DataRange | null, instruments?: readonly InstrumentInfo[] | null): RunFormCheck {
  const parsed0 = parseTickerList(draft.tickers);
  const tickerErrors = [...parsed0.errors];
  let tickers = parsed0.tickers;
  if (instruments) {
    const missing = tickers.filter((t) => !instruments.some((i) => i.ticker === t));
    for (const t of missing) tickerErrors.push({ input: t, reason: 'the server has no market data for it' });
    tickers = tickers.filter((t) => !missing.includes(t));
  }
  const tickersError = tickers.length === 0 && tickerErrors.length === 0 ? 'enter at least one ticker, e.g. ACME, GLOBEX' : null;
  const fieldErrors: Partial<Record<RunFormField, string>> = {};
  const options = {
    trade_date: draft.trade_date.trim() === '' ? undefined : draft.trade_date.trim(),
    analysts: draft.analysts,
    max_debate_rounds: draft.max_debate_rounds,
    max_risk_discuss_rounds: draft.max_risk_discuss_rounds,
    llm_provider: draft.llm_provider,
    quick_think_llm: draft.quick_think_llm.trim() === '' ? undefined : draft.quick_think_llm.trim(),
    deep_think_llm: draft.deep_think_llm.trim() === '' ? undefined : draft.deep_think_llm.trim(),
    offline_latency_ms: draft.offline_latency_ms,
  };
  const parsed = RunOptionsSchema.safeParse(options);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && field in draft && !(field in fieldErrors)) fieldErrors[field as RunFormField] = issue.message;
    }
  }
  if (range && options.trade_date && !fieldErrors.trade_date) {
    const whose = range.of ?? 'the data';
    if (range.first_date > range.last_date) fieldErrors.trade_date = `${whose} share no dates`;
    else if (options.trade_date > range.last_date) fieldErrors.trade_date = `${whose} ends on ${range.last_date}`;
    else if (options.trade_date < range.first_date) fieldErrors.trade_date = `${whose} starts on ${range.first_date}`;
  }
  const ok = parsed.success && tickerErrors.length === 0 && tickersError === null && Object.keys(fieldErrors).length === 0;
  if (!ok) return { tickers, tickerErrors, tickersError, fieldErrors, request: null };
  const o = parsed.data;
  const request: StartRunsRequest = {
    company_symbols: tickers.join(','),
    analysts: o.analysts,
    max_debate_rounds: o.max_debate_rounds,
    max_risk_discuss_rounds: o.max_risk_discuss_rounds,
    llm_provider: o.llm_provider,
    ...(o.trade_date ? { trade_date: o.trade_date } : {}),
    ...(o.quick_think_llm ? { quick_think_llm: o.quick_think_llm } : {}),
    ...(o.deep_think_llm ? { deep_think_llm: o.deep_think_llm } : {}),
    ...(o.llm_provider === 'offline' ? { offline_latency_ms: o.offline_latency_ms } : {}),
    // Sent only when not the default, so a request reads as it did before the field existed.
    ...(draft.multitask !== 'allow' ? { multitask: draft.multitask } : {}),
  };
  return { tickers, tickerErrors, tickersError, fieldErrors, request };
}

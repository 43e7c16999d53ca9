import { z } from 'zod';
import { DataUnavailableError } from '@tradingfloor/shared';
import type { DataTool } from '../data-tool.js';
import type { FundamentalsSnapshot } from '../vendor.js';
import { defineTool, type ToolContext } from './define-tool.js';
import { round, windowStart } from './format.js';
import { deriveFundamentals } from './fundamentals-derived.js';

const Args = z.strictObject({});

/** How many filings before the latest one the answer carries. */
const HISTORY = 4;

function snapshotView(s: FundamentalsSnapshot) {
  return {
    form: s.form,
    fiscal_year: s.fiscal_year,
    fiscal_period: s.fiscal_period,
    period_end: s.period_end,
    // An estimated date is not a fact of the data: it is kept apart, so no one quotes it as the filing date.
    ...(s.filed_estimated ? { filed: null, filed_estimate: s.filed } : { filed: s.filed }),
    metrics: s.metrics,
  };
}

/** `get_fundamentals`: the latest filing visible on the trade date, up to four earlier ones, and derived ratios. */
export function fundamentalsTool(ctx: ToolContext): DataTool {
  return defineTool(ctx, {
    name: 'get_fundamentals',
    description:
      'Company filings (10-K annual / 10-Q quarterly) filed on or before the trade date: the latest with its metrics ' +
      '(revenue, net income, EPS, assets, liabilities, equity, cash, debt, cash flow, capex, shares…; USD, EPS in USD per share), ' +
      'up to four earlier filings, and derived ratios: net_margin and revenue_growth_yoy as fractions (0.12 = 12%), ' +
      'debt_to_equity, current_ratio, pe_ratio (last close over trailing EPS), eps_ttm, free_cash_flow (USD).',
    args: Args,
    async run(_args, { vendor, ticker, tradeDate, signal }) {
      const snapshots = await vendor.fundamentals(ticker, tradeDate, signal);
      if (snapshots.length === 0) throw new DataUnavailableError(`no ${ticker} filings filed on or before ${tradeDate} in this data set`);
      // A close from the last month is enough for P/E; an older one would mislead.
      const bars = await vendor.bars(ticker, { from: windowStart(tradeDate, 31), asOf: tradeDate }, signal);
      const lastClose = bars.at(-1)?.close ?? null;
      const { derived, notes } = deriveFundamentals(snapshots, lastClose);
      if (lastClose === null) notes.push(`pe_ratio is null: no close in the month up to ${tradeDate}`);
      if (snapshots.some((s) => s.filed_estimated))
        notes.push(
          'filed is null where the source has no filing date; filed_estimate is then the SEC filing deadline after the period end, ' +
            'the latest day the filing can have become public (an estimate, not the filing date)',
        );
      return {
        ticker,
        as_of: tradeDate,
        latest: snapshotView(snapshots[0]!),
        history: snapshots.slice(1, 1 + HISTORY).map(snapshotView),
        derived: Object.fromEntries(Object.entries(derived).map(([k, v]) => [k, round(v)])),
        ...(notes.length > 0 ? { notes } : {}),
      };
    },
  });
}

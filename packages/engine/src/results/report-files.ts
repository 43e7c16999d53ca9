import type { RunContext } from '../run/run-context.js';

/** The report files of `reports/`, in pipeline order (docs/architecture.md, "Results on disk"). */
export const REPORT_NAMES = [
  'market_report',
  'sentiment_report',
  'news_report',
  'fundamentals_report',
  'investment_plan',
  'trader_investment_plan',
  'final_trade_decision',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** The reports a run has produced so far, by file name (without `.md`). */
export function reportsOf(context: RunContext): Partial<Record<ReportName, string>> {
  const texts: Record<ReportName, string | null | undefined> = {
    market_report: context.reports.market,
    sentiment_report: context.reports.social,
    news_report: context.reports.news,
    fundamentals_report: context.reports.fundamentals,
    investment_plan: context.investmentPlan,
    trader_investment_plan: context.traderPlan,
    final_trade_decision: context.finalText,
  };
  const out: Partial<Record<ReportName, string>> = {};
  for (const name of REPORT_NAMES) {
    const text = texts[name];
    if (text) out[name] = text;
  }
  return out;
}

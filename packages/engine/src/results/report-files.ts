import type { RunContext } from '../run/run-context.js';
import { debateTranscript } from '../tree/derive-contents.js';

/**
 * The report files of `reports/`, in pipeline order (docs/architecture.md, "Results on disk"): the analyst
 * reports, each debater's transcript (every round they spoke), the plans and the final decision.
 */
export const REPORT_NAMES = [
  'market_report',
  'sentiment_report',
  'news_report',
  'fundamentals_report',
  'bull_researcher',
  'bear_researcher',
  'investment_plan',
  'trader_investment_plan',
  'aggressive_risk_analyst',
  'conservative_risk_analyst',
  'neutral_risk_analyst',
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
    bull_researcher: debateTranscript(context.researchDebate, 'bull_researcher'),
    bear_researcher: debateTranscript(context.researchDebate, 'bear_researcher'),
    investment_plan: context.investmentPlan,
    trader_investment_plan: context.traderPlan,
    aggressive_risk_analyst: debateTranscript(context.riskDebate, 'aggressive_analyst'),
    conservative_risk_analyst: debateTranscript(context.riskDebate, 'conservative_analyst'),
    neutral_risk_analyst: debateTranscript(context.riskDebate, 'neutral_analyst'),
    final_trade_decision: context.finalText,
  };
  const out: Partial<Record<ReportName, string>> = {};
  for (const name of REPORT_NAMES) {
    const text = texts[name];
    if (text) out[name] = text;
  }
  return out;
}

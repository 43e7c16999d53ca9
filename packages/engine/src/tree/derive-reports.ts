import type { RunContext } from '../machine/run-context.js';
import { REPORT_NAMES, type ReportName } from '../results/report-files.js';
import { debateTranscript } from './derive-contents.js';

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

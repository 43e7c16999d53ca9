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

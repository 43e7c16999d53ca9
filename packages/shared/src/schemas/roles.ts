import { z } from 'zod';

/** The four analysts a run can select. */
export const ANALYST_KINDS = ['market', 'social', 'news', 'fundamentals'] as const;
export const AnalystKindSchema = z.enum(ANALYST_KINDS);
export type AnalystKind = z.infer<typeof AnalystKindSchema>;

/** Every agent role of the team, in pipeline order. */
export const AGENT_ROLES = [
  'market_analyst',
  'social_analyst',
  'news_analyst',
  'fundamentals_analyst',
  'bull_researcher',
  'bear_researcher',
  'research_manager',
  'trader',
  'aggressive_analyst',
  'conservative_analyst',
  'neutral_analyst',
  'portfolio_manager',
  /** Not part of a run's pipeline: judges a past decision once its outcome is known (reflection memory). */
  'reflector',
] as const;
export const AgentRoleSchema = z.enum(AGENT_ROLES);
export type AgentRole = z.infer<typeof AgentRoleSchema>;

/** The analyst role that produces each analyst kind's report. */
export const ANALYST_ROLE: Record<AnalystKind, AgentRole> = {
  market: 'market_analyst',
  social: 'social_analyst',
  news: 'news_analyst',
  fundamentals: 'fundamentals_analyst',
};

/** The phases nested inside a run's `in_progress` state, in order. */
export const RUN_PHASES = [
  'analysts',
  'research_debate',
  'research_manager',
  'trader',
  'risk_debate',
  'portfolio_manager',
] as const;
export const RunPhaseSchema = z.enum(RUN_PHASES);
export type RunPhase = z.infer<typeof RunPhaseSchema>;

/** Human labels for roles and phases, shared by the CLI and the SPA. */
export const ROLE_LABELS: Record<AgentRole, string> = {
  market_analyst: 'Market Analyst',
  social_analyst: 'Social Media Analyst',
  news_analyst: 'News Analyst',
  fundamentals_analyst: 'Fundamentals Analyst',
  bull_researcher: 'Bull Researcher',
  bear_researcher: 'Bear Researcher',
  research_manager: 'Research Manager',
  trader: 'Trader',
  aggressive_analyst: 'Aggressive Risk Analyst',
  conservative_analyst: 'Conservative Risk Analyst',
  neutral_analyst: 'Neutral Risk Analyst',
  portfolio_manager: 'Portfolio Manager',
  reflector: 'Reflector',
};
export const PHASE_LABELS: Record<RunPhase, string> = {
  analysts: 'Analyst Team',
  research_debate: 'Research Debate',
  research_manager: 'Research Manager',
  trader: 'Trader',
  risk_debate: 'Risk Debate',
  portfolio_manager: 'Portfolio Manager',
};

import { ValidationError } from '@tradingfloor/shared';
import type { AgentContext, AgentResult, DebateTurn, Reports } from './agent-context.js';
import { answerOnce, logStep } from './ask-model.js';
import { buildAggressiveAnalystPrompt } from './prompts/aggressive-analyst.js';
import { buildConservativeAnalystPrompt } from './prompts/conservative-analyst.js';
import { buildNeutralAnalystPrompt } from './prompts/neutral-analyst.js';
import { promptContextOf } from './prompts/prompt-context.js';
import type { RiskAnalystPromptInput } from './prompts/risk-analyst-prompt.js';

/** The three stances of the risk debate. */
export type RiskStance = 'aggressive' | 'conservative' | 'neutral';

const STANCES = {
  aggressive: { role: 'aggressive_analyst', build: buildAggressiveAnalystPrompt },
  conservative: { role: 'conservative_analyst', build: buildConservativeAnalystPrompt },
  neutral: { role: 'neutral_analyst', build: buildNeutralAnalystPrompt },
} as const satisfies Record<RiskStance, { role: string; build: (input: RiskAnalystPromptInput) => unknown }>;

/** Runs one risk analyst for its next turn of the risk debate over the trader's plan. */
export async function runRiskAnalyst(
  stance: RiskStance,
  ctx: AgentContext,
  input: { reports: Reports; traderPlan: string; debate: DebateTurn[] },
): Promise<AgentResult> {
  const entry = Object.hasOwn(STANCES, stance) ? STANCES[stance] : undefined;
  if (!entry) throw new ValidationError(`unknown risk stance "${String(stance)}": expected aggressive, conservative or neutral`);
  const round = input.debate.filter((t) => t.speaker === entry.role).length + 1;
  const maxRounds = Math.max(ctx.config.max_risk_discuss_rounds, round);
  logStep(ctx, 'INFO', `${stance} risk analyst started (round ${round} of ${maxRounds})`);
  const prompt = entry.build({
    ...promptContextOf(ctx),
    reports: input.reports,
    traderPlan: input.traderPlan,
    debate: input.debate,
    round,
    maxRounds,
  });
  const text = await answerOnce(ctx, 'quick', prompt);
  logStep(ctx, 'INFO', `${stance} risk analyst argued (${text.length} chars)`);
  return { text };
}

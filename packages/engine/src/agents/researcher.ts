import { ValidationError } from '@tradingfloor/shared';
import type { AgentContext, AgentResult, DebateTurn, Reports } from './agent-context.js';
import { answerOnce, logStep } from './ask-model.js';
import { buildBearResearcherPrompt } from './prompts/bear-researcher.js';
import { buildBullResearcherPrompt } from './prompts/bull-researcher.js';
import { promptContextOf } from './prompts/prompt-context.js';

/**
 * Runs the bull or bear researcher for its next debate turn: it reads the reports and the debate so far and
 * answers the other side's latest points. Its round is the number of turns it has already spoken, plus one.
 */
export async function runResearcher(
  side: 'bull' | 'bear',
  ctx: AgentContext,
  input: { reports: Reports; debate: DebateTurn[] },
): Promise<AgentResult> {
  if (side !== 'bull' && side !== 'bear') throw new ValidationError(`unknown researcher side "${String(side)}": expected bull or bear`);
  const role = side === 'bull' ? 'bull_researcher' : 'bear_researcher';
  const round = input.debate.filter((t) => t.speaker === role).length + 1;
  const maxRounds = Math.max(ctx.config.max_debate_rounds, round);
  logStep(ctx, 'INFO', `${side} researcher started (round ${round} of ${maxRounds}, ${input.debate.length} earlier turns)`);
  const build = side === 'bull' ? buildBullResearcherPrompt : buildBearResearcherPrompt;
  const prompt = build({ ...promptContextOf(ctx), reports: input.reports, debate: input.debate, round, maxRounds });
  const text = await answerOnce(ctx, 'quick', prompt);
  logStep(ctx, 'INFO', `${side} researcher argued (${text.length} chars)`);
  return { text };
}

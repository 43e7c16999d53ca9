import type { Lesson } from '@tradingfloor/shared';
import type { AgentContext, AgentResult, DebateTurn, Reports } from './agent-context.js';
import { answerWithClosingLines } from './answer-with-closing-lines.js';
import { logStep } from './ask-model.js';
import { buildPortfolioManagerPrompt } from './prompts/portfolio-manager.js';
import { promptContextOf } from './prompts/prompt-context.js';

/** Runs the portfolio manager (deep tier): the final decision text, ending with the closing lines the parser reads. */
export async function runPortfolioManager(
  ctx: AgentContext,
  input: { reports: Reports; investmentPlan: string; traderPlan: string; riskDebate: DebateTurn[]; lessons?: readonly Lesson[] | null },
): Promise<AgentResult> {
  logStep(ctx, 'INFO', `portfolio manager started (position: ${ctx.position.side}, ${input.riskDebate.length} risk debate turns)`);
  const prompt = buildPortfolioManagerPrompt({
    ...promptContextOf(ctx),
    reports: input.reports,
    investmentPlan: input.investmentPlan,
    traderPlan: input.traderPlan,
    riskDebate: input.riskDebate,
    lessons: input.lessons ?? null,
  });
  const text = await answerWithClosingLines(ctx, 'deep', prompt, ['rating', 'proposal']);
  logStep(ctx, 'INFO', `portfolio manager decided (${text.length} chars)`);
  return { text };
}

import type { AgentContext, AgentResult, Reports } from './agent-context.js';
import { answerWithClosingLines } from './answer-with-closing-lines.js';
import { logStep } from './ask-model.js';
import { promptContextOf } from './prompts/prompt-context.js';
import { buildTraderPrompt } from './prompts/trader.js';

/** Runs the trader: turns the investment plan into a trading plan ending with a transaction proposal. */
export async function runTrader(ctx: AgentContext, input: { reports: Reports; investmentPlan: string }): Promise<AgentResult> {
  logStep(ctx, 'INFO', `trader started (position: ${ctx.position.side})`);
  const prompt = buildTraderPrompt({ ...promptContextOf(ctx), reports: input.reports, investmentPlan: input.investmentPlan });
  const text = await answerWithClosingLines(ctx, 'quick', prompt, ['proposal']);
  logStep(ctx, 'INFO', `trader wrote the trading plan (${text.length} chars)`);
  return { text };
}

import type { Lesson } from '@tradingfloor/shared';
import type { AgentContext, AgentResult, DebateTurn, Reports } from './agent-context.js';
import { answerWithClosingLines } from './answer-with-closing-lines.js';
import { logStep } from './ask-model.js';
import { promptContextOf } from './prompts/prompt-context.js';
import { buildResearchManagerPrompt } from './prompts/research-manager.js';

/** Runs the research manager (deep tier): judges the debate and writes the investment plan with its closing lines. */
export async function runResearchManager(
  ctx: AgentContext,
  input: { reports: Reports; debate: DebateTurn[]; lessons?: readonly Lesson[] | null },
): Promise<AgentResult> {
  logStep(ctx, 'INFO', `research manager started (${input.debate.length} debate turns to judge)`);
  const prompt = buildResearchManagerPrompt({
    ...promptContextOf(ctx),
    reports: input.reports,
    debate: input.debate,
    lessons: input.lessons ?? null,
  });
  const text = await answerWithClosingLines(ctx, 'deep', prompt, ['rating', 'proposal']);
  logStep(ctx, 'INFO', `research manager wrote the investment plan (${text.length} chars)`);
  return { text };
}

import { ValidationError, type AnalystKind } from '@tradingfloor/shared';
import type { AgentContext, AgentResult } from './agent-context.js';
import { logStep } from './ask-model.js';
import type { AnalystPromptInput } from './prompts/analyst-prompt.js';
import { buildFundamentalsAnalystPrompt } from './prompts/fundamentals-analyst.js';
import { buildMarketAnalystPrompt } from './prompts/market-analyst.js';
import { buildNewsAnalystPrompt } from './prompts/news-analyst.js';
import { promptContextOf, type Prompt } from './prompts/prompt-context.js';
import { buildSocialAnalystPrompt } from './prompts/social-analyst.js';
import { DEFAULT_MAX_TOOL_ROUNDS, runToolLoop } from './tool-loop.js';

const PROMPTS: Record<AnalystKind, (input: AnalystPromptInput) => Prompt> = {
  market: buildMarketAnalystPrompt,
  social: buildSocialAnalystPrompt,
  news: buildNewsAnalystPrompt,
  fundamentals: buildFundamentalsAnalystPrompt,
};

/**
 * Runs one analyst: the model gathers data with `ctx.tools` (at most `maxToolRounds` tool turns, by default the
 * run's `ctx.maxToolTurns`) and writes its report, which is returned as markdown.
 */
export async function runAnalyst(
  kind: AnalystKind,
  ctx: AgentContext,
  maxToolRounds = ctx.maxToolTurns ?? DEFAULT_MAX_TOOL_ROUNDS,
): Promise<AgentResult> {
  const build = Object.hasOwn(PROMPTS, kind) ? PROMPTS[kind] : undefined;
  if (!build) throw new ValidationError(`unknown analyst kind "${String(kind)}": expected one of ${Object.keys(PROMPTS).join(', ')}`);
  const toolNames = ctx.tools.map((t) => t.spec.name);
  logStep(ctx, 'INFO', `${kind} analyst started (tools: ${toolNames.join(', ') || 'none'})`);
  const prompt = build({ ...promptContextOf(ctx), toolNames });
  const result = await runToolLoop(ctx, prompt, maxToolRounds);
  logStep(
    ctx,
    'INFO',
    `${kind} analyst wrote its report (${result.text.length} chars, ${result.toolCalls} tool calls in ${result.rounds} rounds)`,
  );
  ctx.appendMessage(`✎ report written (${result.text.length} chars)`);
  return { text: result.text };
}

import { CLOSING_LINE_LABELS, closingLinesReminder, missingClosingLines, type ClosingLineKey } from '../decision/closing-lines.js';
import type { ChatMessage, ModelTier } from '../providers/provider.js';
import type { AgentContext } from './agent-context.js';
import { askModel, logStep } from './ask-model.js';
import type { Prompt } from './prompts/prompt-context.js';

/**
 * Asks for an answer that must end with the `required` closing lines. An answer without them gets one corrective
 * retry asking for exactly the missing lines, which are then appended to the answer; if the retry does not
 * supply any of them either, the first answer is returned as is and the decision parser falls back on its wording.
 */
export async function answerWithClosingLines(
  ctx: AgentContext,
  tier: ModelTier,
  prompt: Prompt,
  required: readonly ClosingLineKey[],
): Promise<string> {
  const messages: ChatMessage[] = [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
  const first = await askModel(ctx, tier, messages);
  const text = first.text.trim();
  if (text) ctx.appendMessage(text);
  const missing = missingClosingLines(text, required);
  if (missing.length === 0) return text;

  const names = missing.map((k) => CLOSING_LINE_LABELS[k]).join(', ');
  logStep(ctx, 'WARN', `answer lacks its closing lines (${names}); asking the model once more`);
  const reminder = closingLinesReminder(missing);
  ctx.appendMessage(`↻ corrective retry: ${reminder.split('\n')[0]}`);
  const retry = await askModel(ctx, tier, [...messages, { role: 'assistant', content: text }, { role: 'user', content: reminder }]);
  const addition = retry.text.trim();
  const stillMissing = missingClosingLines(addition, missing);
  if (stillMissing.length === missing.length) {
    logStep(ctx, 'WARN', `corrective retry gave no closing lines either (${names}); keeping the answer as is`);
    return text;
  }
  if (stillMissing.length > 0) {
    logStep(ctx, 'WARN', `corrective retry still lacks ${stillMissing.map((k) => CLOSING_LINE_LABELS[k]).join(', ')}`);
  }
  ctx.appendMessage(addition);
  return `${text}\n\n${addition}`;
}

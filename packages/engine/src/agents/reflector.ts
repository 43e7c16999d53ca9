import type { AgentContext } from './agent-context.js';
import { answerOnce, logStep } from './ask-model.js';
import { buildReflectorPrompt, type ReflectorPromptInput } from './prompts/reflector.js';

/** Longest lesson text kept; a rambling model is cut, not trusted to stop. */
const MAX_LESSON_CHARS = 1500;

/** Runs the reflector (quick tier, one call): the lesson text of one past decision whose outcome is known. */
export async function runReflector(ctx: AgentContext, input: ReflectorPromptInput): Promise<string> {
  logStep(ctx, 'INFO', `reflecting on the ${input.action} of ${input.decisionDate} (outcome ${input.outcomeDate})`);
  const text = await answerOnce(ctx, 'quick', buildReflectorPrompt(input));
  return text.length > MAX_LESSON_CHARS ? `${text.slice(0, MAX_LESSON_CHARS - 1).trimEnd()}…` : text;
}

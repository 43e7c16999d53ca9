import type { Severity } from '@tradingfloor/shared';
import type { ChatMessage, ChatResponse, ModelTier, ToolSpec } from '../providers/provider.js';
import type { AgentContext } from './agent-context.js';

/** Writes one `agent` log entry for this agent step. */
export function logStep(ctx: AgentContext, severity: Severity, message: string): void {
  ctx.log({ severity, source: 'agent', agent_id: ctx.agentId, message });
}

/**
 * One model call on behalf of an agent: picks the tier's model, tags the request with who is asking, passes the
 * run's signal (so a cancel stops the call at once) and logs what came back.
 */
export async function askModel(
  ctx: AgentContext,
  tier: ModelTier,
  messages: readonly ChatMessage[],
  tools?: ToolSpec[],
): Promise<ChatResponse> {
  ctx.signal.throwIfAborted();
  const response = await ctx.provider.chat(
    {
      model: ctx.models[tier],
      tier,
      // A copy: the caller keeps appending to its own list, the request must stay as it was sent.
      messages: [...messages],
      ...(tools && tools.length > 0 ? { tools } : {}),
      meta: { runId: ctx.runId, agentRole: ctx.role, agentId: ctx.agentId },
    },
    ctx.signal,
  );
  const calls = response.toolCalls.length > 0 ? `, ${response.toolCalls.length} tool call${response.toolCalls.length === 1 ? '' : 's'}` : '';
  logStep(
    ctx,
    'DEBUG',
    `model ${response.model} answered (${response.usage.input_tokens} input / ${response.usage.output_tokens} output tokens${calls})`,
  );
  return response;
}

/** A one-turn answer (researchers, risk analysts). An empty answer is replaced by a visible placeholder. */
export async function answerOnce(ctx: AgentContext, tier: ModelTier, prompt: { system: string; user: string }): Promise<string> {
  const response = await askModel(ctx, tier, [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ]);
  const text = response.text.trim();
  if (text.length === 0) {
    logStep(ctx, 'WARN', 'the model returned an empty answer');
    return '_(the model returned an empty answer)_';
  }
  ctx.appendMessage(text);
  return text;
}

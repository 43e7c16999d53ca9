import type Anthropic from '@anthropic-ai/sdk';
import { ProviderCallError } from './provider-call-error.js';
import type { ChatRequest, ChatResponse, ToolCall } from './provider.js';
import { parseToolArguments } from './tool-arguments.js';

type WireRequest = Anthropic.MessageCreateParamsNonStreaming;
type WireTurn = { role: 'user' | 'assistant'; content: Anthropic.ContentBlockParam[] };

/**
 * Output budget when the request names none: the Messages API requires `max_tokens`, and thinking tokens
 * count towards it, so it leaves room for a full report after the model has thought.
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 16_000;

/**
 * Builds the Messages API body. System messages become `system`; tool results become `tool_result`
 * blocks in a user turn; adjacent turns of one role are merged, as the API wants strictly alternating
 * user/assistant turns. `tool_choice` is never set: the model decides whether to call a tool.
 * Temperature is not sent (this SDK version's Messages API has no such parameter). `recall` returns the
 * exact content of an earlier tool-calling turn (thinking blocks included) by its first tool call id.
 */
export function toAnthropicRequest(
  request: ChatRequest,
  recall: (firstToolCallId: string) => Anthropic.ContentBlockParam[] | undefined = () => undefined,
): WireRequest {
  const system: string[] = [];
  const turns: WireTurn[] = [];
  const push = (role: WireTurn['role'], blocks: Anthropic.ContentBlockParam[]) => {
    if (blocks.length === 0) return; // an empty turn is refused by the API
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        push('user', textBlocks(message.content));
        break;
      case 'assistant': {
        const firstCall = message.tool_calls?.[0];
        const remembered = firstCall ? recall(firstCall.id) : undefined;
        if (remembered) {
          push('assistant', [...remembered]);
          break;
        }
        push('assistant', [
          ...textBlocks(message.content),
          ...(message.tool_calls ?? []).map((call): Anthropic.ToolUseBlockParam => ({
            type: 'tool_use',
            id: call.id,
            name: call.name,
            input: call.arguments,
          })),
        ]);
        break;
      }
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: message.content }]);
        break;
    }
  }
  const body: WireRequest = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages: turns,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: { type: 'object', ...tool.parameters } as Anthropic.Tool.InputSchema,
    }));
  }
  return body;
}

function textBlocks(text: string): Anthropic.TextBlockParam[] {
  return text.trim() === '' ? [] : [{ type: 'text', text }];
}

/**
 * Reads a Messages API answer into our response: text blocks joined, `tool_use` blocks as tool calls.
 * An answer with no content at all (the Messages API's empty choice), or with neither text nor a tool call
 * (an empty text block, only a thinking block), is a retryable `bad_response`, so the retry layer asks again.
 */
export function fromAnthropicResponse(message: Anthropic.Message, ctx: { provider: string; label: string; model: string }): ChatResponse {
  if (typeof message !== 'object' || message === null || !Array.isArray(message.content)) {
    throw new ProviderCallError(`${ctx.label}: the server answered without a content list`, ctx.provider, 'bad_response');
  }
  if (message.content.length === 0) {
    throw new ProviderCallError(`${ctx.label}: the server answered with empty content`, ctx.provider, 'bad_response');
  }
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'tool_use') {
      const args = parseToolArguments(block.input, { provider: ctx.provider, label: ctx.label, tool: block.name });
      toolCalls.push({ id: block.id, name: block.name, arguments: args });
    }
  }
  const text = texts.join('\n\n');
  if (text.trim() === '' && toolCalls.length === 0 && message.stop_reason !== 'max_tokens') {
    // Claude models sometimes end a turn at once with no text (only a thinking block, or an empty text block);
    // asking again almost always gives the answer, while accepting it left the run without a report.
    throw new ProviderCallError(`${ctx.label}: the model answered with no text and no tool call`, ctx.provider, 'bad_response');
  }
  const usage = message.usage;
  return {
    text,
    toolCalls,
    usage: {
      // Cached prompt tokens are still prompt tokens (billed at other rates, which the price table ignores).
      input_tokens: (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0),
      output_tokens: usage?.output_tokens ?? 0,
    },
    model: message.model || ctx.model,
    finishReason: finishReasonOf(message.stop_reason, toolCalls.length > 0),
  };
}

function finishReasonOf(reason: Anthropic.StopReason | null, calledTools: boolean): ChatResponse['finishReason'] {
  if (reason === 'tool_use' || calledTools) return 'tool_calls';
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'length';
  return 'other';
}

import type OpenAI from 'openai';
import { ProviderCallError } from './provider-call-error.js';
import type { ChatMessage, ChatRequest, ChatResponse, ToolCall } from './provider.js';
import { parseToolArguments } from './tool-arguments.js';

type WireMessage = OpenAI.Chat.ChatCompletionMessageParam;
type WireRequest = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

/**
 * Builds the chat-completions body for a request. Tools are offered as `function` tools and the model is
 * free to use them: `tool_choice` is never set (local OpenAI-compatible servers reject it), nor any
 * structured-output mode. `maxTokensField` is `max_completion_tokens` for api.openai.com (its reasoning
 * models refuse `max_tokens`) and `max_tokens` for other servers, which often know only that one.
 */
export function toOpenAiRequest(request: ChatRequest, maxTokensField: 'max_tokens' | 'max_completion_tokens'): WireRequest {
  const body: WireRequest = { model: request.model, messages: request.messages.map(toWireMessage) };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  if (request.maxOutputTokens !== undefined) body[maxTokensField] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  return body;
}

function toWireMessage(message: ChatMessage): WireMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant': {
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // Some servers refuse an empty string next to tool calls; null is what the API itself returns.
        content: message.content === '' ? null : message.content,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
  }
}

/**
 * Reads a chat completion into our response. An answer without choices is a `bad_response` (retryable:
 * gateways such as OpenRouter return one when the upstream model failed); tool-call arguments are parsed
 * from their JSON strings, a malformed one is a `bad_tool_arguments` error naming the tool.
 */
export function fromOpenAiResponse(
  completion: OpenAI.Chat.ChatCompletion,
  ctx: { provider: string; label: string; model: string },
): ChatResponse {
  if (typeof completion !== 'object' || completion === null) {
    throw new ProviderCallError(`${ctx.label}: the server answered with no JSON body`, ctx.provider, 'bad_response');
  }
  const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  if (!choice?.message) {
    throw new ProviderCallError(`${ctx.label}: the server answered with no choices`, ctx.provider, 'bad_response');
  }
  const toolCalls: ToolCall[] = [];
  for (const [index, call] of (choice.message.tool_calls ?? []).entries()) {
    if (call.type !== 'function') continue; // custom (grammar) tools are never offered, so never expected
    const name = call.function.name;
    const args = parseToolArguments(call.function.arguments, { provider: ctx.provider, label: ctx.label, tool: name });
    // Some local servers omit the id; the tool result must still name the call it answers.
    toolCalls.push({ id: call.id || `call_${index}`, name, arguments: args });
  }
  return {
    text: choice.message.content ?? '',
    toolCalls,
    usage: {
      input_tokens: completion.usage?.prompt_tokens ?? 0,
      output_tokens: completion.usage?.completion_tokens ?? 0,
    },
    model: completion.model || ctx.model,
    finishReason: finishReasonOf(choice.finish_reason, toolCalls.length > 0),
  };
}

function finishReasonOf(reason: string | null | undefined, calledTools: boolean): ChatResponse['finishReason'] {
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  if (reason === 'length') return 'length';
  // Several OpenAI-compatible servers report "stop" even when the message carries tool calls.
  if (calledTools) return 'tool_calls';
  return reason === 'stop' ? 'stop' : 'other';
}

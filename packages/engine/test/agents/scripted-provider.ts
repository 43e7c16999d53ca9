import type { ChatRequest, ChatResponse, LlmProvider, ToolCall } from '../../src/providers/provider.js';

/** One scripted answer: text, tool calls, or both. */
export interface Scripted {
  text?: string;
  toolCalls?: ToolCall[];
}

/**
 * A provider that answers from a script (a list, or a function of the request) and records every request and
 * the signal it came with. When the list runs out it keeps repeating the last answer.
 */
export function scriptedProvider(script: Scripted[] | ((request: ChatRequest, call: number) => Scripted)) {
  const requests: ChatRequest[] = [];
  const signals: AbortSignal[] = [];
  const provider: LlmProvider = {
    name: 'openai',
    label: 'scripted test model',
    async chat(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
      requests.push(request);
      signals.push(signal);
      const n = requests.length - 1;
      const step = typeof script === 'function' ? script(request, n) : (script[Math.min(n, script.length - 1)] ?? {});
      const toolCalls = step.toolCalls ?? [];
      return {
        text: step.text ?? '',
        toolCalls,
        usage: { input_tokens: 10, output_tokens: 5 },
        model: request.model,
        finishReason: toolCalls.length ? 'tool_calls' : 'stop',
      };
    },
  };
  return { provider, requests, signals };
}

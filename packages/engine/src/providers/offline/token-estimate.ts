import type { ChatRequest, ChatResponse, TokenUsage } from '../provider.js';

/** Roughly four characters a token, as for English text with real tokenizers. */
const CHARS_PER_TOKEN = 4;

function tokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Plausible token counts for an offline answer, so usage accounting has numbers to show. */
export function estimateUsage(request: ChatRequest, answer: Pick<ChatResponse, 'text' | 'toolCalls'>): TokenUsage {
  let input = 0;
  for (const m of request.messages) {
    input += m.content.length;
    if (m.role === 'assistant' && m.tool_calls) input += JSON.stringify(m.tool_calls).length;
  }
  for (const t of request.tools ?? []) input += JSON.stringify(t).length;
  const output = answer.text.length + (answer.toolCalls.length > 0 ? JSON.stringify(answer.toolCalls).length : 0);
  return { input_tokens: tokens(input), output_tokens: Math.max(1, tokens(output)) };
}

import type Anthropic from '@anthropic-ai/sdk';

/**
 * Remembers the exact content of assistant turns that called tools after thinking.
 *
 * Why: Claude models that think (adaptive thinking is on by default on current models) require the
 * thinking blocks of a tool-calling turn to be sent back unchanged, signature included, with the tool
 * results. Our `ChatMessage` carries only text and tool calls, so the agents cannot hand them back; the
 * provider keeps them instead, keyed by the turn's tool-use ids (unique per response), and puts them back
 * when the conversation returns with that assistant turn. Bounded: the oldest turns are forgotten first,
 * and a forgotten turn is rebuilt from text and tool calls (enough for models that did not think).
 */
export class AnthropicThinkingMemory {
  readonly #turns = new Map<string, Anthropic.ContentBlockParam[]>();

  constructor(private readonly maxTurns = 2000) {}

  /** Keeps `content` when it holds thinking blocks and tool calls. */
  remember(content: readonly Anthropic.ContentBlock[]): void {
    const thought = content.some((b) => b.type === 'thinking' || b.type === 'redacted_thinking');
    const toolIds = content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
    const first = toolIds[0];
    if (!thought || first === undefined) return;
    this.#turns.set(first, content as unknown as Anthropic.ContentBlockParam[]);
    if (this.#turns.size > this.maxTurns) this.#turns.delete(this.#turns.keys().next().value!);
  }

  /** The remembered content of the turn whose first tool call has this id. */
  recall(firstToolCallId: string): Anthropic.ContentBlockParam[] | undefined {
    return this.#turns.get(firstToolCallId);
  }
}

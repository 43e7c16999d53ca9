import type { AgentRole, ProviderName } from '@tradingfloor/shared';

/** A tool the model may call, described with a JSON Schema for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema (type "object") of the arguments. */
  parameters: Record<string, unknown>;
}

/** A tool call the model asked for. `arguments` is already parsed from JSON. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

/** Which model tier a call uses: quick (analysts, debaters, trader) or deep (managers). */
export type ModelTier = 'quick' | 'deep';

export interface ChatRequest {
  model: string;
  tier: ModelTier;
  messages: ChatMessage[];
  /** Tools offered; absent or empty means the model must answer in text. */
  tools?: ToolSpec[];
  maxOutputTokens?: number;
  temperature?: number;
  /**
   * Who is asking. Real providers ignore it (it is never sent over the wire); the offline model uses it to
   * pick its rules, as a model would infer its job from the system prompt. Also used for logs and usage.
   */
  meta: { runId: string; agentRole: AgentRole; agentId: string };
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

export interface ChatResponse {
  /** The text answer; may be empty when the model only called tools. */
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  /** The model that answered, as reported by the provider. */
  model: string;
  finishReason: 'stop' | 'tool_calls' | 'length' | 'other';
}

/**
 * One model provider. `chat` must stop at once when `signal` aborts (rejecting with the signal's reason),
 * and must not retry or throttle by itself: retries, the concurrency limiter and usage accounting wrap it
 * (see `limiter/` and `providers/instrumented-provider.ts`).
 */
export interface LlmProvider {
  readonly name: ProviderName;
  /** What a user sees, e.g. "offline rule-based model (no LLM)". */
  readonly label: string;
  chat(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse>;
}

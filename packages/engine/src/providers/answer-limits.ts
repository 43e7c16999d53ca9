import { ProviderError, ROLE_LABELS } from '@tradingfloor/shared';
import { ENGINE_ENV_DEFAULTS } from '../config/engine-env.js';
import type { ChatRequest, ChatResponse, LlmProvider } from './provider.js';
import { ProviderCallError } from './provider-call-error.js';

/** Bounds on what one model answer may carry, so a runaway or hostile model fails its run instead of the server. */
export interface AnswerLimits {
  /** Characters of one answer: its text plus its tool calls' arguments (`LLM_MAX_ANSWER_CHARS`). */
  maxAnswerChars: number;
  /** Tool calls one agent may make in its turn, across all its tool rounds (`LLM_MAX_TOOL_CALLS`). */
  maxToolCallsPerTurn: number;
  /**
   * Model turns with tools an analyst gets before it must write its report without tools (`LLM_MAX_TOOL_TURNS`).
   * Enforced by the tool loop (`agents/tool-loop.ts`), not by `withAnswerLimits`: only the loop knows the turn.
   */
  maxToolTurns: number;
}

/** The defaults of {@link AnswerLimits} (stated, with their reasons, in `ENGINE_ENV_DEFAULTS`). */
export const DEFAULT_ANSWER_LIMITS: AnswerLimits = {
  maxAnswerChars: ENGINE_ENV_DEFAULTS.maxAnswerChars,
  maxToolCallsPerTurn: ENGINE_ENV_DEFAULTS.maxToolCallsPerTurn,
  maxToolTurns: ENGINE_ENV_DEFAULTS.maxToolTurns,
};

/** Characters an answer carries; stops counting once past `cap` (a huge answer is not measured to the end). */
function answerChars(response: ChatResponse, cap: number): number {
  let chars = response.text.length;
  for (const call of response.toolCalls) {
    if (chars > cap) break;
    chars += call.name.length + JSON.stringify(call.arguments).length;
  }
  return chars;
}

/** Tool calls the agent already made in this turn: the conversation it sends carries each of them. */
function earlierToolCalls(request: ChatRequest): number {
  let calls = 0;
  for (const message of request.messages) if (message.role === 'assistant') calls += message.tool_calls?.length ?? 0;
  return calls;
}

/**
 * Wraps a run's provider so that an answer past the limits fails the agent's step with an error naming the
 * role and the setting to raise, before the answer reaches the run's messages, logs and tree. These are not
 * retried: a model that answered 20 MB or called 500 tools once will do it again.
 */
export function withAnswerLimits(inner: LlmProvider, limits: Pick<AnswerLimits, 'maxAnswerChars' | 'maxToolCallsPerTurn'>): LlmProvider {
  return {
    name: inner.name,
    label: inner.label,
    async chat(request, signal) {
      const role = () => ROLE_LABELS[request.meta.agentRole] ?? request.meta.agentRole;
      let response: ChatResponse;
      try {
        response = await inner.chat(request, signal);
      } catch (error) {
        // Refused by size while it arrived (see `createKeepAliveFetch`): name the role like the checks below do.
        if (error instanceof ProviderCallError && error.kind === 'answer_too_large')
          throw new ProviderError(`${role()}: ${error.message}`, inner.name);
        throw error;
      }
      const chars = answerChars(response, limits.maxAnswerChars);
      if (chars > limits.maxAnswerChars) {
        throw new ProviderError(
          `${role()}: the model's answer is longer than LLM_MAX_ANSWER_CHARS (${limits.maxAnswerChars} characters; ` +
            `the answer has ${response.toolCalls.length > 0 ? 'at least ' : ''}${chars})`,
          inner.name,
        );
      }
      const calls = earlierToolCalls(request) + response.toolCalls.length;
      if (response.toolCalls.length > 0 && calls > limits.maxToolCallsPerTurn) {
        throw new ProviderError(
          `${role()}: the model asked for ${calls} tool calls in one turn, more than LLM_MAX_TOOL_CALLS (${limits.maxToolCallsPerTurn})`,
          inner.name,
        );
      }
      return response;
    },
  };
}

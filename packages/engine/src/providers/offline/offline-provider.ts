import { ProviderError, type AgentRole } from '@tradingfloor/shared';
import { renderClosingLines } from '../../decision/closing-lines.js';
import type { ChatRequest, ChatResponse, LlmProvider, ToolCall } from '../provider.js';
import { abortableSleep, type Sleep } from '../../retry/backoff.js';
import { analystTurn, isAnalystRole } from './analyst-turn.js';
import { researchManagerTurn, traderTurn, type ClosingAnswer } from './manager-turns.js';
import { portfolioManagerTurn } from './portfolio-manager-turn.js';
import { readPrompt, type PromptFacts } from './read-prompt.js';
import { OFFLINE_LABEL } from './report-format.js';
import { reflectorTurn } from './reflector-turn.js';
import { researcherTurn } from './researcher-turn.js';
import { riskTurn } from './risk-turn.js';
import { estimateUsage } from './token-estimate.js';

/** Options of the offline model. */
export interface OfflineProviderOptions {
  /** Simulated latency of every call, so offline runs stream like real ones. Default 0. */
  latencyMs?: number;
  /** How to wait; injectable for tests. Must reject at once with the signal's reason when it aborts. */
  sleep?: Sleep;
}

/** The model name the offline model reports when the request names none. */
export const OFFLINE_MODEL = 'offline-rules-v1';

const CLOSING_ROLES: Partial<Record<AgentRole, (facts: PromptFacts) => ClosingAnswer>> = {
  research_manager: researchManagerTurn,
  trader: traderTurn,
  portfolio_manager: portfolioManagerTurn,
};

const TEXT_ROLES: Partial<Record<AgentRole, (facts: PromptFacts) => string>> = {
  bull_researcher: (f) => researcherTurn('bull', f),
  bear_researcher: (f) => researcherTurn('bear', f),
  aggressive_analyst: (f) => riskTurn('aggressive', f),
  conservative_analyst: (f) => riskTurn('conservative', f),
  neutral_analyst: (f) => riskTurn('neutral', f),
};

/** True when the conversation ends with the agent's request for missing closing lines (a corrective retry). */
function asksForClosingLines(request: ChatRequest): boolean {
  const last = request.messages.at(-1);
  return last?.role === 'user' && /missing its closing lines/i.test(last.content);
}

/** Decides the answer from the role and the messages alone: the same request always gets the same answer. */
function answer(request: ChatRequest): { text: string; toolCalls: ToolCall[] } {
  const role = request.meta?.agentRole;
  if (role !== undefined && isAnalystRole(role)) return analystTurn(role, request);
  if (role === 'reflector') return { text: reflectorTurn(request.messages), toolCalls: [] };
  const facts = readPrompt(request.messages);
  const closing = role === undefined ? undefined : CLOSING_ROLES[role];
  if (closing) {
    const result = closing(facts);
    return { text: asksForClosingLines(request) ? renderClosingLines(result.closing) : result.text, toolCalls: [] };
  }
  const text = role === undefined ? undefined : TEXT_ROLES[role];
  if (text) return { text: text(facts), toolCalls: [] };
  throw new ProviderError(`the offline model has no rules for agent role "${String(role)}"`, 'offline');
}

/**
 * The offline model: a deterministic, rule-based stand-in for an LLM. It answers each role from the request as a
 * model would — analysts call their tools, then write reports from the numbers; the others argue and decide from
 * the reports in the prompt — so whole runs work with no key and no network.
 */
export function createOfflineProvider(opts: OfflineProviderOptions = {}): LlmProvider {
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const sleep = opts.sleep ?? abortableSleep;
  return {
    name: 'offline',
    label: OFFLINE_LABEL,
    async chat(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
      signal.throwIfAborted();
      await sleep(latencyMs, signal);
      signal.throwIfAborted();
      const { text, toolCalls } = answer(request);
      return {
        text,
        toolCalls,
        usage: estimateUsage(request, { text, toolCalls }),
        model: request.model || OFFLINE_MODEL,
        finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      };
    },
  };
}

import type { AgentRole } from '@tradingfloor/shared';
import type { ChatRequest, ToolCall } from '../provider.js';
import { writeFundamentalsReport } from './fundamentals-report.js';
import { writeMarketReport } from './market-report.js';
import { writeNewsReport } from './news-report.js';
import { readPrompt, type PromptFacts } from './read-prompt.js';
import { writeSocialReport } from './social-report.js';
import { toolAnswers } from './tool-payloads.js';

type AnalystRole = 'market_analyst' | 'social_analyst' | 'news_analyst' | 'fundamentals_analyst';

/** The calls each analyst makes on its first turn, as a diligent model would. */
const TOOL_PLAN: Record<AnalystRole, ReadonlyArray<{ name: string; arguments: Record<string, unknown> }>> = {
  market_analyst: [
    { name: 'get_price_history', arguments: { lookback_days: 180 } },
    { name: 'get_indicators', arguments: { lookback_days: 30 } },
  ],
  social_analyst: [
    { name: 'get_social_sentiment', arguments: { lookback_days: 14 } },
    { name: 'get_company_news', arguments: { lookback_days: 14, limit: 10 } },
  ],
  news_analyst: [
    { name: 'get_company_news', arguments: { lookback_days: 14, limit: 20 } },
    { name: 'get_market_news', arguments: { lookback_days: 7, limit: 10 } },
  ],
  fundamentals_analyst: [
    { name: 'get_fundamentals', arguments: {} },
    { name: 'get_price_history', arguments: { lookback_days: 250 } },
  ],
};

const WRITERS: Record<AnalystRole, (facts: PromptFacts, answers: Map<string, string>) => string> = {
  market_analyst: writeMarketReport,
  social_analyst: writeSocialReport,
  news_analyst: writeNewsReport,
  fundamentals_analyst: writeFundamentalsReport,
};

export function isAnalystRole(role: AgentRole): role is AnalystRole {
  return Object.hasOwn(TOOL_PLAN, role);
}

/**
 * One analyst turn: call the role's tools first (those offered), retry once with default arguments a call the
 * tool refused as invalid, then write the report from the tool answers.
 */
export function analystTurn(role: AnalystRole, request: ChatRequest): { text: string; toolCalls: ToolCall[] } {
  const offered = new Set((request.tools ?? []).map((t) => t.name));
  const toolTurns = request.messages.filter((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0).length;
  const answers = toolAnswers(request.messages);
  if (offered.size > 0 && toolTurns === 0) {
    const calls = TOOL_PLAN[role].filter((c) => offered.has(c.name));
    if (calls.length > 0)
      return { text: '', toolCalls: calls.map((c) => ({ id: `call_1_${c.name}`, name: c.name, arguments: { ...c.arguments } })) };
  }
  if (offered.size > 0 && toolTurns === 1) {
    const refused = [...answers].filter(([name, content]) => offered.has(name) && content.startsWith('INVALID ARGUMENTS'));
    if (refused.length > 0) return { text: '', toolCalls: refused.map(([name]) => ({ id: `call_2_${name}`, name, arguments: {} })) };
  }
  return { text: WRITERS[role](readPrompt(request.messages), answers), toolCalls: [] };
}

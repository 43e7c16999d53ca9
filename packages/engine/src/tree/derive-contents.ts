import type { DebateTurn } from '../agents/agent-context.js';
import type { RunContext } from '../machine/run-context.js';
import { AGENT_NODE, ANALYST_NODE, messagesNodeId, reportNodeId } from '../machine/tree-layout.js';

/**
 * The text of every report / messages node that has any, by node id: analyst reports, each debater's turns
 * (one section per round, so a new turn appends), the plans, the final text, and the messages each agent
 * appended (`messages`, keyed by agent node id).
 */
export function deriveContents(context: RunContext, messages: Readonly<Record<string, string>>): Record<string, string> {
  const contents: Record<string, string> = {};
  const put = (agentId: string, text: string | null | undefined) => {
    if (text) contents[reportNodeId(agentId)] = text;
  };
  for (const [kind, id] of Object.entries(ANALYST_NODE)) put(id, context.reports[kind as keyof typeof ANALYST_NODE]);
  put(AGENT_NODE.bull, debateTranscript(context.researchDebate, 'bull_researcher'));
  put(AGENT_NODE.bear, debateTranscript(context.researchDebate, 'bear_researcher'));
  put(AGENT_NODE.researchManager, context.investmentPlan);
  put(AGENT_NODE.trader, context.traderPlan);
  put(AGENT_NODE.aggressive, debateTranscript(context.riskDebate, 'aggressive_analyst'));
  put(AGENT_NODE.conservative, debateTranscript(context.riskDebate, 'conservative_analyst'));
  put(AGENT_NODE.neutral, debateTranscript(context.riskDebate, 'neutral_analyst'));
  put(AGENT_NODE.portfolioManager, context.finalText);
  for (const [agentId, text] of Object.entries(messages)) if (text) contents[messagesNodeId(agentId)] = text;
  return contents;
}

/**
 * `deriveContents(context, messages)` made from `previous` (the one of the same context texts) when only the
 * messages of the `grown` agents changed: a copy with their texts replaced. Null when one of them has no
 * messages node in `previous` yet (a new key goes to its place among the others: derive anew).
 */
export function withGrownMessages(
  previous: Readonly<Record<string, string>>,
  messages: Readonly<Record<string, string>>,
  grown: Iterable<string>,
): Record<string, string> | null {
  let next: Record<string, string> | null = null;
  for (const agentId of grown) {
    const id = messagesNodeId(agentId);
    const text = messages[agentId];
    if (previous[id] === undefined || !text) return null;
    next ??= { ...previous };
    next[id] = text;
  }
  return next ?? { ...previous };
}

/** One speaker's turns of a debate, a `### Round n` section each (also their transcript file in `reports/`). */
export function debateTranscript(debate: DebateTurn[], speaker: DebateTurn['speaker']): string {
  return debate
    .filter((t) => t.speaker === speaker)
    .map((t) => `### Round ${t.round}\n\n${t.text.trim()}\n\n`)
    .join('');
}

import type { DebateTurn } from '../agents/agent-context.js';
import type { RunContext } from '../machine/run-context.js';
import { AGENT_NODE, ANALYST_NODE, messagesNodeId, reportNodeId } from '../machine/tree-layout.js';

/** A run's contents as derived before (`deriveContents`) and the context they were derived from. */
export interface DerivedContents {
  context: RunContext;
  contents: Readonly<Record<string, string>>;
}

/**
 * The text of every report / messages node that has any, by node id: analyst reports, each debater's turns
 * (one section per round, so a new turn appends), the plans, the final text, and the messages each agent
 * appended (`messages`, keyed by agent node id). With `previous` (the contents of an earlier context of the
 * same run), a debater's transcript none of whose turns changed is taken from it: the same string, not an
 * equal one built again (and compared again by `diffContents`).
 */
export function deriveContents(
  context: RunContext,
  messages: Readonly<Record<string, string>>,
  previous?: DerivedContents,
): Record<string, string> {
  const contents: Record<string, string> = {};
  const put = (agentId: string, text: string | null | undefined) => {
    if (text) contents[reportNodeId(agentId)] = text;
  };
  const debater = (agentId: string, debate: DebateTurn[], before: DebateTurn[] | undefined, speaker: DebateTurn['speaker']) => {
    const id = reportNodeId(agentId);
    const text = before !== undefined && sameTurnsOf(before, debate, speaker) ? previous!.contents[id] : debateTranscript(debate, speaker);
    if (text) contents[id] = text;
  };
  const research = previous?.context.researchDebate;
  const risk = previous?.context.riskDebate;
  for (const [kind, id] of Object.entries(ANALYST_NODE)) put(id, context.reports[kind as keyof typeof ANALYST_NODE]);
  debater(AGENT_NODE.bull, context.researchDebate, research, 'bull_researcher');
  debater(AGENT_NODE.bear, context.researchDebate, research, 'bear_researcher');
  put(AGENT_NODE.researchManager, context.investmentPlan);
  put(AGENT_NODE.trader, context.traderPlan);
  debater(AGENT_NODE.aggressive, context.riskDebate, risk, 'aggressive_analyst');
  debater(AGENT_NODE.conservative, context.riskDebate, risk, 'conservative_analyst');
  debater(AGENT_NODE.neutral, context.riskDebate, risk, 'neutral_analyst');
  put(AGENT_NODE.portfolioManager, context.finalText);
  for (const [agentId, text] of Object.entries(messages)) if (text) contents[messagesNodeId(agentId)] = text;
  return contents;
}

/**
 * Whether `speaker` has the same turns in `after` as in `before`: `after` is `before` (turns are appended,
 * never changed: the same objects) with only other speakers' turns added.
 */
function sameTurnsOf(before: DebateTurn[], after: DebateTurn[], speaker: DebateTurn['speaker']): boolean {
  if (before === after) return true;
  if (after.length < before.length) return false;
  for (let i = 0; i < before.length; i++) if (after[i] !== before[i]) return false;
  for (let i = before.length; i < after.length; i++) if (after[i]!.speaker === speaker) return false;
  return true;
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

import type { AgentRole } from '@tradingfloor/shared';
import type { DebateTurn, Reports } from '../agent-context.js';
import {
  GROUND_RULES,
  renderBlock,
  renderContextBlock,
  renderDebate,
  renderReports,
  type Prompt,
  type PromptContext,
} from './prompt-context.js';

/** Input of the three risk analysts' prompts. */
export interface RiskAnalystPromptInput extends PromptContext {
  reports: Reports;
  traderPlan: string;
  /** The risk debate so far, oldest first. */
  debate: readonly DebateTurn[];
  round: number;
  maxRounds: number;
}

/** What differs between the aggressive, conservative and neutral analysts' prompts. */
export interface RiskAnalystBrief {
  role: AgentRole;
  title: string;
  stance: string;
  press: readonly string[];
}

/** Builds a risk analyst's prompt from its brief. */
export function buildRiskAnalystPrompt(brief: RiskAnalystBrief, input: RiskAnalystPromptInput): Prompt {
  const others = input.debate.filter((t) => t.speaker !== brief.role);
  const system = [
    `You are ${brief.title} on the risk committee reviewing the trader's plan for ${input.instrument.name} (${input.ticker}) ` +
      `as of ${input.tradeDate}. Three analysts — aggressive, conservative and neutral — debate the plan before the portfolio manager decides.`,
    brief.stance,
    '',
    'Press on:',
    ...brief.press.map((p) => `- ${p}`),
    '',
    'How to argue:',
    '- If the other analysts have spoken, answer their latest points directly: name who said it, quote the claim, and show with figures why you agree or not.',
    '- Judge the plan as written: the transaction, the stop loss and take profit, the size, and what it does to the position held.',
    '- Be concrete: propose the levels or the size you would use instead, and why.',
    '- Close with one line: "Recommendation: …".',
    '',
    GROUND_RULES,
  ].join('\n');
  const user = [
    renderContextBlock(input),
    '',
    renderReports(input.reports),
    '',
    renderBlock('trader_plan', input.traderPlan),
    '',
    renderDebate(input.debate, 'no one has spoken yet: you open the risk debate'),
    '',
    `This is your round ${input.round} of ${input.maxRounds}. ` +
      (others.length > 0 ? 'Answer the latest points of the other analysts, then make your case.' : 'Open the risk debate.'),
  ].join('\n');
  return { system, user };
}

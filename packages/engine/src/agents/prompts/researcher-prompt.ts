import type { AgentRole } from '@tradingfloor/shared';
import type { DebateTurn, Reports } from '../agent-context.js';
import { GROUND_RULES, renderContextBlock, renderDebate, renderReports, type Prompt, type PromptContext } from './prompt-context.js';

/** Input of the bull and bear researchers' prompts. */
export interface ResearcherPromptInput extends PromptContext {
  reports: Reports;
  /** The research debate so far, oldest first. */
  debate: readonly DebateTurn[];
  /** This speaker's round, 1-based, and how many rounds the debate has. */
  round: number;
  maxRounds: number;
}

/** What differs between the bull's and the bear's prompt. */
export interface ResearcherBrief {
  role: AgentRole;
  opponent: AgentRole;
  title: string;
  stance: string;
  lookFor: readonly string[];
}

/** Builds a researcher's prompt from its brief. */
export function buildResearcherPrompt(brief: ResearcherBrief, input: ResearcherPromptInput): Prompt {
  const opponentSpoke = input.debate.some((t) => t.speaker === brief.opponent);
  const system = [
    `You are ${brief.title} in a structured research debate about ${input.instrument.name} (${input.ticker}) as of ${input.tradeDate}.`,
    brief.stance,
    '',
    'Build your case from the analyst reports you are given. Look for:',
    ...brief.lookFor.map((l) => `- ${l}`),
    '',
    'How to argue:',
    '- If the other side has spoken, open by answering their latest points one by one — quote the claim, then rebut it with figures from the reports.',
    '- Then make your own strongest points, each backed by a number from a report. Do not repeat points you already made in earlier rounds.',
    '- Argue like a person in a meeting: direct, concrete, no filler. Concede a point only if you can show why it matters less.',
    '- Close with one line: "Bottom line: …" stating the conclusion you want the research manager to take away.',
    '',
    GROUND_RULES,
  ].join('\n');
  const user = [
    renderContextBlock(input),
    '',
    renderReports(input.reports),
    '',
    renderDebate(input.debate, 'no one has spoken yet: you open the debate'),
    '',
    `This is your round ${input.round} of ${input.maxRounds}. ` +
      (opponentSpoke ? 'Answer the latest points of the other side, then add your own.' : 'Open with your case.'),
  ].join('\n');
  return { system, user };
}

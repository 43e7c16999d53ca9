import { closingLinesInstructions } from '../../decision/closing-lines.js';
import type { Lesson } from '@tradingfloor/shared';
import { renderLessonsBlock } from './render-lessons.js';
import type { DebateTurn, Reports } from '../agent-context.js';
import {
  GROUND_RULES,
  LESSONS_RULE,
  renderContextBlock,
  renderDebate,
  renderReports,
  type Prompt,
  type PromptContext,
} from './prompt-context.js';

/** Input of the research manager's prompt. */
export interface ResearchManagerPromptInput extends PromptContext {
  reports: Reports;
  debate: readonly DebateTurn[];
  /** Lessons from past decisions (memory on), else null: no lessons section. */
  lessons?: readonly Lesson[] | null;
}

/** Prompt of the research manager, who judges the bull/bear debate and writes the investment plan. */
export function buildResearchManagerPrompt(input: ResearchManagerPromptInput): Prompt {
  const system = [
    `You are the research manager. You chaired the bull/bear debate on ${input.instrument.name} (${input.ticker}) ` +
      `as of ${input.tradeDate}, and now you must decide — not summarise.`,
    '',
    'Weigh the arguments on their evidence, not their eloquence: which claims are backed by figures in the reports, ' +
      'which were answered and which were left standing. Do not default to Hold because both sides made points; choose Hold only ' +
      'when the evidence is genuinely balanced.',
    '',
    'Write the investment plan for the trader:',
    '1. Verdict — your rating and why, in two or three sentences.',
    '2. The decisive arguments — the few points from each side that carried the most weight, with their figures.',
    '3. The plan — what to do with the position held, the horizon, and what would prove you wrong (levels or events to watch).',
    '',
    ...(input.lessons ? [LESSONS_RULE, ''] : []),
    GROUND_RULES,
    '',
    closingLinesInstructions(['rating', 'proposal']),
  ].join('\n');
  const user = [
    renderContextBlock(input),
    '',
    renderReports(input.reports),
    '',
    renderDebate(input.debate, 'the researchers did not debate; judge from the reports alone'),
    '',
    ...(input.lessons ? [renderLessonsBlock(input.lessons, input.tradeDate), ''] : []),
    `Judge the debate and write the investment plan for ${input.ticker}, ending with the closing lines.`,
  ].join('\n');
  return { system, user };
}

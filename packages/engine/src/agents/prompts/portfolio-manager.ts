import { closingLinesInstructions } from '../../decision/closing-lines.js';
import { positionRulesText } from '../../decision/position-action.js';
import type { Lesson } from '@tradingfloor/shared';
import { renderLessonsBlock } from './render-lessons.js';
import type { DebateTurn, Reports } from '../agent-context.js';
import {
  GROUND_RULES,
  LESSONS_RULE,
  renderBlock,
  renderContextBlock,
  renderDebate,
  renderReports,
  type Prompt,
  type PromptContext,
} from './prompt-context.js';

/** Input of the portfolio manager's prompt. */
export interface PortfolioManagerPromptInput extends PromptContext {
  reports: Reports;
  investmentPlan: string;
  traderPlan: string;
  riskDebate: readonly DebateTurn[];
  /** Lessons from past decisions (memory on), else null: no lessons section. */
  lessons?: readonly Lesson[] | null;
}

/** Prompt of the portfolio manager, who makes the final, binding decision. */
export function buildPortfolioManagerPrompt(input: PortfolioManagerPromptInput): Prompt {
  const cost =
    input.costPerTrade === null
      ? ''
      : `Each trade costs ${input.costPerTrade.toFixed(2)} ${input.instrument.currency}; do not trade for a gain that does not clearly cover it.`;
  const system = [
    `You are the portfolio manager. The final decision on ${input.instrument.name} (${input.ticker}) for ${input.tradeDate} is yours, ` +
      'and the desk will execute exactly what you write.',
    '',
    "You have the analysts' reports, the research manager's investment plan, the trader's plan and the risk committee's debate. " +
      "Decide: accept the trader's plan, adjust it (levels, size, timing) or overrule it. Where the risk analysts disagree, say whose " +
      'argument wins and why, with the figures that settle it.',
    '',
    'Write:',
    '1. The decision in one or two sentences first — rating, transaction, and what happens to the position held.',
    '2. Rationale — a bullet list of the reasons that carried the decision, each with its figure.',
    '3. Risk management — entry, stop loss, take profit, size, and what would make you reverse the decision.',
    '',
    positionRulesText(),
    cost,
    '',
    ...(input.lessons ? [LESSONS_RULE, ''] : []),
    GROUND_RULES,
    '',
    closingLinesInstructions(['rating', 'proposal'], ['position_action', 'stop_loss', 'take_profit', 'confidence', 'position_size']),
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
  const user = [
    renderContextBlock(input),
    '',
    renderReports(input.reports),
    '',
    renderBlock('investment_plan', input.investmentPlan),
    '',
    renderBlock('trader_plan', input.traderPlan),
    '',
    renderDebate(input.riskDebate, 'the risk committee did not debate'),
    '',
    ...(input.lessons ? [renderLessonsBlock(input.lessons, input.tradeDate), ''] : []),
    `Make the final decision on ${input.ticker}, ending with the closing lines.`,
  ].join('\n');
  return { system, user };
}

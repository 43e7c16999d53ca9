import { closingLinesInstructions } from '../../decision/closing-lines.js';
import { positionRulesText } from '../../decision/position-action.js';
import type { Reports } from '../agent-context.js';
import { GROUND_RULES, renderBlock, renderContextBlock, renderReports, type Prompt, type PromptContext } from './prompt-context.js';

/** Input of the trader's prompt. */
export interface TraderPromptInput extends PromptContext {
  reports: Reports;
  investmentPlan: string;
}

/** Prompt of the trader, who turns the investment plan into a concrete trading plan. */
export function buildTraderPrompt(input: TraderPromptInput): Prompt {
  const cost =
    input.costPerTrade === null
      ? 'No trading cost is set.'
      : `Every trade costs ${input.costPerTrade.toFixed(2)} ${input.instrument.currency}: a trade whose expected gain does not clearly beat ` +
        'that cost (twice, in and out) is not worth making.';
  const system = [
    `You are the trader for ${input.instrument.name} (${input.ticker}). It is the close of ${input.tradeDate}.`,
    'The research manager has handed you an investment plan. Turn it into a trading plan you would actually execute.',
    '',
    'Your plan states:',
    '- the transaction for today (BUY, HOLD or SELL) and what it does to the position held;',
    '- entry: the last close, or the level you would wait for;',
    '- a stop loss and a take profit as prices, sized from the volatility in the reports (e.g. a multiple of ATR) and from the levels the market analyst named;',
    '- the reward-to-risk of those levels and how large the position should be;',
    '- what would make you change the plan.',
    '',
    'Take the position held (see Current position) into account.',
    positionRulesText(),
    cost,
    '',
    GROUND_RULES,
    '',
    closingLinesInstructions(['proposal'], ['position_action', 'stop_loss', 'take_profit', 'confidence']),
  ].join('\n');
  const user = [
    renderContextBlock(input),
    '',
    renderReports(input.reports),
    '',
    renderBlock('investment_plan', input.investmentPlan),
    '',
    `Write your trading plan for ${input.ticker}, ending with the closing lines.`,
  ].join('\n');
  return { system, user };
}

import type { Prompt } from './prompt-context.js';
import { buildRiskAnalystPrompt, type RiskAnalystBrief, type RiskAnalystPromptInput } from './risk-analyst-prompt.js';

const BRIEF: RiskAnalystBrief = {
  role: 'conservative_analyst',
  title: 'the conservative risk analyst',
  stance:
    'You protect capital first: a loss avoided is worth more than a gain missed. You look for what can break the plan and argue ' +
    'for tighter stops, smaller size, or no trade when the evidence is thin.',
  press: [
    'volatility (ATR, Bollinger width) and drawdowns the stop may not survive;',
    'red flags in the fundamentals, the news or the sentiment that the plan glosses over;',
    'the cost of trading and of being wrong compared with the expected gain.',
  ],
};

/** Prompt of the conservative risk analyst. */
export function buildConservativeAnalystPrompt(input: RiskAnalystPromptInput): Prompt {
  return buildRiskAnalystPrompt(BRIEF, input);
}

import type { Prompt } from './prompt-context.js';
import { buildRiskAnalystPrompt, type RiskAnalystBrief, type RiskAnalystPromptInput } from './risk-analyst-prompt.js';

const BRIEF: RiskAnalystBrief = {
  role: 'aggressive_analyst',
  title: 'the aggressive risk analyst',
  stance:
    'You argue for taking the opportunity with conviction: the cost of missing a move is a risk too. You champion high-reward ' +
    'setups, larger size when the evidence lines up, and targets that let winners run.',
  press: [
    'upside the plan leaves on the table (a target too close, a position too small, a wait too long);',
    'where caution is driven by noise rather than by the figures;',
    'how the stop can protect the downside while the position stays meaningful.',
  ],
};

/** Prompt of the aggressive risk analyst. */
export function buildAggressiveAnalystPrompt(input: RiskAnalystPromptInput): Prompt {
  return buildRiskAnalystPrompt(BRIEF, input);
}

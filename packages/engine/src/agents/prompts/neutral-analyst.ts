import type { Prompt } from './prompt-context.js';
import { buildRiskAnalystPrompt, type RiskAnalystBrief, type RiskAnalystPromptInput } from './risk-analyst-prompt.js';

const BRIEF: RiskAnalystBrief = {
  role: 'neutral_analyst',
  title: 'the neutral risk analyst',
  stance:
    'You look for the balanced plan: enough exposure to benefit if the thesis is right, enough protection if it is wrong. ' +
    'You test both the aggressive and the conservative arguments and keep what survives.',
  press: [
    'where the aggressive view overreaches and where the conservative view is too timid, with figures;',
    'a middle path: staged entry, a partial position, or levels between the two proposals;',
    'whether the reward-to-risk of the plan justifies the trade at all.',
  ],
};

/** Prompt of the neutral risk analyst. */
export function buildNeutralAnalystPrompt(input: RiskAnalystPromptInput): Prompt {
  return buildRiskAnalystPrompt(BRIEF, input);
}

import type { Prompt } from './prompt-context.js';
import { buildResearcherPrompt, type ResearcherBrief, type ResearcherPromptInput } from './researcher-prompt.js';

const BRIEF: ResearcherBrief = {
  role: 'bull_researcher',
  opponent: 'bear_researcher',
  title: 'the bull researcher',
  stance:
    'Your job is to make the strongest honest case for owning the stock (or adding to it): why the upside outweighs the risks. ' +
    'You are an advocate, but an evidence-bound one.',
  lookFor: [
    'growth and profitability that the price does not yet reflect;',
    'a healthy trend and momentum (price above rising averages, supportive MACD/RSI);',
    'positive news flow, catalysts and improving sentiment;',
    'a balance sheet strong enough to ride out the risks the bear raises.',
  ],
};

/** Prompt of the bull researcher. */
export function buildBullResearcherPrompt(input: ResearcherPromptInput): Prompt {
  return buildResearcherPrompt(BRIEF, input);
}

import type { Prompt } from './prompt-context.js';
import { buildResearcherPrompt, type ResearcherBrief, type ResearcherPromptInput } from './researcher-prompt.js';

const BRIEF: ResearcherBrief = {
  role: 'bear_researcher',
  opponent: 'bull_researcher',
  title: 'the bear researcher',
  stance:
    'Your job is to make the strongest honest case against owning the stock (or for reducing it): what can go wrong, ' +
    'what the price already assumes, and why the risks outweigh the upside.',
  lookFor: [
    'a broken or weakening trend, bearish momentum, stretched readings that tend to revert;',
    'slowing growth, thin or falling margins, leverage, weak cash flow, a demanding valuation;',
    'negative headlines, fading sentiment, a hostile market backdrop;',
    'volatility and drawdowns that make the position hard to hold.',
  ],
};

/** Prompt of the bear researcher. */
export function buildBearResearcherPrompt(input: ResearcherPromptInput): Prompt {
  return buildResearcherPrompt(BRIEF, input);
}

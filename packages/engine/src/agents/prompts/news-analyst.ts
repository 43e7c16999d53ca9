import { buildAnalystPrompt, type AnalystBrief, type AnalystPromptInput } from './analyst-prompt.js';
import type { Prompt } from './prompt-context.js';

const BRIEF: AnalystBrief = {
  title: 'the news analyst',
  mission:
    'You read the recent company headlines and the wider market news and explain which events could move the share price, ' +
    'in which direction, and how much they are already priced in.',
  heading: 'News analysis',
  cover: [
    'The company headlines of the window: how many, how positive or negative (sentiment scores where given), the themes.',
    'The few headlines that matter most, with date and source, and why they matter.',
    'The market-wide backdrop (macro, rates, sector moves) from the market news and whether it helps or hurts this stock.',
    'Catalysts and risks ahead that the news points to (earnings, products, lawsuits, regulation), without guessing dates you were not given.',
  ],
};

/** Prompt of the news analyst (company and market headlines). */
export function buildNewsAnalystPrompt(input: AnalystPromptInput): Prompt {
  return buildAnalystPrompt(BRIEF, input);
}

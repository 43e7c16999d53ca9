import { buildAnalystPrompt, type AnalystBrief, type AnalystPromptInput } from './analyst-prompt.js';
import type { Prompt } from './prompt-context.js';

const BRIEF: AnalystBrief = {
  title: 'the social-media and sentiment analyst',
  mission:
    'You gauge how people feel about the company right now — the mood, how loud it is and which way it is moving — ' +
    'and whether that mood is a tailwind or a warning sign for the share price.',
  heading: 'Sentiment analysis',
  cover: [
    'How much the company is talked about (mentions over the window) and whether that is rising or falling.',
    'The balance of bullish, bearish and neutral items and the average sentiment score (−1 … +1).',
    'The trend of sentiment day by day: improving, fading or flat.',
    'The most positive and the most negative items, quoted briefly with their dates.',
    'What the mood implies for the next weeks, and where sentiment looks crowded or contrarian.',
    'Be explicit about what the sentiment source actually is (e.g. headline sentiment standing in for social posts).',
  ],
};

/** Prompt of the social-media / sentiment analyst. */
export function buildSocialAnalystPrompt(input: AnalystPromptInput): Prompt {
  return buildAnalystPrompt(BRIEF, input);
}

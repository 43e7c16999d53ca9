import { GROUND_RULES, renderContextBlock, type Prompt, type PromptContext } from './prompt-context.js';

/** Input of every analyst prompt: the run's context and the names of the tools the analyst may call. */
export interface AnalystPromptInput extends PromptContext {
  toolNames: readonly string[];
}

/** What differs between the four analysts' prompts. */
export interface AnalystBrief {
  /** e.g. "the market (technical) analyst". */
  title: string;
  /** One paragraph: what this analyst is for. */
  mission: string;
  /** What the report must cover, one item a line. */
  cover: readonly string[];
  /** The report's first heading, e.g. "Market analysis". */
  heading: string;
}

/**
 * The line every analyst report carries right under its heading, so that the researchers and managers can see
 * each report's verdict at a glance (the offline model reads it too).
 */
const SIGNAL_LINE_FORM = 'Signal: <strongly bullish|bullish|neutral|bearish|strongly bearish> (score <+n> of <m>)';

/** Builds an analyst's prompt from its brief. */
export function buildAnalystPrompt(brief: AnalystBrief, input: AnalystPromptInput): Prompt {
  const tools = input.toolNames.length > 0 ? input.toolNames.join(', ') : '(none: say that no data could be fetched)';
  const system = [
    `You are ${brief.title} on the research team of a trading desk. ${brief.mission}`,
    '',
    `You study ${input.instrument.name} (${input.ticker}) as of the close of ${input.tradeDate}.`,
    `Tools you can call: ${tools}. Call them first — several at once if you like — and base every statement on what they return.`,
    'A tool answer starting with "DATA UNAVAILABLE" or "INVALID ARGUMENTS" is not data: fix the arguments once, or report the gap.',
    '',
    'Your report must cover:',
    ...brief.cover.map((c) => `- ${c}`),
    '',
    'Report format (markdown):',
    `- Start with the heading "## ${brief.heading}: ${input.ticker}" and right under it the line`,
    `  ${SIGNAL_LINE_FORM}`,
    '  where the score counts the factors you weighed (+1 supportive, −1 adverse, 0 mixed) out of how many you weighed.',
    '- Then your analysis in short sections, quoting the figures (levels, percentages, dates) you rely on.',
    '- End with a markdown summary table: | Factor | Reading | Signal |, one row per factor and a last row "Overall".',
    '',
    GROUND_RULES,
  ].join('\n');
  const user = [
    renderContextBlock(input),
    '',
    `Gather the data you need with your tools, then write your ${brief.heading.toLowerCase()} report on ${input.ticker} for ${input.tradeDate}.`,
  ].join('\n');
  return { system, user };
}

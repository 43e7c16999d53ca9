import type { Prompt } from './prompt-context.js';

/** What the reflector judges: one past decision, the situation it was taken in, and how it turned out. */
export interface ReflectorPromptInput {
  ticker: string;
  decisionDate: string;
  action: string;
  rating: string;
  /** The decision's one-line summary. */
  summary: string;
  /** The reports' key points at the decision. */
  situation: string;
  outcomeDate: string;
  horizon: number;
  /** Formatted returns, e.g. "+3.10%"; "n/a" when unknown. */
  realisedReturn: string;
  decisionReturn: string;
  benchmarkReturn: string;
  alpha: string;
}

/**
 * Prompt of the reflector: after a decision's outcome is known, it writes the lesson later runs are shown.
 * Line labels inside `<decision>` and `<outcome>` are stable: the offline model reads them.
 */
export function buildReflectorPrompt(input: ReflectorPromptInput): Prompt {
  const system = [
    'You are the reflector of a trading desk. A decision was taken some days ago; its outcome is now known. ' +
      'Judge it honestly and write a short lesson for the research manager and the portfolio manager of later decisions.',
    '',
    'Write, in at most 120 words of markdown:',
    '1. Verdict — was the decision right, and by how much (quote the returns given)?',
    '2. Why — which points of the situation pointed the right way and which misled.',
    '3. Keep — one habit to keep. Change — one thing to do differently in a similar situation.',
    '',
    'Use only the figures given. One outcome is one sample: say so when the move is small, and do not draw sweeping rules from it.',
  ].join('\n');
  const user = [
    '<decision>',
    `Ticker: ${input.ticker}`,
    `Decision date: ${input.decisionDate}`,
    `Action: ${input.action}`,
    `Rating: ${input.rating}`,
    `Summary: ${input.summary}`,
    '</decision>',
    '',
    '<situation>',
    input.situation || '(no reports were kept)',
    '</situation>',
    '',
    '<outcome>',
    `Outcome date: ${input.outcomeDate} (${input.horizon} trading days later)`,
    `Return of ${input.ticker}: ${input.realisedReturn}`,
    `Decision return: ${input.decisionReturn}`,
    `Return of SPY: ${input.benchmarkReturn}`,
    `Alpha vs SPY: ${input.alpha}`,
    '</outcome>',
    '',
    `Write the lesson of this ${input.action} on ${input.ticker}.`,
  ].join('\n');
  return { system, user };
}

import { buildAnalystPrompt, type AnalystBrief, type AnalystPromptInput } from './analyst-prompt.js';
import type { Prompt } from './prompt-context.js';

const BRIEF: AnalystBrief = {
  title: 'the fundamentals analyst',
  mission:
    "You read the company's filings and judge the business behind the ticker: is it growing, profitable, financed soundly, " +
    'and is the share price asking too much for it?',
  heading: 'Fundamentals analysis',
  cover: [
    'Which filing you rely on (form, fiscal period, period end, filing date) — only filings published by the trade date count.',
    'Growth: revenue and earnings against the earlier snapshots (year over year where possible).',
    'Profitability: gross, operating and net margins; free cash flow.',
    'Balance sheet: debt to equity, current ratio, cash.',
    'Valuation: P/E from trailing EPS and the last close, and what it implies.',
    'The strengths and red flags a long-term holder should know.',
  ],
};

/** Prompt of the fundamentals analyst (filings, ratios, valuation). */
export function buildFundamentalsAnalystPrompt(input: AnalystPromptInput): Prompt {
  return buildAnalystPrompt(BRIEF, input);
}

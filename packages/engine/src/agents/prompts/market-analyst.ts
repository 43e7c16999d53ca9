import { buildAnalystPrompt, type AnalystBrief, type AnalystPromptInput } from './analyst-prompt.js';
import type { Prompt } from './prompt-context.js';

const BRIEF: AnalystBrief = {
  title: 'the market (technical) analyst',
  mission:
    'You read price action and technical indicators and tell the team what the chart says about trend, momentum and risk — ' +
    'not what the company is worth.',
  heading: 'Market analysis',
  cover: [
    'Price action over the window: last close, change, high/low, distance from the recent high (drawdown), volume.',
    'Trend: price against the 50- and 200-day SMAs, and the 50-day against the 200-day; the 10-day EMA for the short term.',
    'Momentum: RSI(14) zone (above 70 stretched, below 30 washed out) and MACD(12/26/9) against its signal, with any recent cross.',
    'Volatility: where price sits in the Bollinger bands (20, 2σ) and ATR(14) in price and as a % of price — the trader sizes stops from it.',
    'Volume confirmation: VWMA against price, MFI(14).',
    'Levels that matter: supports and resistances you can read from the data.',
  ],
};

/** Prompt of the market analyst (price history and technical indicators). */
export function buildMarketAnalystPrompt(input: AnalystPromptInput): Prompt {
  return buildAnalystPrompt(BRIEF, input);
}

import { ROLE_LABELS, type Position } from '@tradingfloor/shared';
import type { InstrumentContext } from '../../data/vendor.js';
import type { AgentContext, DebateTurn, Reports } from '../agent-context.js';

/** What every prompt states about the run: the instrument, the day, the position held and the cost of trading. */
export interface PromptContext {
  ticker: string;
  /** YYYY-MM-DD; the agents reason as of this day's close. */
  tradeDate: string;
  instrument: InstrumentContext;
  position: Position;
  /** Cost of one trade in the account currency, when the run sets one. */
  costPerTrade: number | null;
}

/** A prompt: the system message (who the agent is, how to answer) and the user message (the material). */
export interface Prompt {
  system: string;
  user: string;
}

/** The prompt context of an agent step. */
export function promptContextOf(ctx: AgentContext): PromptContext {
  return {
    ticker: ctx.config.ticker,
    tradeDate: ctx.config.trade_date,
    instrument: ctx.instrument,
    position: ctx.position,
    costPerTrade: ctx.config.cost_per_trade ?? null,
  };
}

/** One line on the position, e.g. `long · entry 150.00 · stop loss 140.00 · take profit 170.00 · quantity 10`. */
function describePosition(p: Position): string {
  if (p.side === 'none') return 'none (flat: no shares held and no short open)';
  const parts: string[] = [p.side];
  if (p.entry_price !== undefined) parts.push(`entry ${p.entry_price.toFixed(2)}`);
  if (p.stop_loss !== undefined) parts.push(`stop loss ${p.stop_loss.toFixed(2)}`);
  if (p.take_profit !== undefined) parts.push(`take profit ${p.take_profit.toFixed(2)}`);
  if (p.quantity !== undefined) parts.push(`quantity ${p.quantity}`);
  return parts.join(' · ');
}

/** The name and kind of data, so the agent names the right company and never calls demo data market data. */
function describeInstrument(i: InstrumentContext): string {
  const origin = i.demo
    ? 'DEMO DATA: a fictional company from the generated demo market; its prices, filings and headlines are simulated, not real market data'
    : 'real market data';
  return `${i.name} (${i.ticker}) — ${origin}`;
}

/** The `<context>` block every user message starts with. Line labels are stable: the offline model reads them. */
export function renderContextBlock(c: PromptContext): string {
  const i = c.instrument;
  const lines = [
    '<context>',
    `Ticker: ${c.ticker}`,
    `Company: ${describeInstrument(i)}`,
    `Sector: ${i.sector ?? 'unknown'} · Industry: ${i.industry ?? 'unknown'}`,
    `Exchange: ${i.exchange ?? 'unknown'} · Currency: ${i.currency}`,
  ];
  if (i.description) lines.push(`Description: ${i.description}`);
  lines.push(`Trade date: ${c.tradeDate} (reason as of this day's close; nothing after it is known)`);
  lines.push(`Current position: ${describePosition(c.position)}`);
  lines.push(`Cost per trade: ${c.costPerTrade === null ? 'not set' : `${c.costPerTrade.toFixed(2)} ${i.currency}`}`);
  lines.push('</context>');
  return lines.join('\n');
}

/** The analyst reports, each inside `<report analyst="…">` tags so that the boundaries are unambiguous. */
export function renderReports(reports: Reports): string {
  const kinds = (['market', 'social', 'news', 'fundamentals'] as const).filter((k) => reports[k] !== undefined);
  if (kinds.length === 0) return '<reports>\n(no analyst reports are available)\n</reports>';
  const body = kinds.map((k) => `<report analyst="${k}">\n${reports[k]?.trim()}\n</report>`);
  return ['<reports>', ...body, '</reports>'].join('\n');
}

/** The debate so far, oldest first, each turn tagged with its speaker and round. */
export function renderDebate(turns: readonly DebateTurn[], emptyNote: string): string {
  if (turns.length === 0) return `<debate>\n(${emptyNote})\n</debate>`;
  const body = turns.map(
    (t) => `<turn speaker="${t.speaker}" round="${t.round}" label="${ROLE_LABELS[t.speaker]}">\n${t.text.trim()}\n</turn>`,
  );
  return ['<debate>', ...body, '</debate>'].join('\n');
}

/** A named block of earlier work, e.g. the investment plan. */
export function renderBlock(tag: string, text: string): string {
  return `<${tag}>\n${text.trim()}\n</${tag}>`;
}

/** House rules every agent follows. */
export const GROUND_RULES = [
  'Ground rules:',
  '- Use only the figures in this conversation (tool results, reports, plans). If something is missing, say so; never invent numbers, dates or news.',
  '- Nothing after the trade date exists for you: no later prices, no later events.',
  '- When the company is marked DEMO DATA, call it demo data, never market data.',
  '- Write in clear markdown for a portfolio team; be specific (levels, percentages, dates) and brief.',
].join('\n');

/** How the managers use the "lessons from past decisions" section (memory on only). */
export const LESSONS_RULE =
  'The <lessons> block holds lessons from past decisions, each judged after its outcome was known. Weigh what they say about ' +
  "repeated mistakes, but decide on today's evidence; say briefly whether a lesson changed your view.";

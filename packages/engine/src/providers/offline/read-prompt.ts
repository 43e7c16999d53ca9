import { ANALYST_KINDS, type AnalystKind } from '@tradingfloor/shared';
import type { ChatMessage } from '../provider.js';

/** The position as the prompt states it. */
export interface StatedPosition {
  side: 'none' | 'long' | 'short';
  entry: number | null;
  stopLoss: number | null;
  takeProfit: number | null;
  quantity: number | null;
}

/** One debate turn as the prompt renders it. */
export interface StatedTurn {
  speaker: string;
  round: number;
  text: string;
}

/** What the offline model reads from a prompt's user message — the same text a real model reads. */
export interface PromptFacts {
  ticker: string;
  company: string;
  demo: boolean;
  tradeDate: string | null;
  currency: string;
  position: StatedPosition;
  costPerTrade: number | null;
  reports: Partial<Record<AnalystKind, string>>;
  debate: StatedTurn[];
  investmentPlan: string | null;
  traderPlan: string | null;
  /** The "lessons from past decisions" section: how many and the first one's headline; null without one. */
  lessons: { count: number; first: string | null } | null;
}

function line(text: string, label: string): string | null {
  const m = text.match(new RegExp(`^${label}:[ \\t]*(.+)$`, 'm'));
  return m?.[1]?.trim() ?? null;
}

function numberAfter(text: string, label: string): number | null {
  const m = text.match(new RegExp(`${label}\\s+(-?\\d+(?:\\.\\d+)?)`, 'i'));
  return m?.[1] === undefined ? null : Number(m[1]);
}

function block(text: string, tag: string): string | null {
  const m = text.match(new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`));
  return m?.[1]?.trim() ?? null;
}

function readPosition(text: string): StatedPosition {
  const stated = line(text, 'Current position') ?? 'none';
  const side = /^long\b/i.test(stated) ? 'long' : /^short\b/i.test(stated) ? 'short' : 'none';
  if (side === 'none') return { side, entry: null, stopLoss: null, takeProfit: null, quantity: null };
  return {
    side,
    entry: numberAfter(stated, 'entry'),
    stopLoss: numberAfter(stated, 'stop loss'),
    takeProfit: numberAfter(stated, 'take profit'),
    quantity: numberAfter(stated, 'quantity'),
  };
}

function readLessons(text: string): PromptFacts['lessons'] {
  const section = block(text, 'lessons');
  if (section === null) return null;
  const lessons = [...section.matchAll(/<lesson [^>]*>\n?([^\n]*)/g)];
  return { count: lessons.length, first: lessons[0]?.[1]?.trim() || null };
}

/** Reads the context block, reports, debate and plans of the first user message of a conversation. */
export function readPrompt(messages: readonly ChatMessage[]): PromptFacts {
  const text = messages.find((m) => m.role === 'user')?.content ?? '';
  const ticker = line(text, 'Ticker') ?? 'the stock';
  const companyLine = line(text, 'Company') ?? '';
  const company = companyLine.replace(/\s*\([^)]*\)\s*—.*$/, '').trim() || ticker;
  const cost = line(text, 'Cost per trade');
  const costValue = cost === null ? null : Number.parseFloat(cost);

  const reports: Partial<Record<AnalystKind, string>> = {};
  for (const m of text.matchAll(/<report analyst="(\w+)">\n?([\s\S]*?)\n?<\/report>/g)) {
    const kind = ANALYST_KINDS.find((k) => k === m[1]);
    if (kind && m[2] !== undefined) reports[kind] = m[2];
  }
  const debate: StatedTurn[] = [];
  for (const m of text.matchAll(/<turn speaker="(\w+)" round="(\d+)"[^>]*>\n?([\s\S]*?)\n?<\/turn>/g)) {
    debate.push({ speaker: m[1] ?? '', round: Number(m[2]), text: m[3] ?? '' });
  }
  return {
    ticker,
    company,
    demo: /DEMO DATA/.test(companyLine),
    tradeDate: line(text, 'Trade date')?.match(/\d{4}-\d{2}-\d{2}/)?.[0] ?? null,
    currency: text.match(/Currency:\s*([A-Z]{3})/)?.[1] ?? 'USD',
    position: readPosition(text),
    costPerTrade: costValue !== null && Number.isFinite(costValue) ? costValue : null,
    reports,
    debate,
    investmentPlan: block(text, 'investment_plan'),
    traderPlan: block(text, 'trader_plan'),
    lessons: readLessons(text),
  };
}

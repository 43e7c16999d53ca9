import { z } from 'zod';
import type { ChatMessage } from '../provider.js';

/*
 * Readers for the data tools' JSON answers (see the data tools contract). They are lenient — unknown fields pass,
 * most fields may be missing or null — because the offline model, like a real one, must cope with what it gets.
 */

const num = z.number().nullish();
const str = z.string().nullish();

export const PriceHistoryPayload = z.looseObject({
  ticker: str,
  as_of: str,
  currency: str,
  bars: z.array(z.looseObject({ date: z.string(), open: num, high: num, low: num, close: z.number(), volume: num })).default([]),
  summary: z
    .looseObject({ first_date: str, last_date: str, last_close: num, change_pct: num, high: num, low: num, avg_volume: num })
    .nullish(),
});
export type PriceHistoryPayload = z.infer<typeof PriceHistoryPayload>;

const Indicator = z.looseObject({
  latest: z.union([z.number(), z.record(z.string(), z.number().nullable()), z.null()]).optional(),
  series: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))).optional(),
  note: str,
});
export type IndicatorPayload = z.infer<typeof Indicator>;

export const IndicatorsPayload = z.looseObject({
  ticker: str,
  as_of: str,
  last_close: num,
  indicators: z.record(z.string(), Indicator).default({}),
});
export type IndicatorsPayload = z.infer<typeof IndicatorsPayload>;

const Filing = z.looseObject({
  form: str,
  fiscal_year: z.union([z.number(), z.string()]).nullish(),
  fiscal_period: str,
  period_end: str,
  filed: str,
  /** Set instead of `filed` when the source has no filing date: the SEC deadline, an estimate. */
  filed_estimate: str,
  metrics: z.record(z.string(), z.number().nullable()).default({}),
});
export type FilingPayload = z.infer<typeof Filing>;

export const FundamentalsPayload = z.looseObject({
  ticker: str,
  as_of: str,
  latest: Filing.nullish(),
  history: z.array(Filing).default([]),
  derived: z
    .looseObject({
      net_margin: num,
      revenue_growth_yoy: num,
      debt_to_equity: num,
      current_ratio: num,
      pe_ratio: num,
      eps_ttm: num,
      free_cash_flow: num,
    })
    .default({}),
});
export type FundamentalsPayload = z.infer<typeof FundamentalsPayload>;

const Headline = z.looseObject({ date: z.string(), headline: z.string(), source: str, sentiment_score: num, sentiment_label: str });
export type HeadlinePayload = z.infer<typeof Headline>;

export const NewsPayload = z.looseObject({ ticker: str, as_of: str, from: str, items: z.array(Headline).default([]) });
export type NewsPayload = z.infer<typeof NewsPayload>;

const Scored = z.looseObject({ date: z.string(), headline: z.string(), score: num });
export const SocialPayload = z.looseObject({
  ticker: str,
  as_of: str,
  from: str,
  mentions: num,
  average_score: num,
  bullish: num,
  bearish: num,
  neutral: num,
  daily: z.array(z.looseObject({ date: z.string(), mentions: num, average_score: num })).default([]),
  top_positive: z.array(Scored).default([]),
  top_negative: z.array(Scored).default([]),
  source_note: str,
});
export type SocialPayload = z.infer<typeof SocialPayload>;

/** A tool answer read: the data, or why there is none (the tool's own words when it said so). */
export type Read<T> = { ok: true; data: T } | { ok: false; reason: string };

/** Reads one tool answer with `schema`; text answers such as `DATA UNAVAILABLE: …` become the reason. */
export function readPayload<T>(content: string | undefined, schema: z.ZodType<T>): Read<T> {
  if (content === undefined) return { ok: false, reason: 'the tool was not called' };
  const trimmed = content.trim();
  if (!trimmed.startsWith('{')) return { ok: false, reason: trimmed.split('\n')[0]?.slice(0, 200) || 'empty answer' };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { ok: false, reason: 'the tool answer was not valid JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `unexpected tool answer shape (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  return { ok: true, data: parsed.data };
}

/** The latest answer of each tool in a conversation, by tool name. */
export function toolAnswers(messages: readonly ChatMessage[]): Map<string, string> {
  const answers = new Map<string, string>();
  for (const m of messages) if (m.role === 'tool') answers.set(m.name, m.content);
  return answers;
}

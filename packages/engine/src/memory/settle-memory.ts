import { DEFAULT_MEMORY_HORIZON, type Lesson } from '@tradingfloor/shared';
import type { ReflectorPromptInput } from '../agents/prompts/reflector.js';
import type { MarketDataVendor } from '../data/vendor.js';
import type { LogSink } from '../logs/log-sink.js';
import type { LessonStore } from './lesson-store.js';
import { measureOutcome } from './outcome.js';
import { findPendingDecisions, type PendingDecision } from './pending-decisions.js';
import { signedPct } from '../agents/prompts/render-lessons.js';
import { situationOf } from './situation.js';

/** What settling a ticker's memory needs. */
export interface SettleOptions {
  store: LessonStore;
  ticker: string;
  /** The asking run's trade date: only outcomes on or before it are settled. */
  date: string;
  /** The asking run itself, which has no decision yet. */
  runId: string;
  vendor: MarketDataVendor;
  signal: AbortSignal;
  log: LogSink;
  /** Horizon for decisions whose run did not set one. */
  defaultHorizon?: number;
  /** One model call: the lesson text of a decision. */
  reflect(input: ReflectorPromptInput): Promise<string>;
  /** Who reflects, stored with each lesson. */
  reflectedBy: string;
}

/** What a decision earned over the horizon: the move for BUY, its opposite for SELL, nothing for HOLD. */
export function decisionReturn(action: Lesson['action'], realised: number): number {
  return action === 'BUY' ? realised : action === 'SELL' ? -realised : 0;
}

/**
 * Settles the ticker's pending decisions whose horizon has passed by `date`: for each, the outcome is
 * measured (bars up to `date` only), the reflector writes the lesson, and it is appended to the store.
 * Holds the ticker's lock, so concurrent runs of one ticker settle each decision once. Returns the new lessons.
 */
export async function settlePending(o: SettleOptions): Promise<Lesson[]> {
  return o.store.withTicker(o.ticker, async () => {
    const settled = new Set((await o.store.read(o.ticker)).map((l) => l.run_id));
    const pending = await findPendingDecisions(o.store.resultsDir, o.ticker, { before: o.date, settled, excludeRunId: o.runId });
    const made: Lesson[] = [];
    for (const p of pending) {
      const lesson = await settleOne(o, p);
      if (!lesson) continue;
      await o.store.append(lesson);
      made.push(lesson);
    }
    if (made.length > 0) {
      o.log({
        severity: 'INFO',
        source: 'memory',
        agent_id: null,
        message: `settled ${made.length} past decision(s) of ${o.ticker} into lessons`,
      });
    }
    return made;
  });
}

async function settleOne(o: SettleOptions, p: PendingDecision): Promise<Lesson | null> {
  const horizon = p.horizon ?? o.defaultHorizon ?? DEFAULT_MEMORY_HORIZON;
  let outcome;
  try {
    outcome = await measureOutcome(o.vendor, o.ticker, p.decisionDate, horizon, o.date, o.signal);
  } catch (error) {
    if (o.signal.aborted) throw error;
    o.log({
      severity: 'WARN',
      source: 'memory',
      agent_id: null,
      message: `cannot judge the decision of ${p.decisionDate} (${p.runId}): ${String(error)}`,
    });
    return null;
  }
  if (!outcome) return null;
  const earned = decisionReturn(p.decision.action, outcome.realised_return);
  const alpha = outcome.benchmark_return === null ? null : outcome.realised_return - outcome.benchmark_return;
  const situation = situationOf(p.reports);
  const text = await o.reflect({
    ticker: o.ticker,
    decisionDate: p.decisionDate,
    action: p.decision.action,
    rating: p.decision.rating,
    summary: p.decision.summary,
    situation,
    outcomeDate: outcome.outcome_date,
    horizon,
    realisedReturn: signedPct(outcome.realised_return),
    decisionReturn: signedPct(earned),
    benchmarkReturn: signedPct(outcome.benchmark_return),
    alpha: signedPct(alpha),
  });
  return {
    ticker: o.ticker,
    run_id: p.runId,
    decision_date: p.decisionDate,
    outcome_date: outcome.outcome_date,
    horizon,
    action: p.decision.action,
    rating: p.decision.rating,
    realised_return: outcome.realised_return,
    decision_return: earned,
    benchmark_return: outcome.benchmark_return,
    alpha,
    situation,
    text,
    reflected_by: o.reflectedBy,
  };
}

import MiniSearch from 'minisearch';
import type { Lesson } from '@tradingfloor/shared';

/** How many lessons a run is shown. */
export interface RetrievalLimits {
  /** The latest lessons of the run's own ticker (default 3). */
  sameTicker?: number;
  /** The most similar situations of other tickers (default 2). */
  otherTickers?: number;
}

const newestFirst = (a: Lesson, b: Lesson) =>
  b.outcome_date.localeCompare(a.outcome_date) || b.decision_date.localeCompare(a.decision_date) || a.run_id.localeCompare(b.run_id);

/**
 * The lessons a run on `date` sees. The date filter comes FIRST, before any ranking: only lessons whose
 * `outcome_date` ≤ `date` exist for this run, so a later outcome can never reach a prompt, whatever its score.
 * Then: the latest lessons of the same ticker, plus the lessons of other tickers whose situation and text
 * match `situation` best (BM25 ranking by MiniSearch; ties keep the newest first).
 */
export function retrieveLessons(
  all: readonly Lesson[],
  query: { ticker: string; date: string; situation: string },
  limits: RetrievalLimits = {},
): Lesson[] {
  const known = all.filter((l) => l.outcome_date <= query.date);
  const own = known
    .filter((l) => l.ticker === query.ticker)
    .sort(newestFirst)
    .slice(0, limits.sameTicker ?? 3);
  const wanted = limits.otherTickers ?? 2;
  const others = known.filter((l) => l.ticker !== query.ticker).sort(newestFirst);
  if (wanted <= 0 || others.length === 0 || query.situation.trim() === '') return own;
  const index = new MiniSearch<{ id: number; situation: string; text: string }>({
    fields: ['situation', 'text'],
    storeFields: [],
  });
  index.addAll(others.map((l, id) => ({ id, situation: l.situation, text: l.text })));
  const hits = index.search(query.situation, { boost: { situation: 2 }, combineWith: 'OR' });
  // Equal scores keep the newest-first order of `others` (its index is the id).
  hits.sort((a, b) => b.score - a.score || Number(a.id) - Number(b.id));
  return [...own, ...hits.slice(0, wanted).map((h) => others[Number(h.id)]!)];
}

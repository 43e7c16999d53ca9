import type { Action, Rating } from '@tradingfloor/shared';

/** A rating or action found in the wording of a text; `level` 1 is an explicit label, higher is looser. */
export interface Wording {
  rating?: Rating;
  action?: Action;
  level: number;
  index: number;
  /** The words matched, for notes. */
  phrase: string;
}

/** Words a recommendation may use, mapped to a rating. */
const WORD_RATING: Array<[RegExp, Rating]> = [
  [/^strong(ly)?[\s-]+buy/i, 'Buy'],
  [/^strong(ly)?[\s-]+sell/i, 'Sell'],
  [/^(buy|buying|going long|go long)$/i, 'Buy'],
  [/^(overweight|outperform|accumulate|accumulating|adding|add)$/i, 'Overweight'],
  [/^(hold|holding|neutral|wait|waiting)$/i, 'Hold'],
  [/^(underweight|underperform|reduce|reducing|trim|trimming)$/i, 'Underweight'],
  [/^(sell|selling|exit|exiting|going short|go short|short|shorting)$/i, 'Sell'],
];

/** The rating a recommendation word stands for. */
function ratingOfWord(word: string): Rating | undefined {
  const w = word.trim().replace(/\s+/g, ' ');
  return WORD_RATING.find(([re]) => re.test(w))?.[1];
}

export function actionOfRating(r: Rating): Action {
  return r === 'Buy' || r === 'Overweight' ? 'BUY' : r === 'Hold' ? 'HOLD' : 'SELL';
}

const RATING_WORDS =
  'strong(?:ly)?[\\s-]+buy|strong(?:ly)?[\\s-]+sell|buy|overweight|hold|underweight|sell|outperform|underperform|accumulate|reduce|neutral';
const VERB_WORDS =
  'buying|selling|holding|accumulating|reducing|trimming|exiting|adding|going long|going short|shorting|strong(?:ly)?[\\s-]+buy|strong(?:ly)?[\\s-]+sell|buy|sell|hold|accumulate|reduce|trim|exit|add|wait|waiting';
const SEPARATOR = '\\s*(?:is\\s+(?:to\\s+|an?\\s+)?|of\\s+(?:an?\\s+)?|[:=–—-]+\\s*(?:an?\\s+)?)';
const EMPH = `[*_"'\`\\s]*`;

/** Patterns from the most explicit (level 1) to the loosest (level 4). */
const PATTERNS: Array<{ level: number; re: RegExp; kind: 'rating' | 'action' | 'both' }> = [
  {
    level: 1,
    kind: 'rating',
    re: new RegExp(
      `\\b(?:overall\\s+|final\\s+|our\\s+)?(?:rating|recommendation|verdict|stance|call|decision)${SEPARATOR}${EMPH}(${RATING_WORDS})\\b`,
      'gi',
    ),
  },
  {
    level: 1,
    kind: 'action',
    re: new RegExp(`\\b(?:action|transaction(?:\\s+proposal)?|proposal|decision|trade|order)${SEPARATOR}${EMPH}(buy|sell|hold)\\b`, 'gi'),
  },
  {
    level: 2,
    kind: 'both',
    re: new RegExp(
      `\\b(?:we|i)\\s+(?:would\\s+|therefore\\s+|strongly\\s+)?(?:recommend|advise|suggest|favou?r|propose)(?:\\s+(?:a|an|to))?${EMPH}(${VERB_WORDS})\\b`,
      'gi',
    ),
  },
  {
    level: 2,
    kind: 'rating',
    re: new RegExp(`\\b(?:rate|rating|upgrade|downgrade)\\s+(?:[\\w.-]+\\s+){0,3}?(?:to|as|at)${EMPH}(${RATING_WORDS})\\b`, 'gi'),
  },
  { level: 2, kind: 'both', re: new RegExp(`\\b(${RATING_WORDS})\\s+(?:rating|recommendation)\\b`, 'gi') },
  { level: 3, kind: 'both', re: new RegExp(`(?:\\*\\*|__)\\s*(${RATING_WORDS})\\s*[.!]?\\s*(?:\\*\\*|__)`, 'gi') },
  { level: 3, kind: 'rating', re: /\b(strong(?:ly)?[\s-]+buy|strong(?:ly)?[\s-]+sell|overweight|underweight)\b/gi },
  // Bare upper-case transaction words, e.g. "… so we SELL."; case-sensitive on purpose.
  { level: 4, kind: 'action', re: /\b(BUY|SELL|HOLD)\b/g },
];

/** A negation just before a match ("we would not recommend buying", "no longer a Buy") voids it. */
function negated(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 30), index);
  const clause = before.split(/[.;!?\n]/).at(-1) ?? '';
  return /\b(not|n't|never|no longer|nor|avoid|against|rather than|instead of)\b/i.test(clause);
}

/** Every recommendation the wording of a text makes, in order of appearance. */
export function findWordings(text: string): Wording[] {
  const found: Wording[] = [];
  for (const { level, re, kind } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const word = m[1];
      if (word === undefined || negated(text, m.index)) continue;
      const rating = ratingOfWord(word);
      if (!rating) continue;
      const w: Wording = { level, index: m.index, phrase: m[0].replace(/\s+/g, ' ').trim() };
      if (kind === 'action') w.action = actionOfRating(rating);
      else {
        w.rating = rating;
        if (kind === 'both') w.action = actionOfRating(rating);
      }
      found.push(w);
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * The value the wordings settle on: the most explicit level wins; within it the last mention (a conclusion
 * comes last). Returns the conflicting values too, for a note.
 */
export function settle<T extends string>(
  wordings: readonly Wording[],
  pick: (w: Wording) => T | undefined,
): { value: T; conflicts: T[]; phrase: string } | undefined {
  const withValue = wordings.filter((w) => pick(w) !== undefined);
  if (withValue.length === 0) return undefined;
  const best = Math.min(...withValue.map((w) => w.level));
  const top = withValue.filter((w) => w.level === best);
  const last = top[top.length - 1];
  const value = last ? pick(last) : undefined;
  if (!last || value === undefined) return undefined;
  const conflicts = [...new Set(top.map(pick).filter((v): v is T => v !== undefined && v !== value))];
  return { value, conflicts, phrase: last.phrase };
}

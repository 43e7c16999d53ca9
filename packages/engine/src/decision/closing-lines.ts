import { ACTIONS, POSITION_ACTIONS, RATINGS, type Action, type PositionAction, type Rating } from '@tradingfloor/shared';

/**
 * The closing lines that end the research manager's, trader's and portfolio manager's answers. This file is the
 * one definition of their format: the prompts print it, the offline model writes it, the parser reads it.
 */
export const CLOSING_LINE_LABELS = {
  rating: 'FINAL RATING',
  proposal: 'FINAL TRANSACTION PROPOSAL',
  position_action: 'POSITION ACTION',
  stop_loss: 'STOP LOSS',
  take_profit: 'TAKE PROFIT',
  confidence: 'CONFIDENCE',
  position_size: 'POSITION SIZE',
} as const;
export type ClosingLineKey = keyof typeof CLOSING_LINE_LABELS;

/** The canonical order of the closing lines. */
const CLOSING_LINE_ORDER: readonly ClosingLineKey[] = [
  'rating',
  'proposal',
  'position_action',
  'stop_loss',
  'take_profit',
  'confidence',
  'position_size',
];

const LINE_FORMS: Record<ClosingLineKey, string> = {
  rating: `${CLOSING_LINE_LABELS.rating}: <${RATINGS.join('|')}>`,
  proposal: `${CLOSING_LINE_LABELS.proposal}: **<${ACTIONS.join('|')}>**`,
  position_action: `${CLOSING_LINE_LABELS.position_action}: <${POSITION_ACTIONS.join('|')}>`,
  stop_loss: `${CLOSING_LINE_LABELS.stop_loss}: <price, or n/a>`,
  take_profit: `${CLOSING_LINE_LABELS.take_profit}: <price, or n/a>`,
  confidence: `${CLOSING_LINE_LABELS.confidence}: <0-100>%`,
  position_size: `${CLOSING_LINE_LABELS.position_size}: <0-100>% of a full position`,
};

/** What the closing lines of a text say; a key is absent when its line is missing or unreadable. */
export interface ClosingLines {
  rating?: Rating;
  action?: Action;
  positionAction?: PositionAction;
  /** null = stated as "n/a". */
  stopLoss?: number | null;
  takeProfit?: number | null;
  /** 0..1. */
  confidence?: number;
  /** Share of a full position, 0..1. */
  positionSize?: number;
}

/**
 * The instruction paragraph a prompt ends with: which closing lines to write, in which exact form.
 * `optional` lines are asked for too, but an answer without them is accepted.
 */
export function closingLinesInstructions(required: readonly ClosingLineKey[], optional: readonly ClosingLineKey[] = []): string {
  const keys = CLOSING_LINE_ORDER.filter((k) => required.includes(k) || optional.includes(k));
  // The paragraph depends on the set of lines alone; every prompt of every run asks for one of a few sets.
  const id = keys.join(',');
  let text = instructionsByKeys.get(id);
  if (text === undefined) instructionsByKeys.set(id, (text = renderInstructions(keys)));
  return text;
}

const instructionsByKeys = new Map<string, string>();

function renderInstructions(keys: readonly ClosingLineKey[]): string {
  return [
    'Finish with these closing lines, each on its own line, in exactly this form (a program reads them; pick one value, do not copy the <…> brackets):',
    '',
    ...keys.map((k) => LINE_FORMS[k]),
    '',
    'Rating scale: Buy = build or hold a full long position; Overweight = lean long / add gradually; Hold = no change; ' +
      'Underweight = reduce exposure; Sell = exit longs or go short. BUY/HOLD/SELL is the transaction you propose today.',
  ].join('\n');
}

/** Writes closing lines in the canonical form (the offline model uses it; so can tests). */
export function renderClosingLines(values: ClosingLines): string {
  const lines: string[] = [];
  const price = (n: number | null) => (n === null ? 'n/a' : n.toFixed(2));
  if (values.rating !== undefined) lines.push(`${CLOSING_LINE_LABELS.rating}: ${values.rating}`);
  if (values.action !== undefined) lines.push(`${CLOSING_LINE_LABELS.proposal}: **${values.action}**`);
  if (values.positionAction !== undefined) lines.push(`${CLOSING_LINE_LABELS.position_action}: ${values.positionAction}`);
  if (values.stopLoss !== undefined) lines.push(`${CLOSING_LINE_LABELS.stop_loss}: ${price(values.stopLoss)}`);
  if (values.takeProfit !== undefined) lines.push(`${CLOSING_LINE_LABELS.take_profit}: ${price(values.takeProfit)}`);
  if (values.confidence !== undefined) lines.push(`${CLOSING_LINE_LABELS.confidence}: ${Math.round(values.confidence * 100)}%`);
  if (values.positionSize !== undefined)
    lines.push(`${CLOSING_LINE_LABELS.position_size}: ${Math.round(values.positionSize * 100)}% of a full position`);
  return lines.join('\n');
}

/** Per label, the pattern of a line carrying it (markdown emphasis, bullets and quotes around it are tolerated). */
const LABELLED_LINE = Object.fromEntries(
  Object.entries(CLOSING_LINE_LABELS).map(([key, label]) => {
    const flexible = label.replace(/ /g, '[\\s_-]+');
    return [key, new RegExp(`^[\\s>*_#-]*${flexible}[\\s*_]*:[\\s*_]*(.*?)[\\s*_.]*$`, 'gim')];
  }),
) as Record<ClosingLineKey, RegExp>;

/** The value of the last line labelled with `key`'s label. */
function lastLabelledValue(text: string, key: ClosingLineKey): string | undefined {
  const re = LABELLED_LINE[key];
  re.lastIndex = 0;
  let value: string | undefined;
  // The pattern never matches empty (it needs the label), so every match moves `lastIndex` on.
  for (let m = re.exec(text); m !== null; m = re.exec(text)) value = m[1];
  return value;
}

/** Finds exactly one of `options` (as a whole word) in `value`; several different ones = unreadable. */
function pickOne<T extends string>(value: string, options: readonly T[], aliases: Record<string, T> = {}): T | undefined {
  const found = new Set<T>();
  const words = value.toLowerCase().match(/[a-z_]+/g) ?? [];
  for (const w of words) {
    const hit = options.find((o) => o.toLowerCase() === w) ?? aliases[w];
    if (hit !== undefined) found.add(hit);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * A price in a text: a number, optionally after `$`, that is not a distance or a share ("2 ATR", "5%", "3x",
 * "10 days"). Its first group is the number.
 */
export const PRICE_PATTERN =
  '\\$?\\s*(\\d[\\d,]*(?:\\.\\d+)?)(?![\\d.,]*\\s*(?:%|atr\\b|x\\b|times\\b|sessions?\\b|days?\\b|weeks?\\b|months?\\b))';

/** Parses a price such as `$1,234.50`, `145.2 USD`; null for n/a-like values; undefined when unreadable. */
export function parsePriceValue(value: string): number | null | undefined {
  const v = value.trim();
  if (/^(?:(?:n\/?a|none|null|not set)\b|[-—]\s*$)/i.test(v)) return null;
  if (/^-\s*\d/.test(v)) return undefined; // a negative price is no price
  const m = v.match(new RegExp(PRICE_PATTERN, 'i'));
  if (!m?.[1]) return undefined;
  const n = Number(m[1].replace(/,/g, ''));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Parses `72%`, `72`, `0.72` into 0..1; undefined when out of range or unreadable. */
function parseConfidenceValue(value: string): number | undefined {
  const m = value.match(/(\d+(?:\.\d+)?)\s*(%)?/);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  const fraction = m[2] !== undefined || n > 1 ? n / 100 : n;
  return fraction >= 0 && fraction <= 1 ? fraction : undefined;
}

/** Rating words a model may use in a closing line besides the five names. */
const RATING_ALIASES: Record<string, Rating> = {
  outperform: 'Overweight',
  accumulate: 'Overweight',
  neutral: 'Hold',
  underperform: 'Underweight',
  reduce: 'Underweight',
};

/** Texts read most recently, with what they say: a run reads each plan several times (offline turns, checks, parser). */
export const CLOSING_LINES_MEMO_MAX = 32;
const memo = new Map<string, Readonly<ClosingLines>>();

/**
 * Reads the closing lines of a text (the last occurrence of each label wins). Remembers the last
 * `CLOSING_LINES_MEMO_MAX` texts read (LRU; the reading depends on the text alone); each call returns its own object.
 */
export function readClosingLines(text: string): ClosingLines {
  let lines = memo.get(text);
  if (lines) {
    memo.delete(text);
  } else {
    lines = scanClosingLines(text);
    if (memo.size >= CLOSING_LINES_MEMO_MAX) memo.delete(memo.keys().next().value!);
  }
  memo.set(text, lines);
  return { ...lines };
}

/** How many texts {@link readClosingLines} remembers now (for tests of its bound). */
export function closingLinesMemoSize(): number {
  return memo.size;
}

function scanClosingLines(text: string): ClosingLines {
  const out: ClosingLines = {};
  const rating = lastLabelledValue(text, 'rating');
  if (rating !== undefined) {
    const r = pickOne(rating, RATINGS, RATING_ALIASES);
    if (r) out.rating = r;
  }
  const proposal = lastLabelledValue(text, 'proposal');
  if (proposal !== undefined) {
    const a = pickOne(proposal, ACTIONS);
    if (a) out.action = a;
  }
  const pa = lastLabelledValue(text, 'position_action');
  if (pa !== undefined) {
    const p = pickOne(pa.replace(/(open|close|maintain)[\s-]+(long|short)/gi, '$1_$2'), POSITION_ACTIONS);
    if (p) out.positionAction = p;
  }
  const sl = lastLabelledValue(text, 'stop_loss');
  const slValue = sl === undefined ? undefined : parsePriceValue(sl);
  if (slValue !== undefined) out.stopLoss = slValue;
  const tp = lastLabelledValue(text, 'take_profit');
  const tpValue = tp === undefined ? undefined : parsePriceValue(tp);
  if (tpValue !== undefined) out.takeProfit = tpValue;
  const conf = lastLabelledValue(text, 'confidence');
  const confValue = conf === undefined ? undefined : parseConfidenceValue(conf);
  if (confValue !== undefined) out.confidence = confValue;
  const size = lastLabelledValue(text, 'position_size');
  const sizeValue = size === undefined ? undefined : parsePositionSize(size);
  if (sizeValue !== undefined) out.positionSize = sizeValue;
  return out;
}

/** Sizes in words a model may write instead of a percentage; fractions first ("two-thirds of full size"). */
const SIZE_WORDS: Array<[RegExp, number]> = [
  [/\bthree[\s-]quarters?\b/i, 0.75],
  [/\btwo[\s-]thirds?\b/i, 2 / 3],
  [/\bhalf\b/i, 0.5],
  [/\b(?:one[\s-])?thirds?\b/i, 1 / 3],
  [/\b(?:one[\s-])?quarter\b/i, 0.25],
  [/\b(?:none|zero|no position)\b/i, 0],
  [/\bfull\b/i, 1],
];

/** Parses `67%`, `0.67`, `two-thirds of full size` into 0..1; undefined when unreadable or out of range. */
export function parsePositionSize(value: string): number | undefined {
  if (/\d/.test(value)) return parseConfidenceValue(value);
  const word = SIZE_WORDS.find(([re]) => re.test(value));
  return word ? Math.round(word[1] * 100) / 100 : undefined;
}

const ANY_CLOSING_LINE = new RegExp(
  `^[\\s>*_#-]*(?:${Object.values(CLOSING_LINE_LABELS)
    .map((l) => l.replace(/ /g, '[\\s_-]+'))
    .join('|')})[\\s*_]*:.*$`,
  'gim',
);

/** The text without its closing lines (readable or not), so that looser readings see only the prose. */
export function withoutClosingLines(text: string): string {
  return text.replace(ANY_CLOSING_LINE, '');
}

/** Which of the `required` closing lines a text lacks (or states unreadably). */
export function missingClosingLines(text: string, required: readonly ClosingLineKey[]): ClosingLineKey[] {
  const lines = readClosingLines(text);
  const present: Record<ClosingLineKey, boolean> = {
    rating: lines.rating !== undefined,
    proposal: lines.action !== undefined,
    position_action: lines.positionAction !== undefined,
    stop_loss: lines.stopLoss !== undefined,
    take_profit: lines.takeProfit !== undefined,
    confidence: lines.confidence !== undefined,
    position_size: lines.positionSize !== undefined,
  };
  return required.filter((k) => !present[k]);
}

/** The follow-up message of the corrective retry: asks for exactly the missing closing lines. */
export function closingLinesReminder(missing: readonly ClosingLineKey[]): string {
  return [
    `Your answer is missing its closing lines (${missing.map((k) => CLOSING_LINE_LABELS[k]).join(', ')}).`,
    'Reply with only the closing lines, consistent with the answer you just gave, in exactly this form:',
    '',
    ...missing.map((k) => LINE_FORMS[k]),
  ].join('\n');
}

import { z } from 'zod';
import { echoInput } from '../text/problem-list.js';
import { describedAs } from './json-stand-in.js';

/** Longest base symbol we accept (exchange symbols are at most 5–6 characters; 10 leaves room for ETFs and ADRs). */
const MAX_BASE_LENGTH = 10;
/** Longest class suffix after the separator, e.g. the `B` of `BRK.B`. */
const MAX_SUFFIX_LENGTH = 4;

/** The result of checking one ticker: the normalised symbol, or the reason it was refused. */
export type TickerCheck = { ok: true; ticker: string } | { ok: false; input: string; reason: string };

/**
 * Checks a ticker: letters and digits, with at most one class suffix after a dot or a dash (`BRK.B`, `RDS-A`).
 * Input is trimmed and upper-cased; anything else is refused with a reason a person can act on.
 */
export function checkTicker(raw: string): TickerCheck {
  const input = raw;
  const ticker = raw.trim().toUpperCase();
  // The reason repeats the input, cut short: a 100 KB "ticker" must not come back as a 100 KB error.
  const shown = echoInput(input);
  const fail = (reason: string): TickerCheck => ({ ok: false, input, reason });
  if (ticker.length === 0) return fail('ticker is empty');
  const bad = [...ticker].find((ch) => !/[A-Z0-9.-]/.test(ch));
  if (bad !== undefined) {
    return fail(`${shown} contains ${JSON.stringify(bad)}: only letters, digits and one "." or "-" class suffix are allowed`);
  }
  const separators = ticker.match(/[.-]/g) ?? [];
  if (separators.length > 1) return fail(`${shown} has more than one "." or "-": at most one class suffix is allowed`);
  const [base = '', suffix] = ticker.split(/[.-]/);
  if (base.length === 0) return fail(`${shown} must start with a letter or digit`);
  if (!/[A-Z]/.test(base)) return fail(`${shown} has no letter: a ticker is not a number`);
  if (base.length > MAX_BASE_LENGTH) return fail(`${shown} is longer than ${MAX_BASE_LENGTH} characters before the suffix`);
  if (suffix !== undefined) {
    if (suffix.length === 0) return fail(`${shown} ends with a separator: the class suffix is missing`);
    if (suffix.length > MAX_SUFFIX_LENGTH) return fail(`${shown} has a class suffix longer than ${MAX_SUFFIX_LENGTH} characters`);
  }
  return { ok: true, ticker };
}

/** A validated, upper-case ticker symbol. Parsing trims and upper-cases. */
export const TickerSchema = describedAs(
  z.string().transform((raw, ctx) => {
    const check = checkTicker(raw);
    if (!check.ok) {
      ctx.addIssue({ code: 'custom', message: check.reason });
      return z.NEVER;
    }
    return check.ticker;
  }),
  z.string(),
);
export type Ticker = z.output<typeof TickerSchema>;

/** Splits a comma- or whitespace-separated list of tickers, checking each one; duplicates are merged in order. */
export function parseTickerList(text: string): { tickers: string[]; errors: Array<{ input: string; reason: string }> } {
  const tickers: string[] = [];
  const errors: Array<{ input: string; reason: string }> = [];
  for (const part of text.split(/[\s,;]+/)) {
    if (part === '') continue;
    const check = checkTicker(part);
    if (!check.ok) errors.push({ input: check.input, reason: check.reason });
    else if (!tickers.includes(check.ticker)) tickers.push(check.ticker);
  }
  return { tickers, errors };
}

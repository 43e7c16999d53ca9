import { z } from 'zod';

/** A decimal number written as text, as form posts and query strings carry them: "3", "-1.5", "2e3". */
const NUMERIC_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

/**
 * A number, or a string that spells one (form posts send every value as text). Unlike `z.coerce.number()`,
 * nothing else is turned into a number: `null`, `[]`, `true` and `""` are refused instead of becoming 0 or 1.
 */
export function numberOrNumericText<T extends z.ZodNumber>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && NUMERIC_TEXT.test(v) ? Number(v) : v), schema);
}

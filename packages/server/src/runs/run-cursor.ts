import { ValidationError, type RunSort, type SortEntry } from '@tradingfloor/shared';

/** The wire form of a sort: `confidence` or `-confidence`. */
const sortName = (sort: RunSort): string => `${sort.desc ? '-' : ''}${sort.key}`;

/**
 * A keyset cursor: the sort and the last run of the page (its value and id), base64url JSON. A keyset rather
 * than an offset, so runs created or finishing between two page requests neither repeat nor go missing.
 */
export function encodeCursor(sort: RunSort, last: SortEntry): string {
  return Buffer.from(JSON.stringify({ s: sortName(sort), v: last.v, id: last.id })).toString('base64url');
}

/** The position a cursor stands for; `ValidationError` when it is malformed or from another sort. */
export function decodeCursor(cursor: string, sort: RunSort): SortEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('cursor is not one this server gave out (pass next_cursor back unchanged)');
  }
  const c = parsed as { s?: unknown; v?: unknown; id?: unknown } | null;
  const validValue = c !== null && typeof c === 'object' && (c.v === null || typeof c.v === 'number' || typeof c.v === 'string');
  if (!validValue || typeof c.id !== 'string' || typeof c.s !== 'string')
    throw new ValidationError('cursor is not one this server gave out (pass next_cursor back unchanged)');
  if (c.s !== sortName(sort))
    throw new ValidationError(`cursor belongs to sort "${c.s}", not "${sortName(sort)}"; start again without a cursor`);
  return { v: c.v as SortEntry['v'], id: c.id };
}

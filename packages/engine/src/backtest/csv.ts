/** A CSV cell: numbers are written with up to 6 decimals (trailing zeros dropped), null as empty. */
type Cell = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

function formatCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toFixed(6))) : '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header row, `\n` line ends and a final newline. */
export function toCsv<T extends Record<string, Cell>>(columns: ReadonlyArray<keyof T & string>, rows: readonly T[]): string {
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => formatCell(row[c])).join(','))];
  return `${lines.join('\n')}\n`;
}

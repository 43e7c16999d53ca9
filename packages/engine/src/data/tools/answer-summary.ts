/** Fields of a tool answer that only repeat the request or its source (the node shows the vendor). */
const ECHO_FIELDS = new Set(['ticker', 'as_of', 'data_source', 'currency']);

/** `2.1 kB` or `840 chars`: the size of an answer of `chars` characters. */
export function sizeOf(chars: number): string {
  return chars >= 1000 ? `${(chars / 1000).toFixed(1)} kB` : `${chars} chars`;
}

/** Whether JSON.stringify writes the field at all (it drops undefined, functions and symbols). */
function isWritten(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/**
 * One line about a JSON object answer of `chars` characters: its list fields with their lengths, then its
 * other top-level fields by name (e.g. `bars: 30 · last_close · 2.1 kB`). Never the numbers themselves.
 * Reads the object before it is serialised, so a tool's answer is not parsed back to be described; the
 * line equals the one read back from `JSON.stringify(answer)` for plain data (fields JSON drops are
 * skipped here too).
 */
export function summariseAnswerObject(answer: object, chars: number): string {
  const lists: string[] = [];
  const others: string[] = [];
  for (const [key, value] of Object.entries(answer)) {
    if (ECHO_FIELDS.has(key) || !isWritten(value)) continue;
    if (Array.isArray(value)) lists.push(`${key}: ${value.length}`);
    else others.push(key);
  }
  // Lists first (the rows the tool found), then the other fields; the echo of the request says nothing.
  const parts = [...lists, ...others];
  return [...parts.slice(0, 6), ...(parts.length > 6 ? ['…'] : []), sizeOf(chars)].join(' · ');
}

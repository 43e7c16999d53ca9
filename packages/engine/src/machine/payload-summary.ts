/** Longest summary kept per inspection record. */
const MAX_SUMMARY_CHARS = 160;
const MAX_STRING_CHARS = 64;

/**
 * A short, one-line description of an event payload or action params for an inspection timeline, e.g.
 * `output: {text: "## Market report for ACME…" (2312 chars)}`. Strings are cut, lists counted, depth
 * limited, the whole capped at {@link MAX_SUMMARY_CHARS}; undefined when there is nothing to say.
 *
 * Only as much is described as the cap keeps: once the text is past it, the remaining fields (a step's input
 * with its reports, say) are not looked at. What is cut away never shows, so the summary is the same.
 */
export function summarizePayload(payload: Record<string, unknown>, skip: readonly string[] = ['type']): string | undefined {
  let text: string | undefined;
  for (const key of Object.keys(payload)) {
    const value = payload[key];
    if (value === undefined || skip.includes(key)) continue;
    const head = text === undefined ? `${key}: ` : `${text}, ${key}: `;
    text = head + describe(value, 0, MAX_SUMMARY_CHARS - head.length);
    if (text.length > MAX_SUMMARY_CHARS) break;
  }
  if (text === undefined) return undefined;
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
}

/**
 * `value` in a few words. `room`: how many characters the summary still keeps; a description of an object
 * stops once it is longer than that (a prefix of the whole description, cut away anyway).
 */
function describe(value: unknown, depth: number, room: number): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') {
    const oneLine = oneLinePrefix(value);
    return oneLine.length > MAX_STRING_CHARS
      ? `${JSON.stringify(`${oneLine.slice(0, MAX_STRING_CHARS)}…`)} (${value.length} chars)`
      : JSON.stringify(oneLine);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Error) return `${value.name}: ${describe(value.message, depth + 1, room)}`;
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (typeof value === 'object') {
    // Actor refs and other live objects are named, not walked.
    if ('sessionId' in value && typeof (value as { sessionId: unknown }).sessionId === 'string') return `actor ${(value as { sessionId: string }).sessionId}`;
    if (depth >= 2) return '{…}';
    const record = value as Record<string, unknown>;
    let inner = '{';
    let shown = 0;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (v === undefined) continue;
      if (shown === 6) break;
      const head = shown === 0 ? `${inner}${key}: ` : `${inner}, ${key}: `;
      inner = head + describe(v, depth + 1, room - head.length);
      shown++;
      if (inner.length > room) return inner;
    }
    return `${inner}}`;
  }
  return typeof value;
}

/**
 * `value` with every whitespace run made one space, but only as far as a summary needs: collapsing a prefix
 * gives a prefix of the collapsed whole, so once a prefix collapses to more than `MAX_STRING_CHARS` the rest
 * (a whole report, often) is never scanned. Shorter results are exact.
 */
function oneLinePrefix(value: string): string {
  for (let take = MAX_STRING_CHARS * 4; take < value.length; take *= 4) {
    const collapsed = value.slice(0, take).replace(/\s+/g, ' ');
    if (collapsed.length > MAX_STRING_CHARS) return collapsed;
  }
  return value.replace(/\s+/g, ' ');
}

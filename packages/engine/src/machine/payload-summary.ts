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
 * `value` with every whitespace run (what `\s` matches) made one space, but only as far as a summary needs:
 * once the collapsed text is longer than `MAX_STRING_CHARS` the rest (a whole report, often) is never
 * scanned. Shorter results are exact. One pass over the characters, copying the runs between spaces: no
 * slice of the head and no regular expression per string (issue 13: a run summarizes dozens of reports and turns).
 */
function oneLinePrefix(value: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < value.length) {
    if (!isWhitespace(value.charCodeAt(i))) {
      i++;
      if (out.length + (i - from) > MAX_STRING_CHARS) return out + value.slice(from, i);
      continue;
    }
    out += `${value.slice(from, i)} `;
    while (i < value.length && isWhitespace(value.charCodeAt(i))) i++;
    from = i;
    if (out.length > MAX_STRING_CHARS) return out;
  }
  return from === 0 ? value : out + value.slice(from);
}

/** Whether `code` is a character `\s` matches (line terminators and Unicode space separators included). */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

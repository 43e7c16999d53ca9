/** Longest summary kept per inspection record. */
const MAX_SUMMARY_CHARS = 160;
const MAX_STRING_CHARS = 64;

/**
 * A short, one-line description of an event payload or action params for an inspection timeline, e.g.
 * `output: {text: "## Market report for ACME…" (2312 chars)}`. Strings are cut, lists counted, depth
 * limited, the whole capped at {@link MAX_SUMMARY_CHARS}; undefined when there is nothing to say.
 */
export function summarizePayload(payload: Record<string, unknown>, skip: readonly string[] = ['type']): string | undefined {
  const parts = Object.entries(payload)
    .filter(([key, value]) => !skip.includes(key) && value !== undefined)
    .map(([key, value]) => `${key}: ${describe(value, 0)}`);
  if (parts.length === 0) return undefined;
  const text = parts.join(', ');
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
}

function describe(value: unknown, depth: number): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') {
    const oneLine = oneLinePrefix(value);
    return oneLine.length > MAX_STRING_CHARS
      ? `${JSON.stringify(`${oneLine.slice(0, MAX_STRING_CHARS)}…`)} (${value.length} chars)`
      : JSON.stringify(oneLine);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Error) return `${value.name}: ${describe(value.message, depth + 1)}`;
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (typeof value === 'object') {
    // Actor refs and other live objects are named, not walked.
    if ('sessionId' in value && typeof (value as { sessionId: unknown }).sessionId === 'string') return `actor ${(value as { sessionId: string }).sessionId}`;
    if (depth >= 2) return '{…}';
    const inner = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .slice(0, 6)
      .map(([k, v]) => `${k}: ${describe(v, depth + 1)}`);
    return `{${inner.join(', ')}}`;
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

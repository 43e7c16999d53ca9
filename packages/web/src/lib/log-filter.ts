import { severityRank, type LogEntry, type Severity } from '@tradingfloor/shared';

/** What the log panel shows: entries at or above `threshold`, from sources not hidden, matching `query`. */
export interface LogFilter {
  threshold: Severity;
  /** Sources switched off; a source not listed is shown, so new sources appear by default. */
  hiddenSources: string[];
  /** Case-insensitive substring of the message, agent or source; empty = everything. */
  query: string;
}

export const DEFAULT_LOG_FILTER: LogFilter = { threshold: 'INFO', hiddenSources: [], query: '' };

/** Entries passing the filter, in their original order. */
export function filterLogs(entries: readonly LogEntry[], filter: LogFilter): LogEntry[] {
  const min = severityRank(filter.threshold);
  const hidden = new Set(filter.hiddenSources);
  const q = filter.query.trim().toLowerCase();
  return entries.filter(
    (e) =>
      severityRank(e.severity) >= min &&
      !hidden.has(e.source) &&
      (q === '' ||
        e.message.toLowerCase().includes(q) ||
        (e.agent_id ?? '').toLowerCase().includes(q) ||
        e.source.toLowerCase().includes(q)),
  );
}

/** Every source seen in the entries, sorted, for the source selector. */
export function logSources(entries: readonly LogEntry[]): string[] {
  return [...new Set(entries.map((e) => e.source))].sort();
}

/** A piece of text and whether it matched the search, so a template can wrap matches in `<mark>`. */
export interface TextPart {
  text: string;
  match: boolean;
}

/** Splits text around every case-insensitive occurrence of `query`. */
export function highlightParts(text: string, query: string): TextPart[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [{ text, match: false }];
  const parts: TextPart[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let hit = lower.indexOf(q); hit !== -1; hit = lower.indexOf(q, at)) {
    if (hit > at) parts.push({ text: text.slice(at, hit), match: false });
    parts.push({ text: text.slice(hit, hit + q.length), match: true });
    at = hit + q.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

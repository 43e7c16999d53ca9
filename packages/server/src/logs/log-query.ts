import { severityRank, type LogEntry, type LogsQuery } from '@tradingfloor/shared';

/** The filter part of a logs query (severity, sources, keyword, after_seq). */
export type LogFilter = Pick<LogsQuery, 'severity' | 'sources' | 'q' | 'after_seq'>;

/** Does an entry pass the filter? Severity: one level = that level and above; a list = exactly those. */
export function matchesLogFilter(entry: LogEntry, filter: LogFilter): boolean {
  const sev = filter.severity;
  if (sev.threshold !== undefined ? severityRank(entry.severity) < severityRank(sev.threshold) : !sev.exact?.includes(entry.severity))
    return false;
  if (filter.sources !== undefined && filter.sources.length > 0 && !filter.sources.includes(entry.source)) return false;
  if (filter.after_seq !== undefined && entry.seq <= filter.after_seq) return false;
  if (filter.q !== undefined && filter.q !== '' && !entry.message.toLowerCase().includes(filter.q.toLowerCase())) return false;
  return true;
}

/** One page of matching entries, oldest first, with `last_seq` pointing at the next page's `after_seq`. */
export function queryLogs(
  entries: readonly LogEntry[],
  query: LogFilter & { limit: number },
): { entries: LogEntry[]; returned: number; last_seq: number } {
  const page: LogEntry[] = [];
  for (const entry of entries) {
    if (!matchesLogFilter(entry, query)) continue;
    page.push(entry);
    if (page.length >= query.limit) break;
  }
  const last = page.at(-1);
  return { entries: page, returned: page.length, last_seq: last ? last.seq : (query.after_seq ?? 0) };
}

/** A log line as the download shows it: `[iso] [SEV] [source] [agent_id] message`. */
function formatLogLine(entry: LogEntry): string {
  // One entry stays one line, whatever the message holds.
  const message = entry.message.replace(/\r?\n/g, ' ⏎ ');
  return `[${entry.iso}] [${entry.severity}] [${entry.source}] [${entry.agent_id ?? '-'}] ${message}`;
}

/** The whole download: a header line, then one line per entry. */
export function formatLogDownload(runId: string, entries: readonly LogEntry[], generatedAt: Date): string {
  const header = `# run_id=${runId} generated_at=${generatedAt.toISOString()} entries=${entries.length}`;
  return [header, ...entries.map(formatLogLine)].join('\n') + '\n';
}

import { LogsQuerySchema, type LogEntry, type Severity } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { formatLogDownload, queryLogs } from '../src/logs/log-query.js';

const entry = (seq: number, severity: Severity, source: string, message: string): LogEntry => ({
  seq,
  ts: Date.UTC(2024, 0, 1) + seq,
  iso: new Date(Date.UTC(2024, 0, 1) + seq).toISOString(),
  severity,
  source,
  agent_id: source === 'tool' ? 'analysts.market' : null,
  message,
});
const entries = [
  entry(1, 'DEBUG', 'llm', 'calling model'),
  entry(2, 'INFO', 'tool', 'get_bars ACME'),
  entry(3, 'WARN', 'retry', 'Rate limited, retrying'),
  entry(4, 'ERROR', 'run', 'boom'),
  entry(5, 'INFO', 'agent', 'report done'),
];
const run = (q: Record<string, string>) => queryLogs(entries, LogsQuerySchema.parse(q)).entries.map((e) => e.seq);

describe('queryLogs', () => {
  it('treats one severity as an inclusive threshold (INFO by default) and a list as an exact set', () => {
    expect(run({})).toEqual([2, 3, 4, 5]);
    expect(run({ severity: 'warn' })).toEqual([3, 4]);
    expect(run({ severity: 'DEBUG,ERROR' })).toEqual([1, 4]);
  });

  it('filters by sources and case-insensitive keyword', () => {
    expect(run({ severity: 'TRACE', sources: 'tool,llm' })).toEqual([1, 2]);
    expect(run({ q: 'RATE' })).toEqual([3]);
  });

  it('pages with after_seq (exclusive) and limit, oldest first', () => {
    const first = queryLogs(entries, LogsQuerySchema.parse({ limit: '2' }));
    expect(first).toMatchObject({ returned: 2, last_seq: 3 });
    const second = queryLogs(entries, LogsQuerySchema.parse({ limit: '2', after_seq: String(first.last_seq) }));
    expect(second.entries.map((e) => e.seq)).toEqual([4, 5]);
    const empty = queryLogs(entries, LogsQuerySchema.parse({ after_seq: '5' }));
    expect(empty).toEqual({ entries: [], returned: 0, last_seq: 5 });
  });

  it('formats the download with a header and one line per entry', () => {
    const text = formatLogDownload(
      'ACME--2024-01-01_00.00.00--abcdef',
      [entries[1]!, { ...entries[4]!, message: 'two\nlines' }],
      new Date(Date.UTC(2024, 0, 2)),
    );
    expect(text).toBe(
      '# run_id=ACME--2024-01-01_00.00.00--abcdef generated_at=2024-01-02T00:00:00.000Z entries=2\n' +
        '[2024-01-01T00:00:00.002Z] [INFO] [tool] [analysts.market] get_bars ACME\n' +
        '[2024-01-01T00:00:00.005Z] [INFO] [agent] [-] two ⏎ lines\n',
    );
  });
});

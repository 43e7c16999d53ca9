import { describe, expect, it } from 'vitest';
import { filterLogs, highlightParts, logSources } from '../src/lib/log-filter.js';
import { logEntry } from './support/fixtures.js';

const entries = [
  logEntry(1, { severity: 'DEBUG', source: 'llm', message: 'request sent' }),
  logEntry(2, { severity: 'INFO', source: 'tool', message: 'get_stock_data ACME' }),
  logEntry(3, { severity: 'WARN', source: 'llm', message: 'Retry after 429' }),
  logEntry(4, { severity: 'ERROR', source: 'state', agent_id: null, message: 'phase failed' }),
];

describe('filterLogs', () => {
  it('keeps entries at or above the threshold', () => {
    expect(filterLogs(entries, { threshold: 'WARN', hiddenSources: [], query: '' }).map((e) => e.seq)).toEqual([3, 4]);
    expect(filterLogs(entries, { threshold: 'TRACE', hiddenSources: [], query: '' })).toHaveLength(4);
  });

  it('hides switched-off sources', () => {
    expect(filterLogs(entries, { threshold: 'TRACE', hiddenSources: ['llm'], query: '' }).map((e) => e.seq)).toEqual([2, 4]);
  });

  it('searches message, agent and source case-insensitively', () => {
    expect(filterLogs(entries, { threshold: 'TRACE', hiddenSources: [], query: 'RETRY' }).map((e) => e.seq)).toEqual([3]);
    expect(filterLogs(entries, { threshold: 'TRACE', hiddenSources: [], query: 'market_an' }).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('lists sources once, sorted', () => {
    expect(logSources(entries)).toEqual(['llm', 'state', 'tool']);
  });
});

describe('highlightParts', () => {
  it('splits around every match, keeping the original case', () => {
    expect(highlightParts('Retry: retry later', 'retry')).toEqual([
      { text: 'Retry', match: true },
      { text: ': ', match: false },
      { text: 'retry', match: true },
      { text: ' later', match: false },
    ]);
  });

  it('returns the whole text unmarked for an empty query', () => {
    expect(highlightParts('abc', '  ')).toEqual([{ text: 'abc', match: false }]);
  });
});

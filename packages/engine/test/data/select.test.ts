import { describe, expect, it } from 'vitest';
import { selectNews } from '../../src/data/select.js';
import type { NewsItem } from '../../src/data/vendor.js';

function item(date: string, time: string, headline = `${date} ${time}`): NewsItem {
  return { date, published_at: `${date}T${time}Z`, headline, source: 'test', tickers: [], ticker_sentiment: {} };
}

/** The selection as a plain filter and sort over the whole list. */
function filtered(items: readonly NewsItem[], from: string, asOf: string): NewsItem[] {
  return items.filter((n) => n.date >= from && n.date <= asOf).sort((a, b) => b.published_at.localeCompare(a.published_at));
}

const days = ['2025-01-01', '2025-01-02', '2025-01-02', '2025-01-03', '2025-01-05', '2025-01-05', '2025-01-08'];
const ascending = days.map((d, i) => item(d, `0${i}:00:00`));

describe('selectNews', () => {
  it('cuts a list in date order to the window, newest first, as the filter does', () => {
    const windows: Array<[string, string]> = [
      ['2025-01-02', '2025-01-05'],
      ['2024-12-01', '2025-01-01'],
      ['2025-01-04', '2025-01-04'],
      ['2025-01-08', '2025-02-01'],
      ['2025-01-09', '2025-01-10'],
      ['2025-01-05', '2025-01-02'],
    ];
    for (const [from, asOf] of windows) expect(selectNews(ascending, from, asOf)).toEqual(filtered(ascending, from, asOf));
    expect(selectNews(ascending, '2025-01-02', '2025-01-05').map((n) => n.date)).toEqual([
      '2025-01-05',
      '2025-01-05',
      '2025-01-03',
      '2025-01-02',
      '2025-01-02',
    ]);
  });

  it('filters a list out of date order', () => {
    const shuffled = [ascending[4]!, ascending[0]!, ascending[6]!, ascending[2]!, ascending[1]!, ascending[5]!, ascending[3]!];
    expect(selectNews(shuffled, '2025-01-02', '2025-01-05')).toEqual(filtered(ascending, '2025-01-02', '2025-01-05'));
  });

  it('keeps the order of headlines published at the same instant', () => {
    const same = [item('2025-01-02', '10:00:00', 'first'), item('2025-01-02', '10:00:00', 'second'), item('2025-01-03', '09:00:00', 'third')];
    expect(selectNews(same, '2025-01-01', '2025-01-03').map((n) => n.headline)).toEqual(['third', 'first', 'second']);
  });
});

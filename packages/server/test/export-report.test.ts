import type { ChartData } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { renderChartSvg } from '../src/export/chart-svg.js';
import { demoteHeadings, neutraliseHtml } from '../src/export/markdown-text.js';

const bars = [100, 102, 101, 105].map((close, i) => ({
  date: `2024-03-2${i + 1}`,
  open: close - (i % 2 === 0 ? 1 : -1),
  high: close + 2,
  low: close - 2,
  close,
  volume: 1000,
}));

describe('model text inside the exported document', () => {
  it('pushes headings below the document’s own, keeping their relative levels, and leaves code alone', () => {
    const text = '## Summary\n\n### Detail\n\n```\n# not a heading\n```\n#hashtag';
    expect(demoteHeadings(text, 4)).toBe('#### Summary\n\n##### Detail\n\n```\n# not a heading\n```\n#hashtag');
    expect(demoteHeadings('#### Deep already', 4)).toBe('#### Deep already');
    expect(demoteHeadings('# a\n###### f', 4)).toBe('#### a\n###### f');
  });

  it('neutralises raw HTML outside fenced code', () => {
    expect(neutraliseHtml('<script>x</script> <img onerror=y>\n```\na < b\n```')).toBe(
      '&lt;script>x&lt;/script> &lt;img onerror=y>\n```\na < b\n```',
    );
  });
});

describe('renderChartSvg', () => {
  it('draws one candle per bar, the indicator lines and the decision levels; escapes every text', () => {
    const chart: ChartData = {
      ticker: 'ACME',
      trade_date: '2024-03-24',
      data_label: '<script>alert(1)</script> demo',
      bars,
      indicators: {
        sma_50: bars.map((b) => ({ date: b.date, value: b.close - 1 })),
        rsi: bars.map((b, i) => ({ date: b.date, value: 40 + i })),
      },
    };
    const svg = renderChartSvg(chart, { entry_price: 105, stop_loss: 99, take_profit: 114, reward_risk: 1.5 });
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#(ffffff|cf222e)" stroke/g)).toHaveLength(
      bars.length,
    );
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    for (const level of ['entry 105.00', 'stop 99.00', 'target 114.00']) expect(svg).toContain(level);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; demo');
  });
});

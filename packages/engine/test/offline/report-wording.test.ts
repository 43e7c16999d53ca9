import { describe, expect, it } from 'vitest';
import { createAnalystTools } from '../../src/data/analyst-tools.js';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import { parseDecision } from '../../src/decision/parse-decision.js';
import { writeFundamentalsReport } from '../../src/providers/offline/fundamentals-report.js';
import { writeMarketReport } from '../../src/providers/offline/market-report.js';
import type { PromptFacts } from '../../src/providers/offline/read-prompt.js';
import { makeDataDir, ohlcvCsv } from '../data/support/temp-data-dir.js';

const FACTS: PromptFacts = {
  ticker: 'ZETA',
  company: 'Zeta',
  demo: false,
  tradeDate: '2024-03-28',
  currency: 'USD',
  position: { side: 'none', entry: null, stopLoss: null, takeProfit: null, quantity: null },
  costPerTrade: null,
  reports: {},
  debate: [],
  investmentPlan: null,
  traderPlan: null,
  lessons: null,
};

const filing = (over: Record<string, unknown>) => ({
  form: '10-Q',
  fiscal_year: 2023,
  fiscal_period: 'Q3',
  period_end: '2023-09-30',
  metrics: { revenue: 1e9, net_income: 1e8 },
  ...over,
});

describe('dates the data does not have', () => {
  it('get_fundamentals gives an estimated filing date as an estimate, never as the filing date', async () => {
    const data = await makeDataDir({
      'ohlcv/ZETA.csv': ohlcvCsv([['2024-03-28', 50]]),
      'fundamentals/f.jsonl':
        '{"ticker":"ZETA","form":"10-Q","fiscal_year":2023,"fiscal_period":"Q3","period_end":"2023-09-30","filed":null,"metrics":{"revenue":1}}\n' +
        '{"ticker":"ZETA","form":"10-Q","fiscal_year":2023,"fiscal_period":"Q2","period_end":"2023-06-30","filed":"2023-08-04","metrics":{"revenue":1}}\n',
    });
    try {
      const vendor = createCsvVendor({ dir: data.dir });
      const [tool] = createAnalystTools('fundamentals', { vendor, ticker: 'ZETA', tradeDate: '2024-03-28' });
      const answer = JSON.parse(await tool!.run({}, new AbortController().signal));
      expect(answer.latest).toMatchObject({ period_end: '2023-09-30', filed: null, filed_estimate: '2023-11-14' });
      expect(answer.history[0]).toMatchObject({ filed: '2023-08-04' });
      expect(answer.history[0]).not.toHaveProperty('filed_estimate');
      expect(answer.notes.join(' ')).toMatch(/filed_estimate .*an estimate, not the filing date/);
    } finally {
      await data.cleanup();
    }
  });

  it('the offline fundamentals report says the date is an estimate', () => {
    const payload = { ticker: 'ZETA', as_of: '2024-03-28', latest: filing({ filed: null, filed_estimate: '2022-12-23' }), history: [], derived: {} };
    const report = writeFundamentalsReport(FACTS, new Map([['get_fundamentals', JSON.stringify(payload)]]));
    expect(report).not.toMatch(/filed 2022-12-23/);
    expect(report).toContain('filing date not in the data, public by 2022-12-23 at the latest (SEC deadline, estimated)');
    const known = writeFundamentalsReport(
      FACTS,
      new Map([['get_fundamentals', JSON.stringify({ ...payload, latest: filing({ filed: '2023-11-03' }) })]]),
    );
    expect(known).toContain('(period end 2023-09-30, filed 2023-11-03)');
  });
});

describe('report wording', () => {
  const macd = (histograms: number[]) =>
    JSON.stringify({
      ticker: 'ZETA',
      as_of: '2024-03-28',
      last_close: 50,
      indicators: {
        macd: {
          latest: { macd: 1, signal: 1 - histograms.at(-1)!, histogram: histograms.at(-1)! },
          series: histograms.map((h, i) => ({ date: `2024-03-2${i + 1}`, macd: 1, signal: 1 - h, histogram: h })),
        },
      },
    });
  const report = (histograms: number[]) => writeMarketReport(FACTS, new Map([['get_indicators', macd(histograms)]]));

  it('counts sessions in the singular and plural, and names a cross on the trade date', () => {
    expect(report([-1, 1, 2])).toContain('It crossed above its signal on 2024-03-22 (1 session ago).');
    expect(report([-1, 1, 2, 3])).toContain('(2 sessions ago)');
    expect(report([1, 2, -1])).toContain('It crossed below its signal on 2024-03-23 (the trade date).');
    expect(report([-1, 1, 2])).not.toMatch(/\b1 sessions\b|\(s\)/);
  });

  it('never doubles a list bullet: a neutral point carries ◆, not •', () => {
    const neutral = JSON.stringify({ ticker: 'ZETA', as_of: '2024-03-28', latest: filing({ filed: '2023-11-03' }), history: [], derived: { debt_to_equity: 1.2 } });
    const text = writeFundamentalsReport(FACTS, new Map([['get_fundamentals', neutral]]));
    expect(text).toMatch(/^- ◆ Leverage: debt to equity 1\.20/m);
    expect(text).not.toMatch(/^\s*[-*] •/m);
  });
});

describe('position size in the decision', () => {
  const input = { ticker: 'ZETA', tradeDate: '2024-03-28', position: { side: 'none' as const }, lastClose: 50 };
  it('is read from the POSITION SIZE closing line, else from a "Size:" line, else null', () => {
    const base = 'We buy.\n\nFINAL RATING: Buy\nFINAL TRANSACTION PROPOSAL: **BUY**';
    expect(parseDecision(`${base}\nPOSITION SIZE: 50% of a full position`, input).position_size).toBe(0.5);
    expect(parseDecision(`We buy.\n- Size: two-thirds of full size.\n\n${base}`, input).position_size).toBe(0.67);
    expect(parseDecision(`We buy.\nPosition size: full\n\n${base}`, input).position_size).toBe(1);
    expect(parseDecision(base, input).position_size).toBeNull();
  });
});

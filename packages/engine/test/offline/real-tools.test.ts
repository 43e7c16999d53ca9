import { DecisionSchema, type Rating } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { createAnalystTools } from '../../src/data/analyst-tools.js';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import { createDemoVendor } from '../../src/data/demo/demo-vendor.js';
import type { MarketDataVendor } from '../../src/data/vendor.js';
import { createOfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { hasRealData, REAL_DATA_DIR } from '../../../../tests/support/real-data.js';
import { runTeam } from './run-pipeline.js';

// The offline team over the real data tools: the model must read what the tools really return.

async function decide(vendor: MarketDataVendor, ticker: string, date: string) {
  const instrument = await vendor.instrument(ticker);
  const lastClose = (await vendor.bars(ticker, { asOf: date })).at(-1)?.close ?? null;
  const result = await runTeam(createOfflineProvider(), {
    tools: (kind) => createAnalystTools(kind, { vendor, ticker, tradeDate: date }),
    lastClose,
    instrument,
    config: { trade_date: date },
  });
  return { ...result, lastClose };
}

describe('the offline team on the demo market', () => {
  const vendor = createDemoVendor({ now: () => new Date('2025-06-30T12:00:00Z') });
  const date = '2025-06-27';

  it('reads every tool answer and reaches different decisions for different regimes', async () => {
    const ratings = new Map<string, Rating>();
    for (const ticker of ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE']) {
      const { reports, decision, lastClose } = await decide(vendor, ticker, date);
      for (const text of Object.values(reports)) expect(text).not.toMatch(/unexpected tool answer shape|not valid JSON/);
      expect(reports.market).toContain(`Last close ${lastClose?.toFixed(2)} USD`);
      expect(reports.market).toContain('demo data (a fictional company), not market data');
      expect(DecisionSchema.parse(decision).risk_metrics.entry_price).toBe(lastClose);
      ratings.set(ticker, decision.rating);
    }
    expect(['Buy', 'Overweight']).toContain(ratings.get('ACME')); // the steady compounder
    expect(new Set(ratings.values()).size).toBeGreaterThanOrEqual(3);
  });
});

const hasData = hasRealData('the offline team on real data');
const dataDir = REAL_DATA_DIR;

describe.skipIf(!hasData)('the offline team on real data (DATA_DIR)', () => {
  it.each([
    ['AAPL', '171.48'],
    ['MSFT', '420.72'],
  ])('%s on 2024-03-28 reports the real close %s and a parseable decision', async (ticker, close) => {
    const { reports, decision, finalText } = await decide(createCsvVendor({ dir: dataDir }), ticker, '2024-03-28');
    expect(reports.market).toContain(`Last close ${close} USD`);
    expect(reports.market).not.toContain('demo data');
    expect(reports.fundamentals).toMatch(/^Signal: /m);
    expect(DecisionSchema.parse(decision).notes).toEqual([]);
    expect(finalText).toContain(`FINAL RATING: ${decision.rating}`);
  });
});

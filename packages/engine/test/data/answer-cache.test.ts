import { describe, expect, it } from 'vitest';
import { createAnalystTools } from '../../src/data/analyst-tools.js';
import { createDemoVendor } from '../../src/data/demo/demo-vendor.js';
import { ANSWER_CACHE_MAX, answerCacheSize } from '../../src/data/tools/answer-cache.js';
import { summariseAnswerObject } from '../../src/data/tools/answer-summary.js';
import type { MarketDataVendor } from '../../src/data/vendor.js';
import { summariseAnswer } from '../../src/agents/tool-loop.js';

const NOW = () => new Date(2026, 10, 27, 12);
const TRADE_DATE = '2025-06-16';
const signal = new AbortController().signal;

/** The demo market with its calls counted; `settled: false` leaves out `settledThrough` (a vendor that cannot vouch). */
function countingVendor(settled = true) {
  const demo = createDemoVendor({ now: NOW });
  const calls = { bars: 0, news: 0, fundamentals: 0 };
  const vendor: MarketDataVendor = {
    name: demo.name,
    label: demo.label,
    coverage: (s) => demo.coverage(s),
    instrument: (t, s) => demo.instrument(t, s),
    bars: (t, r, s) => (calls.bars++, demo.bars(t, r, s)),
    news: (t, r, s) => (calls.news++, demo.news(t, r, s)),
    fundamentals: (t, a, s) => (calls.fundamentals++, demo.fundamentals(t, a, s)),
    ...(settled ? { settledThrough: () => demo.today() } : {}),
  };
  return { vendor, calls };
}

/** One tool of `kind`'s analyst, called with `args`; returns the answer and what `served` heard. */
async function ask(vendor: MarketDataVendor, name: string, args: Record<string, unknown> = {}, ticker = 'ACME', tradeDate = TRADE_DATE) {
  const kind = name === 'get_indicators' || name === 'get_price_history' ? 'market' : name === 'get_fundamentals' ? 'fundamentals' : 'news';
  const tool = createAnalystTools(kind, { vendor, ticker, tradeDate }).find((t) => t.spec.name === name)!;
  const heard: Array<[string, string | undefined]> = [];
  const text = await tool.run(args, signal, (v, summary) => heard.push([v, summary]));
  return { text, heard };
}

describe('tool answer cache', () => {
  it('serves the same answer, vendor and summary again without asking the vendor', async () => {
    const { vendor, calls } = countingVendor();
    const first = await ask(vendor, 'get_price_history', { lookback_days: 30 });
    const again = await ask(vendor, 'get_price_history', { lookback_days: '30' }); // the same validated arguments
    expect(calls.bars).toBe(1);
    expect(again.text).toBe(first.text);
    expect(again.heard).toEqual(first.heard);
    expect(first.heard).toEqual([['demo', summariseAnswer(first.text)]]);
  });

  it('answers byte for byte what an uncached vendor answers', async () => {
    const cached = countingVendor();
    const plain = countingVendor(false);
    for (const [name, args] of [
      ['get_price_history', { lookback_days: 60 }],
      ['get_indicators', { indicators: ['macd', 'boll'], lookback_days: 30 }],
      ['get_company_news', {}],
      ['get_market_news', { limit: 5 }],
      ['get_fundamentals', {}],
    ] as const) {
      const want = await ask(plain.vendor, name, args);
      await ask(cached.vendor, name, args);
      const hit = await ask(cached.vendor, name, args);
      expect(hit.text, name).toBe(want.text);
      expect(hit.heard, name).toEqual(want.heard);
    }
    expect(plain.calls.bars + plain.calls.news + plain.calls.fundamentals).toBeGreaterThan(0);
  });

  it('never serves another date, ticker, argument set or vendor', async () => {
    const { vendor, calls } = countingVendor();
    const base = await ask(vendor, 'get_price_history', { lookback_days: 10 });
    const otherDate = await ask(vendor, 'get_price_history', { lookback_days: 10 }, 'ACME', '2025-06-13');
    const otherTicker = await ask(vendor, 'get_price_history', { lookback_days: 10 }, 'GLOBEX');
    const otherArgs = await ask(vendor, 'get_price_history', { lookback_days: 11 });
    expect(calls.bars).toBe(4);
    expect(new Set([base.text, otherDate.text, otherTicker.text, otherArgs.text]).size).toBe(4);
    // The earlier date's answer ends before the later trade date: no look-ahead through the cache.
    expect(JSON.parse(otherDate.text).as_of).toBe('2025-06-13');
    expect(JSON.parse(otherDate.text).bars.at(-1).date <= '2025-06-13').toBe(true);

    const second = countingVendor();
    await ask(second.vendor, 'get_price_history', { lookback_days: 10 });
    expect(second.calls.bars).toBe(1);
  });

  it('asks every time a vendor that does not vouch for its data, or for a date past it', async () => {
    const plain = countingVendor(false);
    await ask(plain.vendor, 'get_price_history');
    await ask(plain.vendor, 'get_price_history');
    expect(plain.calls.bars).toBe(2);

    const future = countingVendor();
    await ask(future.vendor, 'get_price_history', {}, 'ACME', '2026-12-31');
    await ask(future.vendor, 'get_price_history', {}, 'ACME', '2026-12-31');
    expect(future.calls.bars).toBe(2);
  });

  it('does not keep missing data or invalid arguments', async () => {
    const { vendor, calls } = countingVendor();
    for (let i = 0; i < 2; i++) {
      expect((await ask(vendor, 'get_price_history', {}, 'ACME', '2020-06-01')).text).toMatch(/^DATA UNAVAILABLE/);
    }
    expect(calls.bars).toBe(2);
    expect((await ask(vendor, 'get_price_history', { lookback_days: 0 })).text).toMatch(/^INVALID ARGUMENTS/);
  });

  it(`keeps at most ${ANSWER_CACHE_MAX} answers, dropping the least recently used`, async () => {
    const { vendor, calls } = countingVendor();
    await ask(vendor, 'get_price_history', { lookback_days: 5 });
    for (let days = 6; days < 6 + ANSWER_CACHE_MAX; days++) await ask(vendor, 'get_price_history', { lookback_days: days });
    expect(answerCacheSize()).toBe(ANSWER_CACHE_MAX);
    const before = calls.bars;
    await ask(vendor, 'get_price_history', { lookback_days: 6 + ANSWER_CACHE_MAX - 1 }); // recent: kept
    expect(calls.bars).toBe(before);
    await ask(vendor, 'get_price_history', { lookback_days: 5 }); // the oldest: dropped
    expect(calls.bars).toBe(before + 1);
    expect(answerCacheSize()).toBe(ANSWER_CACHE_MAX);
  });
});

describe('remembered argument validation', () => {
  it('accepts and refuses the same arguments the same way each time', async () => {
    const { vendor } = countingVendor(false);
    for (let i = 0; i < 2; i++) {
      const days = (text: string) => JSON.parse(text).bars.length as number;
      expect(days((await ask(vendor, 'get_price_history', { lookback_days: '30' })).text)).toBe(
        days((await ask(vendor, 'get_price_history', { lookback_days: 30 })).text),
      );
      expect((await ask(vendor, 'get_price_history', { lookback_days: 401 })).text).toMatch(/^INVALID ARGUMENTS: lookback_days/);
      expect((await ask(vendor, 'get_price_history', { lookback_days: 30, extra: 1 })).text).toMatch(/^INVALID ARGUMENTS/);
      expect((await ask(vendor, 'get_indicators', { indicators: ['rsi', 'rsi'] })).text).toMatch(/listed twice/);
      const picked = JSON.parse((await ask(vendor, 'get_indicators', { indicators: ['rsi', 'atr'] })).text);
      expect(Object.keys(picked.indicators)).toEqual(['rsi', 'atr']);
    }
  });
});

describe('summariseAnswerObject', () => {
  it('says what summariseAnswer reads back from the JSON text', () => {
    const answers: object[] = [
      { ticker: 'ACME', as_of: '2025-06-16', bars: [1, 2, 3], last_close: 10, data_source: 'demo' },
      { a: 1, b: [], c: { d: 2 }, e: 'x', f: [1], g: null, h: true, i: 2 },
      { kept: 1, dropped: undefined, fn: () => 1, list: [undefined] },
      {},
    ];
    for (const answer of answers) {
      const text = JSON.stringify(answer);
      expect(summariseAnswerObject(answer, text.length)).toBe(summariseAnswer(text));
    }
  });
});

import { RunConfigSchema, type AgentRole, type AnalystKind, type Position, type RunConfig } from '@tradingfloor/shared';
import type { AgentContext } from '../../src/agents/agent-context.js';
import type { DataTool } from '../../src/data/data-tool.js';
import type { InstrumentContext } from '../../src/data/vendor.js';
import type { LogInput } from '../../src/logs/log-sink.js';
import type { LlmProvider } from '../../src/providers/provider.js';

/** Market regimes the fixtures can describe. */
export type Regime = 'uptrend' | 'crash' | 'chop';

export const TRADE_DATE = '2024-03-28';

function days(n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${TRADE_DATE}T00:00:00Z`);
  while (out.length < n) {
    const w = d.getUTCDay();
    if (w !== 0 && w !== 6) out.unshift(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return out;
}

function closes(regime: Regime, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    if (regime === 'uptrend') return 100 * Math.pow(1.002, i) + Math.sin(i / 2);
    if (regime === 'crash') return i < n - 60 ? 150 + Math.sin(i / 3) : 150 - (i - (n - 60)) * 1.0;
    return 100 + 3 * Math.sin(i / 3);
  });
}

const INDICATORS: Record<Regime, Record<string, unknown>> = {
  uptrend: {
    sma_50: { latest: 135.2 },
    sma_200: { latest: 121.7 },
    ema_10: { latest: 141.9 },
    rsi: { latest: 62.4 },
    macd: {
      latest: { macd: 1.84, signal: 1.21, histogram: 0.63 },
      series: [
        { date: '2024-03-25', macd: 1.1, signal: 1.2, histogram: -0.1 },
        { date: '2024-03-26', macd: 1.4, signal: 1.2, histogram: 0.2 },
        { date: '2024-03-27', macd: 1.7, signal: 1.2, histogram: 0.5 },
        { date: '2024-03-28', macd: 1.84, signal: 1.21, histogram: 0.63 },
      ],
    },
    boll: { latest: { middle: 139.5, upper: 145.3, lower: 133.7 } },
    atr: { latest: 2.13 },
    vwma: { latest: 140.8 },
    mfi: { latest: 61.2 },
  },
  crash: {
    sma_50: { latest: 112.4 },
    sma_200: { latest: 138.9 },
    ema_10: { latest: 94.6 },
    rsi: { latest: 38.5 },
    macd: { latest: { macd: -6.2, signal: -4.8, histogram: -1.4 }, series: [] },
    boll: { latest: { middle: 99.1, upper: 112.2, lower: 86.0 } },
    atr: { latest: 5.42 },
    vwma: { latest: 96.3 },
    mfi: { latest: 29.4 },
  },
  chop: {
    sma_50: { latest: 100.4 },
    sma_200: { latest: 100.1 },
    ema_10: { latest: 100.6 },
    rsi: { latest: 50.8 },
    macd: { latest: { macd: 0.05, signal: 0.08, histogram: -0.03 }, series: [] },
    boll: { latest: { middle: 100.2, upper: 104.4, lower: 96.0 } },
    atr: { latest: 1.9 },
    vwma: { latest: 100.3 },
    mfi: { latest: 49.0 },
  },
};

const DERIVED: Record<Regime, Record<string, number | null>> = {
  uptrend: {
    net_margin: 0.184,
    revenue_growth_yoy: 0.153,
    debt_to_equity: 0.62,
    current_ratio: 1.83,
    pe_ratio: 22.4,
    eps_ttm: 6.41,
    free_cash_flow: 2.4e9,
  },
  crash: {
    net_margin: -0.052,
    revenue_growth_yoy: -0.121,
    debt_to_equity: 2.47,
    current_ratio: 0.91,
    pe_ratio: null,
    eps_ttm: -1.18,
    free_cash_flow: -3.1e8,
  },
  chop: {
    net_margin: 0.061,
    revenue_growth_yoy: 0.021,
    debt_to_equity: 1.2,
    current_ratio: 1.21,
    pe_ratio: 25.3,
    eps_ttm: 3.97,
    free_cash_flow: 4.0e8,
  },
};

const TONE: Record<Regime, number[]> = {
  uptrend: [0.42, 0.31, 0.25, 0.05, 0.38, -0.12, 0.29],
  crash: [-0.45, -0.38, -0.22, 0.04, -0.51, -0.19, 0.1],
  chop: [0.2, -0.18, 0.03, -0.02, 0.16, -0.21, 0.0],
};

/** The JSON answers of the six data tools (contract shapes) for a regime, keyed by tool name. */
export function regimePayloads(regime: Regime, ticker = 'ACME'): Record<string, string> {
  const dates = days(180);
  const cs = closes(regime, 180);
  const bars = dates.map((date, i) => {
    const c = Math.round((cs[i] ?? 0) * 100) / 100;
    return { date, open: c, high: Math.round(c * 101) / 100, low: Math.round(c * 99) / 100, close: c, volume: 1_000_000 + i * 1000 };
  });
  const last = bars.at(-1)?.close ?? 0;
  const first = bars[0]?.close ?? 1;
  const highs = bars.map((b) => b.high);
  const lows = bars.map((b) => b.low);
  const items = (TONE[regime] ?? []).map((s, i) => ({
    date: dates[dates.length - 1 - i] ?? TRADE_DATE,
    headline: `${ticker} headline ${i + 1} (${regime})`,
    source: 'Demo Wire',
    sentiment_score: s,
    sentiment_label: s >= 0.15 ? 'Bullish' : s <= -0.15 ? 'Bearish' : 'Neutral',
  }));
  const tone = TONE[regime];
  const avg = tone.reduce((a, b) => a + b, 0) / tone.length;
  return {
    get_price_history: JSON.stringify({
      ticker,
      as_of: TRADE_DATE,
      currency: 'USD',
      bars,
      summary: {
        first_date: dates[0],
        last_date: TRADE_DATE,
        last_close: last,
        change_pct: Math.round((last / first - 1) * 10000) / 100,
        high: Math.max(...highs),
        low: Math.min(...lows),
        avg_volume: 1_090_000,
      },
    }),
    get_indicators: JSON.stringify({ ticker, as_of: TRADE_DATE, last_close: last, indicators: INDICATORS[regime] }),
    get_fundamentals: JSON.stringify({
      ticker,
      as_of: TRADE_DATE,
      latest: {
        form: '10-K',
        fiscal_year: 2023,
        fiscal_period: 'FY',
        period_end: '2023-12-31',
        filed: '2024-02-15',
        metrics: { revenue: 8.4e9, net_income: 1.5e9 },
      },
      history: [],
      derived: DERIVED[regime],
    }),
    get_company_news: JSON.stringify({ ticker, as_of: TRADE_DATE, from: '2024-03-14', items }),
    get_market_news: JSON.stringify({
      ticker: null,
      as_of: TRADE_DATE,
      from: '2024-03-21',
      items: items.slice(0, 3).map((i) => ({ ...i, headline: `Market: ${i.headline}` })),
    }),
    get_social_sentiment: JSON.stringify({
      ticker,
      as_of: TRADE_DATE,
      from: '2024-03-14',
      mentions: tone.length,
      average_score: avg,
      bullish: tone.filter((s) => s >= 0.15).length,
      bearish: tone.filter((s) => s <= -0.15).length,
      neutral: tone.filter((s) => Math.abs(s) < 0.15).length,
      daily: items.map((i) => ({ date: i.date, mentions: 1, average_score: i.sentiment_score })),
      top_positive: [],
      top_negative: [],
      source_note: 'headline sentiment stands in for social posts',
    }),
  };
}

/** Tool names per analyst kind, as the data tools contract lists them. */
export const KIND_TOOLS: Record<AnalystKind, string[]> = {
  market: ['get_price_history', 'get_indicators'],
  social: ['get_social_sentiment', 'get_company_news'],
  news: ['get_company_news', 'get_market_news'],
  fundamentals: ['get_fundamentals', 'get_price_history'],
};

/** Fake DataTools answering from `payloads`; every call is recorded in `calls`. */
export function fakeTools(
  names: readonly string[],
  payloads: Record<string, string>,
  calls: Array<{ name: string; args: unknown }> = [],
): DataTool[] {
  return names.map((name) => ({
    spec: { name, description: `fake ${name}`, parameters: { type: 'object', properties: {} } },
    async run(args: Record<string, unknown>) {
      calls.push({ name, args });
      return payloads[name] ?? `DATA UNAVAILABLE: no fixture for ${name}`;
    },
  }));
}

export const DEMO_INSTRUMENT: InstrumentContext = {
  ticker: 'ACME',
  name: 'Acme Corporation',
  sector: 'Industrials',
  industry: 'Industrial Machinery',
  exchange: 'DEMO',
  currency: 'USD',
  description: 'A fictional company.',
  demo: true,
};

/** A context recorder: the agent context plus what it logged and appended. */
export interface TestContext {
  ctx: AgentContext;
  logs: LogInput[];
  messages: string[];
}

export function makeContext(opts: {
  provider: LlmProvider;
  role: AgentRole;
  tools?: DataTool[];
  position?: Position;
  config?: Partial<RunConfig>;
  signal?: AbortSignal;
  instrument?: InstrumentContext;
}): TestContext {
  const logs: LogInput[] = [];
  const messages: string[] = [];
  const config = RunConfigSchema.parse({
    ticker: opts.instrument?.ticker ?? 'ACME',
    trade_date: TRADE_DATE,
    quick_think_llm: 'quick-model',
    deep_think_llm: 'deep-model',
    ...opts.config,
  });
  const ctx: AgentContext = {
    runId: 'ACME--2024-03-28_10.00.00--abc123',
    config,
    instrument: opts.instrument ?? DEMO_INSTRUMENT,
    position: opts.position ?? { side: 'none' },
    provider: opts.provider,
    models: { quick: 'quick-model', deep: 'deep-model' },
    tools: opts.tools ?? [],
    signal: opts.signal ?? new AbortController().signal,
    log: (e) => logs.push(e),
    agentId: opts.role,
    role: opts.role,
    appendMessage: (t) => messages.push(t),
  };
  return { ctx, logs, messages };
}

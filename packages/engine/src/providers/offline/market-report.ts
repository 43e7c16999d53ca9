import type { PromptFacts } from './read-prompt.js';
import { compact, fmt, observations, pct, plural, reportHeader, sign, signalLine, summaryTable, type Factor } from './report-format.js';
import { IndicatorsPayload, PriceHistoryPayload, readPayload, type IndicatorPayload } from './tool-payloads.js';

type Indicators = Record<string, IndicatorPayload>;

function latest(ind: Indicators, key: string, field?: string): number | null {
  const l = ind[key]?.latest;
  if (typeof l === 'number') return l;
  if (l && field !== undefined) return l[field] ?? null;
  return null;
}

/** The most recent MACD/signal cross in the series, if any. */
function lastMacdCross(ind: Indicators): { date: string; up: boolean; ago: number } | null {
  const series = ind['macd']?.series ?? [];
  for (let i = series.length - 1; i > 0; i--) {
    const now = series[i]?.['histogram'];
    const before = series[i - 1]?.['histogram'];
    if (typeof now !== 'number' || typeof before !== 'number') continue;
    if (Math.sign(now) !== Math.sign(before) && now !== 0) {
      return { date: String(series[i]?.['date'] ?? '?'), up: now > 0, ago: series.length - 1 - i };
    }
  }
  return null;
}

function rsiFactor(rsi: number): Factor {
  const reading = `RSI(14) ${fmt(rsi, 1)}`;
  if (rsi > 70)
    return {
      name: 'Momentum (RSI)',
      reading,
      score: 0,
      comment: `${reading} is overbought: strong buying, but stretched and prone to pull back.`,
    };
  if (rsi >= 55)
    return {
      name: 'Momentum (RSI)',
      reading,
      score: 1,
      comment: `${reading} sits in the bullish 55–70 zone: buyers in control without excess.`,
    };
  if (rsi >= 45) return { name: 'Momentum (RSI)', reading, score: 0, comment: `${reading} is neutral (45–55): no momentum either way.` };
  if (rsi >= 30)
    return { name: 'Momentum (RSI)', reading, score: -1, comment: `${reading} is in the bearish 30–45 zone: sellers have the upper hand.` };
  return { name: 'Momentum (RSI)', reading, score: 0, comment: `${reading} is oversold: heavy selling, but washed out enough to bounce.` };
}

/** The market analyst's report, from get_price_history and get_indicators answers. */
export function writeMarketReport(facts: PromptFacts, answers: Map<string, string>): string {
  const history = readPayload(answers.get('get_price_history'), PriceHistoryPayload);
  const indicators = readPayload(answers.get('get_indicators'), IndicatorsPayload);
  const ind: Indicators = indicators.ok ? indicators.data.indicators : {};
  const bars = history.ok ? history.data.bars : [];
  const summary = history.ok ? history.data.summary : null;
  const close = (indicators.ok ? indicators.data.last_close : null) ?? summary?.last_close ?? bars.at(-1)?.close ?? null;
  const currency = (history.ok ? history.data.currency : null) ?? facts.currency;

  const factors: Factor[] = [];
  const text: string[] = [];
  const sma50 = latest(ind, 'sma_50');
  const sma200 = latest(ind, 'sma_200');
  const ema10 = latest(ind, 'ema_10');
  const rsi = latest(ind, 'rsi');
  const hist = latest(ind, 'macd', 'histogram');
  const atr = latest(ind, 'atr');
  const upper = latest(ind, 'boll', 'upper');
  const lower = latest(ind, 'boll', 'lower');
  const middle = latest(ind, 'boll', 'middle');

  // Price action.
  if (close !== null) {
    const high = summary?.high ?? (bars.length ? Math.max(...bars.map((b) => b.high ?? b.close)) : null);
    const low = summary?.low ?? (bars.length ? Math.min(...bars.map((b) => b.low ?? b.close)) : null);
    const change = summary?.change_pct ?? (bars.length > 1 && bars[0] ? (close / bars[0].close - 1) * 100 : null);
    const drawdown = high ? (close / high - 1) * 100 : null;
    const span = summary?.first_date && summary.last_date ? `${summary.first_date} → ${summary.last_date}` : 'the window';
    text.push(
      `### Price action`,
      `Last close ${fmt(close)} ${currency}. Over ${bars.length ? plural(bars.length, 'session') : 'the sessions'} (${span}) the price moved ${pct(change)}, ` +
        `between ${fmt(low)} and ${fmt(high)}; it is ${pct(drawdown)} from the window high. Average volume ${compact(summary?.avg_volume)}.`,
    );
    if (change !== null) {
      const s = change > 8 ? 1 : change < -8 ? -1 : 0;
      const word = s > 0 ? 'a clear advance' : s < 0 ? 'a clear decline' : 'little net progress';
      factors.push({
        name: 'Performance',
        reading: `${pct(change)} over the window, ${pct(drawdown)} from high`,
        score: s,
        comment: `${pct(change)} over the window is ${word}; the price is ${pct(drawdown)} from its window high of ${fmt(high)}.`,
      });
    }
  } else {
    text.push('### Price action', `Price history is unavailable (${history.ok ? 'no bars' : history.reason}).`);
  }

  // Trend.
  if (close !== null && sma200 !== null) {
    const d = (close / sma200 - 1) * 100;
    const s = sign(Math.abs(d) < 2 ? 0 : d);
    factors.push({
      name: 'Long-term trend',
      reading: `${fmt(close)} vs SMA200 ${fmt(sma200)} (${pct(d)})`,
      score: s,
      comment: `price ${fmt(close)} is ${pct(d)} from its 200-day average ${fmt(sma200)}${s === 0 ? ', hugging it' : s > 0 ? ', above it' : ', below it'}.`,
    });
  }
  if (sma50 !== null && sma200 !== null) {
    const s = sign(sma50 - sma200);
    const alignment = s > 0 ? 'golden-cross alignment (50-day above 200-day)' : 'death-cross alignment (50-day below 200-day)';
    factors.push({
      name: 'Trend alignment',
      reading: `SMA50 ${fmt(sma50)} vs SMA200 ${fmt(sma200)}`,
      score: s,
      comment: `SMA50 ${fmt(sma50)} against SMA200 ${fmt(sma200)}: ${alignment}.`,
    });
  } else if (close !== null && sma50 !== null) {
    const d = (close / sma50 - 1) * 100;
    factors.push({
      name: 'Medium-term trend',
      reading: `${fmt(close)} vs SMA50 ${fmt(sma50)} (${pct(d)})`,
      score: sign(Math.abs(d) < 2 ? 0 : d),
      comment: `price is ${pct(d)} from its 50-day average ${fmt(sma50)} (no 200-day average: ${ind['sma_200']?.note ?? 'not enough history'}).`,
    });
  }
  text.push(
    '### Trend',
    `SMA50 ${fmt(sma50)}, SMA200 ${fmt(sma200)}, EMA10 ${fmt(ema10)}` +
      (close !== null && ema10 !== null ? ` — price is ${close >= ema10 ? 'above' : 'below'} its 10-day EMA.` : '.'),
  );

  // Momentum.
  const momentum: string[] = [];
  if (rsi !== null) {
    factors.push(rsiFactor(rsi));
    momentum.push(`RSI(14) ${fmt(rsi, 1)}.`);
  }
  if (hist !== null) {
    const cross = lastMacdCross(ind);
    const when = cross && (cross.ago === 0 ? 'the trade date' : `${plural(cross.ago, 'session')} ago`);
    const crossText = cross ? ` It crossed ${cross.up ? 'above' : 'below'} its signal on ${cross.date} (${when}).` : '';
    const macd = latest(ind, 'macd', 'macd');
    const signal = latest(ind, 'macd', 'signal');
    factors.push({
      name: 'Momentum (MACD)',
      reading: `MACD ${fmt(macd)} vs signal ${fmt(signal)}, histogram ${fmt(hist)}`,
      score: sign(hist),
      comment: `MACD ${fmt(macd)} is ${hist >= 0 ? 'above' : 'below'} its signal ${fmt(signal)} (histogram ${fmt(hist)}).${crossText}`,
    });
    momentum.push(`MACD ${fmt(macd)}, signal ${fmt(signal)}, histogram ${fmt(hist)}.${crossText}`);
  }
  const mfi = latest(ind, 'mfi');
  const vwma = latest(ind, 'vwma');
  if (mfi !== null)
    momentum.push(`MFI(14) ${fmt(mfi, 1)}${mfi > 80 ? ' (overbought money flow)' : mfi < 20 ? ' (oversold money flow)' : ''}.`);
  if (vwma !== null && close !== null)
    momentum.push(`VWMA(20) ${fmt(vwma)}: price ${close >= vwma ? 'above' : 'below'} its volume-weighted average.`);
  text.push('### Momentum', momentum.join(' ') || 'No momentum indicators were available.');

  // Volatility.
  const vol: string[] = [];
  if (upper !== null && lower !== null && close !== null && upper > lower) {
    vol.push(
      `Bollinger(20, 2): lower ${fmt(lower)}, middle ${fmt(middle)}, upper ${fmt(upper)}; price at ${fmt(((close - lower) / (upper - lower)) * 100, 0)}% of the band.`,
    );
  }
  if (atr !== null && close !== null) {
    const atrPct = (atr / close) * 100;
    const level = atrPct < 1.5 ? 'low' : atrPct < 3 ? 'moderate' : atrPct < 5 ? 'high' : 'very high';
    vol.push(`ATR(14) ${fmt(atr)} = ${fmt(atrPct, 1)}% of price: ${level} volatility.`);
  }
  text.push('### Volatility', vol.join(' ') || 'No volatility indicators were available.');
  if (!indicators.ok) text.push(`Indicators are unavailable (${indicators.reason}).`);

  const recent = bars.slice(-20);
  const support = recent.length ? Math.min(...recent.map((b) => b.low ?? b.close)) : null;
  const resistance = recent.length ? Math.max(...recent.map((b) => b.high ?? b.close)) : null;
  return [
    ...reportHeader('Market analysis', facts.ticker, facts.demo, 'the price history and indicators its tools returned'),
    '',
    signalLine(factors),
    '',
    ...text.flatMap((t) => [t, '']),
    '### Observations',
    ...observations(factors),
    '',
    `Key levels: last close ${fmt(close)} · ATR(14) ${fmt(atr)} · 20-day support ${fmt(support)} · 20-day resistance ${fmt(resistance)}`,
    '',
    ...summaryTable(factors),
  ].join('\n');
}

import type { ChartData, RiskMetrics } from '@tradingfloor/shared';
import { escapeHtml } from './escape-html.js';

const WIDTH = 960;
const PRICE_TOP = 16;
const PRICE_HEIGHT = 300;
const RSI_TOP = PRICE_TOP + PRICE_HEIGHT + 28;
const RSI_HEIGHT = 80;
const HEIGHT = RSI_TOP + RSI_HEIGHT + 28;
const LEFT = 8;
const RIGHT = 64;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;

/** Colours chosen to read in print and for red–green colour blindness (shape tells up from down too: hollow = up). */
const UP = '#1a7f37';
const DOWN = '#cf222e';
const LINES = { sma_50: '#0969da', sma_200: '#8250df', boll: '#9a6700', rsi: '#57606a' } as const;

const fmt = (n: number) => (Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(2));
const px = (n: number) => Math.round(n * 10) / 10;

/** Round tick values covering [min, max], about `count` of them. */
function ticks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) out.push(v);
  return out;
}

/**
 * The run's price chart as one self-contained SVG element (no script, no external reference): daily candles up
 * to the trade date with SMA 50, SMA 200 and the Bollinger bands, the decision's entry / stop / take-profit as
 * horizontal lines, month labels, and an RSI panel below. Every text in it is escaped.
 */
export function renderChartSvg(chart: ChartData, risk: RiskMetrics | null): string {
  const bars = chart.bars;
  const levels = [
    { name: 'entry', value: risk?.entry_price ?? null, colour: '#24292f' },
    { name: 'stop', value: risk?.stop_loss ?? null, colour: DOWN },
    { name: 'target', value: risk?.take_profit ?? null, colour: UP },
  ].filter((l): l is { name: string; value: number; colour: string } => l.value !== null && Number.isFinite(l.value));
  const values = [
    ...bars.flatMap((b) => [b.low, b.high]),
    ...(chart.indicators.boll_upper ?? []).map((p) => p.value),
    ...(chart.indicators.boll_lower ?? []).map((p) => p.value),
    ...levels.map((l) => l.value),
  ];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.04;
  lo -= pad;
  hi += pad;
  const step = PLOT_WIDTH / Math.max(bars.length, 1);
  const index = new Map(bars.map((b, i) => [b.date, i]));
  const x = (i: number) => LEFT + step * (i + 0.5);
  const y = (v: number) => PRICE_TOP + ((hi - v) / (hi - lo)) * PRICE_HEIGHT;
  const yRsi = (v: number) => RSI_TOP + ((100 - v) / 100) * RSI_HEIGHT;

  const out: string[] = [];
  const label = `${chart.ticker} daily prices up to ${chart.trade_date}`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(label)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>${escapeHtml(label)} (${escapeHtml(chart.data_label)})</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  );
  // Grid and price axis.
  for (const v of ticks(lo, hi, 6)) {
    out.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_WIDTH}" y1="${px(y(v))}" y2="${px(y(v))}" stroke="#d0d7de" stroke-width="0.5"/>`);
    out.push(`<text x="${LEFT + PLOT_WIDTH + 6}" y="${px(y(v) + 4)}" fill="#57606a">${fmt(v)}</text>`);
  }
  // Month labels: the first session of each month (every other one when the window is long).
  let lastMonth = '';
  let shown = 0;
  bars.forEach((bar, i) => {
    const month = bar.date.slice(0, 7);
    if (month === lastMonth) return;
    lastMonth = month;
    if (shown++ % (bars.length > 160 ? 2 : 1) !== 0) return;
    out.push(
      `<line x1="${px(x(i))}" x2="${px(x(i))}" y1="${PRICE_TOP}" y2="${RSI_TOP + RSI_HEIGHT}" stroke="#eaeef2" stroke-width="0.5"/>`,
    );
    const anchor = x(i) < LEFT + 24 ? 'start' : 'middle';
    out.push(`<text x="${px(x(i))}" y="${HEIGHT - 10}" fill="#57606a" text-anchor="${anchor}">${escapeHtml(month)}</text>`);
  });
  // Candles: wick, then body; an up day is hollow, a down day filled.
  const body = Math.max(1, step * 0.6);
  bars.forEach((bar, i) => {
    const up = bar.close >= bar.open;
    const colour = up ? UP : DOWN;
    const top = y(Math.max(bar.open, bar.close));
    const height = Math.max(0.8, Math.abs(y(bar.open) - y(bar.close)));
    out.push(
      `<line x1="${px(x(i))}" x2="${px(x(i))}" y1="${px(y(bar.high))}" y2="${px(y(bar.low))}" stroke="${colour}" stroke-width="0.8"/>`,
    );
    out.push(
      `<rect x="${px(x(i) - body / 2)}" y="${px(top)}" width="${px(body)}" height="${px(height)}" fill="${up ? '#ffffff' : colour}" stroke="${colour}" stroke-width="0.6"/>`,
    );
  });
  const polyline = (points: Array<{ date: string; value: number }> | undefined, colour: string, toY: (v: number) => number, dash = '') => {
    const coords = (points ?? []).flatMap((p) => {
      const i = index.get(p.date);
      return i === undefined ? [] : [`${px(x(i))},${px(toY(p.value))}`];
    });
    if (coords.length > 1)
      out.push(
        `<polyline points="${coords.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
  };
  polyline(chart.indicators.boll_upper, LINES.boll, y, '3 2');
  polyline(chart.indicators.boll_lower, LINES.boll, y, '3 2');
  polyline(chart.indicators.sma_50, LINES.sma_50, y);
  polyline(chart.indicators.sma_200, LINES.sma_200, y);
  for (const level of levels) {
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + PLOT_WIDTH}" y1="${px(y(level.value))}" y2="${px(y(level.value))}" stroke="${level.colour}" stroke-width="1" stroke-dasharray="6 3"/>`,
    );
    // Labelled at the right end, clear of the legend at the top left.
    out.push(
      `<text x="${LEFT + PLOT_WIDTH - 4}" y="${px(y(level.value) - 3)}" fill="${level.colour}" text-anchor="end">${level.name} ${fmt(level.value)}</text>`,
    );
  }
  // Legend.
  const legend: Array<[string, string]> = [
    ['SMA 50', LINES.sma_50],
    ['SMA 200', LINES.sma_200],
    ['Bollinger (20, 2)', LINES.boll],
  ];
  legend.forEach(([name, colour], i) => {
    out.push(
      `<line x1="${LEFT + 10 + i * 130}" x2="${LEFT + 34 + i * 130}" y1="${PRICE_TOP + 8}" y2="${PRICE_TOP + 8}" stroke="${colour}" stroke-width="2"/>`,
    );
    out.push(`<text x="${LEFT + 40 + i * 130}" y="${PRICE_TOP + 12}" fill="#24292f">${name}</text>`);
  });
  // RSI panel with its 30 / 70 lines.
  out.push(
    `<rect x="${LEFT}" y="${RSI_TOP}" width="${PLOT_WIDTH}" height="${RSI_HEIGHT}" fill="none" stroke="#d0d7de" stroke-width="0.5"/>`,
  );
  for (const v of [30, 70]) {
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + PLOT_WIDTH}" y1="${px(yRsi(v))}" y2="${px(yRsi(v))}" stroke="#d0d7de" stroke-dasharray="2 2"/>`,
    );
    out.push(`<text x="${LEFT + PLOT_WIDTH + 6}" y="${px(yRsi(v) + 4)}" fill="#57606a">${v}</text>`);
  }
  out.push(`<text x="${LEFT + 4}" y="${RSI_TOP - 6}" fill="#24292f">RSI (14)</text>`);
  polyline(chart.indicators.rsi, LINES.rsi, yRsi);
  out.push('</svg>');
  return out.join('\n');
}

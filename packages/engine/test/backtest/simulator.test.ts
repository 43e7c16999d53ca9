import { describe, expect, it } from 'vitest';
import { simulate, type ExecutionRules, type Signal } from '../../src/backtest/simulator.js';
import type { Bar } from '../../src/data/vendor.js';

const bar = (date: string, open: number, high: number, low: number, close: number): Bar => ({
  date,
  open,
  high,
  low,
  close,
  adj_close: close,
  volume: 1000,
});
const BARS: Bar[] = [
  bar('2024-01-01', 10, 10, 10, 10),
  bar('2024-01-02', 11, 12, 10.5, 11.5),
  bar('2024-01-03', 12, 13, 11, 12),
  bar('2024-01-04', 11, 11.5, 9, 10),
];
const PERIOD = { from: '2024-01-01', to: '2024-01-04' };
const RULES: ExecutionRules = { capital: 100, cost_per_trade: 1, slippage_bps: 0, allow_short: false };
const sig = (date: string, action: Signal['action'], stop_loss: number | null = null, take_profit: number | null = null): Signal => ({
  date,
  action,
  stop_loss,
  take_profit,
});
const equities = (r: ReturnType<typeof simulate>) => r.points.map((p) => p.equity);

describe('simulate', () => {
  it('fills a decision at the next open with whole shares and the fixed cost, then marks at the close', () => {
    const r = simulate(BARS, [sig('2024-01-01', 'BUY')], RULES, PERIOD);
    // floor((100 − 1) / 11) = 9 shares at 11, cash 100 − 99 − 1 = 0.
    expect(r.fills).toEqual([
      {
        decision_date: '2024-01-01',
        date: '2024-01-02',
        side: 'buy',
        quantity: 9,
        price: 11,
        cost: 1,
        slippage: 0,
        reason: 'signal',
        pnl: null,
      },
    ]);
    expect(equities(r)).toEqual([100, 103.5, 108, 90]);
    expect(r.points.map((p) => p.position)).toEqual([0, 9, 9, 9]);
    expect(r.final).toEqual({ side: 'long', quantity: 9, entry_price: 11, stop_loss: null, take_profit: null });
  });

  it('exits at the stop from the day low, charging the cost, with the round trip pnl net of both costs', () => {
    const r = simulate(BARS, [sig('2024-01-01', 'BUY', 9.5, 14)], RULES, PERIOD);
    const exit = r.fills[1]!;
    expect(exit).toMatchObject({ date: '2024-01-04', side: 'sell', quantity: 9, price: 9.5, reason: 'stop_loss' });
    // (9.5 − 11) × 9 − 1 − 1
    expect(exit.pnl).toBeCloseTo(-15.5, 10);
    expect(equities(r)).toEqual([100, 103.5, 108, 84.5]);
    expect(r.final.side).toBe('none');
  });

  it('a gap through the stop fills at the open, not at the stop', () => {
    const gapped = [...BARS.slice(0, 3), bar('2024-01-04', 9, 9.2, 8.5, 9)];
    const r = simulate(gapped, [sig('2024-01-01', 'BUY', 9.5, null)], RULES, PERIOD);
    expect(r.fills[1]).toMatchObject({ price: 9, reason: 'stop_loss' });
    expect(equities(r).at(-1)).toBe(80); // 9 × 9 − 1
  });

  it('takes profit at the target from the day high, and assumes the stop first when both are inside one bar', () => {
    const tp = simulate(BARS, [sig('2024-01-01', 'BUY', null, 12.5)], RULES, PERIOD);
    expect(tp.fills[1]).toMatchObject({ date: '2024-01-03', price: 12.5, reason: 'take_profit' });
    expect(tp.fills[1]!.pnl).toBeCloseTo(11.5, 10);
    const both = simulate(BARS, [sig('2024-01-01', 'BUY', 9.5, 11.2)], RULES, { from: '2024-01-01', to: '2024-01-04' });
    // 2024-01-02 already reaches 11.2 (high 12): that take-profit is the first exit.
    expect(both.fills[1]).toMatchObject({ date: '2024-01-02', price: 11.2, reason: 'take_profit' });
    const late = simulate(BARS, [sig('2024-01-03', 'BUY', 9.5, 11.4)], RULES, PERIOD);
    // Bought at the 01-04 open (11); its low 9 and high 11.5 reach both levels: the stop is assumed first.
    expect(late.fills[1]).toMatchObject({ date: '2024-01-04', price: 9.5, reason: 'stop_loss' });
  });

  it('applies slippage against the trade on both sides', () => {
    const r = simulate(BARS, [sig('2024-01-01', 'BUY'), sig('2024-01-02', 'SELL')], { ...RULES, slippage_bps: 100 }, PERIOD);
    // Buy at 11 × 1.01 = 11.11: floor(99 / 11.11) = 8 shares; sell at 12 × 0.99 = 11.88.
    expect(r.fills[0]).toMatchObject({ quantity: 8, price: 11.11 });
    expect(r.fills[0]!.slippage).toBeCloseTo(0.88, 10);
    expect(r.fills[1]).toMatchObject({ side: 'sell', quantity: 8 });
    expect(r.fills[1]!.price).toBeCloseTo(11.88, 10);
    expect(r.fills[1]!.slippage).toBeCloseTo(0.96, 10);
    // cash: 100 − 88.88 − 1 + 95.04 − 1
    expect(equities(r).at(-1)).toBeCloseTo(104.16, 10);
    expect(r.fills[1]!.pnl).toBeCloseTo((11.88 - 11.11) * 8 - 2, 10);
  });

  it('SELL goes flat without allow_short and opens a short with it; HOLD keeps the position', () => {
    const flat = simulate(BARS, [sig('2024-01-01', 'SELL'), sig('2024-01-02', 'HOLD')], RULES, PERIOD);
    expect(flat.fills).toEqual([]);
    expect(equities(flat)).toEqual([100, 100, 100, 100]);
    const short = simulate(BARS, [sig('2024-01-01', 'SELL', 13, 9.5)], { ...RULES, allow_short: true }, PERIOD);
    // Short 9 at 11: cash 100 + 99 − 1 = 198; 01-03 high 13 reaches the stop: buy back at 13.
    expect(short.fills[0]).toMatchObject({ side: 'sell', quantity: 9, price: 11 });
    expect(equities(short).slice(0, 2)).toEqual([100, 94.5]);
    expect(short.fills[1]).toMatchObject({ side: 'buy', date: '2024-01-03', price: 13, reason: 'stop_loss' });
    expect(short.fills[1]!.pnl).toBeCloseTo(-20, 10);
    expect(equities(short).at(-1)).toBe(80);
    const held = simulate(BARS, [sig('2024-01-01', 'BUY'), sig('2024-01-02', 'HOLD'), sig('2024-01-03', 'BUY')], RULES, PERIOD);
    expect(held.fills).toHaveLength(1);
  });

  it('a flip from long to short is two fills; a decision on the last day cannot fill', () => {
    const r = simulate(
      BARS,
      [sig('2024-01-01', 'BUY'), sig('2024-01-02', 'SELL'), sig('2024-01-04', 'BUY')],
      { ...RULES, allow_short: true },
      PERIOD,
    );
    expect(r.fills.map((f) => [f.date, f.side, f.quantity])).toEqual([
      ['2024-01-02', 'buy', 9],
      ['2024-01-03', 'sell', 9],
      ['2024-01-03', 'sell', 8], // cash after closing: 9 × 12 − 1 = 107 → floor(106 / 12) = 8
    ]);
    expect(r.unfilled).toEqual(['2024-01-04']);
    expect(r.points.at(-1)!.position).toBe(-8);
  });

  it('ignores bars outside the period (warm-up history)', () => {
    const r = simulate([bar('2023-12-29', 5, 5, 5, 5), ...BARS], [sig('2023-12-29', 'BUY')], RULES, {
      from: '2024-01-02',
      to: '2024-01-03',
    });
    expect(r.points.map((p) => p.date)).toEqual(['2024-01-02', '2024-01-03']);
    expect(r.fills).toEqual([]);
  });
});

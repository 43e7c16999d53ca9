import type { Action } from '@tradingfloor/shared';
import type { Bar } from '../data/vendor.js';

/** A decision taken at the close of `date`: what exposure to hold from the next open, and its exit levels. */
export interface Signal {
  date: string;
  action: Action;
  stop_loss: number | null;
  take_profit: number | null;
}

/** How decisions become fills (docs/backtest.md, "Execution rules"). */
export interface ExecutionRules {
  /** Cash at the start. */
  capital: number;
  /** Fixed cost of every fill. */
  cost_per_trade: number;
  /** Adverse slippage on every fill, in basis points of the reference price. */
  slippage_bps: number;
  /** SELL opens a short; otherwise SELL means flat. */
  allow_short: boolean;
}

/** One execution. `pnl` is set on the fill that closes a round trip (net of both fills' costs). */
export interface Fill {
  decision_date: string;
  date: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  cost: number;
  slippage: number;
  reason: 'signal' | 'stop_loss' | 'take_profit';
  pnl: number | null;
}

/** Equity at a day's close. `position` is shares held, negative when short. */
export interface EquityPoint {
  date: string;
  equity: number;
  position: number;
}

/** The position held after the last simulated day, as a run's position context wants it. */
export interface SimulatedPosition {
  side: 'none' | 'long' | 'short';
  quantity: number;
  entry_price: number | null;
  stop_loss: number | null;
  take_profit: number | null;
}

export interface SimulationResult {
  points: EquityPoint[];
  fills: Fill[];
  final: SimulatedPosition;
  /** Decisions that could not fill: taken on the last day of the period. */
  unfilled: string[];
}

interface Book {
  cash: number;
  qty: number;
  entryPrice: number;
  entryCost: number;
  stop: number | null;
  target: number | null;
}

/** −1 short, 0 flat, 1 long; null = keep what is held (HOLD). */
function targetSide(action: Action, allowShort: boolean): -1 | 0 | 1 | null {
  if (action === 'BUY') return 1;
  if (action === 'SELL') return allowShort ? -1 : 0;
  return null;
}

/**
 * Simulates one instrument over the bars from `from` to `to` (inclusive; `bars` may hold more history, which is
 * ignored). Every trading day: (1) the order of the previous day's decision fills at the open; (2) an open
 * position's stop loss / take profit is checked against the day's low / high — a gap through a level fills at
 * the open, and when both are inside the day's range the stop is assumed to come first; (3) the book is marked
 * at the close; (4) that day's decision, if any, becomes the order for the next open. Positions are whole
 * shares sized on all the sleeve's equity; buys fill at price × (1 + slippage), sells at price × (1 − slippage).
 * Pure: the same inputs give the same result.
 */
export function simulate(
  bars: readonly Bar[],
  signals: readonly Signal[],
  rules: ExecutionRules,
  period: { from: string; to: string },
): SimulationResult {
  const days = bars.filter((b) => b.date >= period.from && b.date <= period.to);
  const byDate = new Map(signals.map((s) => [s.date, s]));
  const book: Book = { cash: rules.capital, qty: 0, entryPrice: 0, entryCost: 0, stop: null, target: null };
  const fills: Fill[] = [];
  const points: EquityPoint[] = [];
  const slip = rules.slippage_bps / 10_000;
  let pending: Signal | null = null;

  const execute = (
    decisionDate: string,
    date: string,
    side: 'buy' | 'sell',
    quantity: number,
    reference: number,
    reason: Fill['reason'],
  ) => {
    const price = side === 'buy' ? reference * (1 + slip) : reference * (1 - slip);
    const fill: Fill = {
      decision_date: decisionDate,
      date,
      side,
      quantity,
      price,
      cost: rules.cost_per_trade,
      slippage: Math.abs(price - reference) * quantity,
      reason,
      pnl: null,
    };
    fills.push(fill);
    return fill;
  };

  const close = (decisionDate: string, date: string, reference: number, reason: Fill['reason']) => {
    const long = book.qty > 0;
    const quantity = Math.abs(book.qty);
    const fill = execute(decisionDate, date, long ? 'sell' : 'buy', quantity, reference, reason);
    book.cash += long ? quantity * fill.price : -quantity * fill.price;
    book.cash -= fill.cost;
    const gross = long ? (fill.price - book.entryPrice) * quantity : (book.entryPrice - fill.price) * quantity;
    fill.pnl = gross - fill.cost - book.entryCost;
    Object.assign(book, { qty: 0, entryPrice: 0, entryCost: 0, stop: null, target: null });
  };

  const open = (signal: Signal, date: string, side: 1 | -1, reference: number) => {
    const price = side === 1 ? reference * (1 + slip) : reference * (1 - slip);
    const quantity = Math.floor((book.cash - rules.cost_per_trade) / price);
    if (quantity <= 0) return;
    const fill = execute(signal.date, date, side === 1 ? 'buy' : 'sell', quantity, reference, 'signal');
    book.cash += side === 1 ? -quantity * fill.price : quantity * fill.price;
    book.cash -= fill.cost;
    Object.assign(book, {
      qty: side * quantity,
      entryPrice: fill.price,
      entryCost: fill.cost,
      stop: signal.stop_loss,
      target: signal.take_profit,
    });
  };

  for (const bar of days) {
    if (pending) {
      const target = targetSide(pending.action, rules.allow_short);
      const current = Math.sign(book.qty);
      if (target !== null && target !== current) {
        if (current !== 0) close(pending.date, bar.date, bar.open, 'signal');
        if (target !== 0) open(pending, bar.date, target, bar.open);
      } else if (target !== null && current !== 0 && (pending.stop_loss !== null || pending.take_profit !== null)) {
        // The same exposure asked again: the newest decision's levels replace the old ones.
        book.stop = pending.stop_loss;
        book.target = pending.take_profit;
      }
    }
    checkLevels(book, bar, (reference, reason) => close(bar.date, bar.date, reference, reason));
    points.push({ date: bar.date, equity: book.cash + book.qty * bar.close, position: book.qty });
    pending = byDate.get(bar.date) ?? null;
  }
  return {
    points,
    fills,
    final: {
      side: book.qty > 0 ? 'long' : book.qty < 0 ? 'short' : 'none',
      quantity: Math.abs(book.qty),
      entry_price: book.qty === 0 ? null : book.entryPrice,
      stop_loss: book.stop,
      take_profit: book.target,
    },
    unfilled: pending ? [pending.date] : [],
  };
}

/** Exits an open position whose stop loss or take profit the bar reaches; `exit` gets the reference price. */
function checkLevels(book: Book, bar: Bar, exit: (reference: number, reason: Fill['reason']) => void): void {
  if (book.qty === 0) return;
  const { stop, target } = book;
  if (book.qty > 0) {
    if (stop !== null && bar.open <= stop) return exit(bar.open, 'stop_loss');
    if (target !== null && bar.open >= target) return exit(bar.open, 'take_profit');
    if (stop !== null && bar.low <= stop) return exit(stop, 'stop_loss');
    if (target !== null && bar.high >= target) return exit(target, 'take_profit');
    return;
  }
  if (stop !== null && bar.open >= stop) return exit(bar.open, 'stop_loss');
  if (target !== null && bar.open <= target) return exit(bar.open, 'take_profit');
  if (stop !== null && bar.high >= stop) return exit(stop, 'stop_loss');
  if (target !== null && bar.low <= target) return exit(target, 'take_profit');
}

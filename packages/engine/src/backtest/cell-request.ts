import type { BacktestRequest, Position, RunOptionsInput } from '@tradingfloor/shared';
import type { SimulatedPosition } from './simulator.js';

/** The run options every cell of a backtest shares (its trade date and position are added per cell). */
export function cellOptions(request: BacktestRequest, backtestId: string | undefined): RunOptionsInput {
  return {
    llm_provider: request.llm_provider,
    ...(request.quick_think_llm ? { quick_think_llm: request.quick_think_llm } : {}),
    ...(request.deep_think_llm ? { deep_think_llm: request.deep_think_llm } : {}),
    offline_latency_ms: request.offline_latency_ms,
    cost_per_trade: request.cost_per_trade,
    memory: request.memory,
    memory_horizon: request.horizon,
    ...(request.cassette ? { cassette: request.cassette } : {}),
    ...(backtestId ? { backtest_id: backtestId } : {}),
  };
}

/**
 * The simulated holding as a run's position context (portfolio mode): side, entry price, quantity and the exit
 * levels in force. A level on the wrong side of the entry (a later decision's stop above a long's entry after a
 * rise) is left out, as the position schema requires; flat is `undefined` (the run's default).
 */
export function positionContext(held: SimulatedPosition): Position | undefined {
  if (held.side === 'none' || held.entry_price === null || held.quantity <= 0) return undefined;
  const entry = held.entry_price;
  const long = held.side === 'long';
  const stopOk = held.stop_loss !== null && (long ? held.stop_loss < entry : held.stop_loss > entry);
  const targetOk = held.take_profit !== null && (long ? held.take_profit > entry : held.take_profit < entry);
  return {
    side: held.side,
    entry_price: Number(entry.toFixed(4)),
    quantity: held.quantity,
    ...(stopOk ? { stop_loss: held.stop_loss! } : {}),
    ...(targetOk ? { take_profit: held.take_profit! } : {}),
  };
}

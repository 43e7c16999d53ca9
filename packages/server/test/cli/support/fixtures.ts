import { ValidationError, type Decision, type RunUsage } from '@tradingfloor/shared';

/** A decision as the engine would extract it, with the fields the CLI shows. */
export function decisionFixture(ticker: string, over: Partial<Decision> = {}): Decision {
  return {
    version: 1,
    ticker,
    trade_date: '2024-03-28',
    rating: 'Overweight',
    action: 'BUY',
    position_action: 'open_long',
    summary: `Buy ${ticker}`,
    confidence: 0.72,
    confidence_basis: 'stated by the model',
    rationale: ['trend up'],
    risk_metrics: { entry_price: 100, stop_loss: 95, take_profit: 110, reward_risk: 2 },
    notes: [],
    raw_text: 'FINAL RATING: Overweight',
    ...over,
  };
}

/** Usage with the given token counts and cost. */
export function usageFixture(input: number, output: number, cost: number | null): RunUsage {
  const total = { calls: 3, input_tokens: input, output_tokens: output, cost_usd: cost };
  return { total, by_agent: {}, by_model: {} };
}

/** A date refusal like the engine's, for tests of exit code 2. */
export const outsideData = () => new ValidationError('trade date 1999-01-04 is outside the data (2022-01-03 … 2024-12-31)');

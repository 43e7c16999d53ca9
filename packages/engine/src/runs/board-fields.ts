import type { Decision, RunBoardFields, RunConfig, Usage } from '@tradingfloor/shared';

/**
 * The board's extra summary fields of a run (issue 17): batch and backtest ids from its config, the decision's
 * figures once there is one, usage so far, its models and its data source. Cheap: called on every summary.
 */
export function boardFields(config: RunConfig, decision: Decision | null, usage: Usage | null, dataSource: string | null): RunBoardFields {
  const risk = decision?.risk_metrics;
  const fields: RunBoardFields = {
    batch_id: config.batch_id ?? null,
    backtest_id: config.backtest_id ?? null,
    rating: decision?.rating ?? null,
    confidence: decision?.confidence ?? null,
    entry_price: risk?.entry_price ?? null,
    stop_loss: risk?.stop_loss ?? null,
    take_profit: risk?.take_profit ?? null,
    reward_risk: risk?.reward_risk ?? null,
    position_action: decision?.position_action ?? null,
    quick_model: config.quick_think_llm,
    deep_model: config.deep_think_llm,
  };
  if (usage) {
    fields.tokens = usage.input_tokens + usage.output_tokens;
    fields.cost_usd = usage.cost_usd;
  }
  const source = config.data_vendors ?? dataSource;
  if (source) fields.data_source = source;
  return fields;
}

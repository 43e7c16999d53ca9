import { DEFAULT_MEMORY_HORIZON, type ChartData, type Usage } from '@tradingfloor/shared';
import type { RunView } from '@tradingfloor/engine';

/** One line of the provenance table: what it is and its value, both plain text. */
export interface ProvenanceRow {
  label: string;
  value: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const tokens = (u: Usage) =>
  `${(u.input_tokens + u.output_tokens).toLocaleString('en-US')} tokens (${u.input_tokens.toLocaleString('en-US')} in, ${u.output_tokens.toLocaleString('en-US')} out) in ${u.calls} call${u.calls === 1 ? '' : 's'}`;
const cost = (u: Usage) => (u.cost_usd === null ? 'unknown (a model has no price)' : `$${u.cost_usd.toFixed(4)}`);

/**
 * Where a run's report came from: the run, its dates, the model provider and models, the market data it read,
 * the usage it cost and the TradingFloor version that wrote the document. Every value is plain text (each
 * format escapes it).
 */
export function provenanceOf(view: RunView, chart: ChartData | null, version: string): ProvenanceRow[] {
  const { summary, config, usage } = view;
  const rows: ProvenanceRow[] = [
    { label: 'Run id', value: summary.run_id },
    { label: 'Ticker', value: summary.ticker },
    { label: 'Trade date', value: summary.trade_date },
    { label: 'Status', value: summary.status },
    { label: 'Started', value: iso(summary.created_at) },
    { label: 'Last update', value: iso(summary.updated_at) },
    {
      label: 'Model provider',
      value: config.llm_provider === 'offline' ? 'offline rule-based model (no LLM)' : config.llm_provider,
    },
    { label: 'Quick model (analysts, debaters, trader)', value: config.quick_think_llm },
    { label: 'Deep model (managers)', value: config.deep_think_llm },
  ];
  const models = Object.entries(usage.by_model);
  if (models.length > 0) rows.push({ label: 'Models used', value: models.map(([model, u]) => `${model}: ${tokens(u)}`).join('; ') });
  rows.push(
    { label: 'Analysts', value: config.analysts.join(', ') },
    { label: 'Debate rounds', value: `research ${config.max_debate_rounds}, risk ${config.max_risk_discuss_rounds}` },
  );
  if (chart) rows.push({ label: 'Market data', value: chart.data_label });
  const sources = view.dataSources ?? {};
  if (Object.keys(sources).length > 0)
    rows.push({
      label: 'Data sources',
      value: Object.entries(sources)
        .map(([kind, vendor]) => `${kind}: ${vendor}`)
        .join('; '),
    });
  if (config.data_source?.data_dir) rows.push({ label: 'Data directory', value: config.data_source.data_dir });
  rows.push({ label: 'Usage', value: tokens(usage.total) }, { label: 'Cost', value: cost(usage.total) });
  rows.push({
    label: 'Reflection memory',
    value: config.memory ? `on (horizon ${config.memory_horizon ?? DEFAULT_MEMORY_HORIZON} trading days)` : 'off',
  });
  if (config.cassette) rows.push({ label: 'Cassette', value: `${config.cassette.mode} ${config.cassette.dir}` });
  if (config.batch_id) rows.push({ label: 'Batch', value: config.batch_id });
  if (config.backtest_id) rows.push({ label: 'Backtest', value: config.backtest_id });
  rows.push({ label: 'TradingFloor version', value: version });
  return rows;
}

import type { RunConfig } from '@tradingfloor/shared';

/** What the header line of a batch says, read once its first runs are accepted. */
export interface BatchFacts {
  tickers: number;
  parallel: number;
  /** The first run's resolved config (trade date, provider and models as the engine chose them). */
  config: Pick<RunConfig, 'trade_date' | 'llm_provider' | 'quick_think_llm' | 'deep_think_llm'> | undefined;
  /** The market data's label, e.g. the demo market's, so demo data is never mistaken for market data. */
  dataLabel: string | null;
}

/**
 * The line printed above the live table: how many tickers and how many at once, the trade date, the model
 * and the data. `Running 3 tickers, 3 at a time · 2024-03-28 · offline rule-based model (no LLM) · data: …`
 */
export function batchHeader(facts: BatchFacts): string {
  const { config } = facts;
  const parts = [`Running ${facts.tickers} ticker${facts.tickers === 1 ? '' : 's'}, ${Math.min(facts.parallel, facts.tickers)} at a time`];
  if (config) {
    parts.push(config.trade_date);
    parts.push(
      config.llm_provider === 'offline'
        ? 'offline rule-based model (no LLM)'
        : `${config.llm_provider} (quick ${config.quick_think_llm}, deep ${config.deep_think_llm})`,
    );
  }
  if (facts.dataLabel) parts.push(`data: ${facts.dataLabel}`);
  return parts.join(' · ');
}

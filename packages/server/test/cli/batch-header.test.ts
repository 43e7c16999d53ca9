import { describe, expect, it } from 'vitest';
import { batchHeader } from '../../src/cli/batch-header.js';

describe('batchHeader', () => {
  it('says how many tickers run at once, the trade date, the model and the data', () => {
    const config = { trade_date: '2024-03-28', llm_provider: 'offline' as const, quick_think_llm: 'rules', deep_think_llm: 'rules' };
    expect(batchHeader({ tickers: 5, parallel: 3, config, dataLabel: 'demo data (generated, fictional companies)' })).toBe(
      'Running 5 tickers, 3 at a time · 2024-03-28 · offline rule-based model (no LLM) · data: demo data (generated, fictional companies)',
    );
    const openai = { ...config, llm_provider: 'openai' as const, quick_think_llm: 'gpt-4o-mini', deep_think_llm: 'gpt-4o' };
    expect(batchHeader({ tickers: 1, parallel: 3, config: openai, dataLabel: null })).toBe(
      'Running 1 ticker, 1 at a time · 2024-03-28 · openai (quick gpt-4o-mini, deep gpt-4o)',
    );
    expect(batchHeader({ tickers: 2, parallel: 1, config: undefined, dataLabel: null })).toBe('Running 2 tickers, 1 at a time');
  });
});

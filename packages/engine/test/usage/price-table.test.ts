import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../src/usage/price-table.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

describe('the default price table', () => {
  const table = loadPriceTable();

  it('knows the common OpenAI and Anthropic models', () => {
    expect(table.priceOf('gpt-4o')).toEqual({ input: 2.5, output: 10 });
    expect(table.priceOf('gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
    expect(table.priceOf('claude-sonnet-5-5')).toEqual({ input: 2, output: 10 });
    const defaults = ['gpt-5.4', 'gpt-5.4-mini', 'claude-sonnet-5-5', 'claude-haiku-5-5'];
    for (const model of [
      ...defaults,
      'gpt-4.1',
      'gpt-4.1-mini',
      'o3',
      'o4-mini',
      'claude-sonnet-4-6',
      'claude-haiku-4-5',
      'claude-opus-5-5',
    ]) {
      expect(table.priceOf(model), model).not.toBeNull();
    }
  });

  it('matches dated snapshots, router prefixes and dotted aliases, but not a different model', () => {
    expect(table.priceOf('gpt-4o-2024-08-06')).toEqual(table.priceOf('gpt-4o'));
    expect(table.priceOf('claude-sonnet-4-5-20250929')).toEqual(table.priceOf('claude-sonnet-4-5'));
    expect(table.priceOf('openai/gpt-4o-mini')).toEqual(table.priceOf('gpt-4o-mini'));
    expect(table.priceOf('anthropic/claude-sonnet-4.5')).toEqual(table.priceOf('claude-sonnet-4-5'));
    expect(table.priceOf('gpt-4o-mini')).not.toEqual(table.priceOf('gpt-4o'));
  });

  it('has no price for offline and local models: tokens only', () => {
    expect(table.priceOf('offline-quick')).toBeNull();
    expect(table.priceOf('llama3.1')).toBeNull();
    expect(table.costOf('llama3.1', { input_tokens: 1000, output_tokens: 1000 })).toBeNull();
  });

  it('computes cost in USD from tokens per million', () => {
    expect(table.costOf('gpt-4o', { input_tokens: 1_000_000, output_tokens: 0 })).toBeCloseTo(2.5, 10);
    expect(table.costOf('gpt-4o', { input_tokens: 2000, output_tokens: 500 })).toBeCloseTo((2000 * 2.5 + 500 * 10) / 1e6, 12);
  });
});

describe('a price file of your own', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tf-prices-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces the default table when LLM_PRICES_FILE names it', async () => {
    const file = path.join(dir, 'prices.json');
    await writeFile(file, JSON.stringify({ models: { 'my-model': { input: 1, output: 2 } }, aliases: { mine: 'my-model' } }));
    const table = loadPriceTable(parseEngineEnv({ LLM_PRICES_FILE: file }).pricesFile);
    expect(table.source).toBe(file);
    expect(table.priceOf('MY-MODEL')).toEqual({ input: 1, output: 2 });
    expect(table.priceOf('mine')).toEqual({ input: 1, output: 2 });
    expect(table.priceOf('gpt-4o')).toBeNull();
  });

  it.each([
    ['not json', /cannot read price table/],
    [JSON.stringify({ prices: {} }), /must be an object with a "models" object/],
    [JSON.stringify({ models: { x: { input: -1, output: 2 } } }), /model "x" needs non-negative numbers/],
    [JSON.stringify({ models: { x: { input: 1 } } }), /model "x" needs non-negative numbers/],
    [JSON.stringify({ models: { x: { input: 1, output: 1 } }, aliases: { y: 'z' } }), /alias "y" must name a model/],
  ])('refuses a bad file with a ConfigError naming the problem (%s)', async (content, message) => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, content);
    expect(() => loadPriceTable(file)).toThrow(ConfigError);
    expect(() => loadPriceTable(file)).toThrow(message);
  });

  it('refuses a missing file', () => {
    expect(() => loadPriceTable(path.join(dir, 'absent.json'))).toThrow(/cannot read price table .*absent\.json/);
  });
});

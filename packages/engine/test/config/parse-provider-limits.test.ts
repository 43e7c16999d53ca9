import { ConfigError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { parseGlobalLimit, parseProviderLimits } from '../../src/config/parse-provider-limits.js';

describe('parseProviderLimits', () => {
  it('reads provider and provider:model limits, ignoring spaces and empty entries', () => {
    expect(Object.fromEntries(parseProviderLimits(' openai:6, anthropic:3 ,openai:gpt-4o:2,,'))).toEqual({
      openai: 6,
      anthropic: 3,
      'openai:gpt-4o': 2,
    });
  });

  it('keeps colons inside model names (Ollama tags)', () => {
    expect(Object.fromEntries(parseProviderLimits('openai:llama3.1:8b:1'))).toEqual({ 'openai:llama3.1:8b': 1 });
  });

  it('treats unset or blank as no limits', () => {
    expect(parseProviderLimits(undefined).size).toBe(0);
    expect(parseProviderLimits('  ').size).toBe(0);
  });

  it.each([
    ['openai', /bad entry "openai": no limit given/],
    ['openai:six', /bad entry "openai:six": limit "six" is not a whole number/],
    ['openai:2.5', /bad entry "openai:2.5": limit "2.5" is not a whole number/],
    ['openai:0', /bad entry "openai:0": limit must be at least 1/],
    [':3', /bad entry ":3": provider name is empty/],
    ['opnai:3', /bad entry "opnai:3": unknown provider "opnai"/],
    ['openai::2', /bad entry "openai::2": model name is empty/],
    ['openai:2,anthropic:1,openai:3', /bad entry "openai:3": "openai" is given more than once/],
  ])('refuses %s with a ConfigError naming the entry', (raw, message) => {
    expect(() => parseProviderLimits(raw)).toThrow(ConfigError);
    expect(() => parseProviderLimits(raw)).toThrow(message);
  });
});

describe('parseGlobalLimit', () => {
  it('is unlimited when unset and a whole number otherwise', () => {
    expect(parseGlobalLimit(undefined)).toBeNull();
    expect(parseGlobalLimit('')).toBeNull();
    expect(parseGlobalLimit(' 8 ')).toBe(8);
  });

  it.each(['0', '-1', '1.5', 'ten'])('refuses %s', (raw) => {
    expect(() => parseGlobalLimit(raw)).toThrow(/LLM_MAX_CONCURRENCY must be a whole number/);
  });
});

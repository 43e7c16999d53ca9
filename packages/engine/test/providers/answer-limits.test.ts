import { ConfigError, ProviderError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_LIMITS, withAnswerLimits } from '../../src/providers/answer-limits.js';
import type { ChatMessage, ChatRequest } from '../../src/providers/provider.js';
import { scriptedProvider, type Scripted } from '../agents/scripted-provider.js';
import { parseEngineEnv } from '../../src/config/engine-env.js';

const request = (messages: ChatMessage[] = [{ role: 'user', content: 'go' }]): ChatRequest => ({
  model: 'm',
  tier: 'quick',
  messages,
  meta: { runId: 'r', agentRole: 'market_analyst', agentId: 'analysts.market' },
});
const signal = new AbortController().signal;
const calls = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: `c${from + i}`, name: 'get_news', arguments: { q: 'x' } }));

function limited(answer: Scripted, limits = { maxAnswerChars: 1_000, maxToolCallsPerTurn: 5 }) {
  return withAnswerLimits(scriptedProvider([answer]).provider, limits);
}

describe('answer limits', () => {
  it('passes answers within the limits through untouched', async () => {
    const response = await limited({ text: 'x'.repeat(1_000) }).chat(request(), signal);
    expect(response.text).toHaveLength(1_000);
    expect((await limited({ toolCalls: calls(5) }).chat(request(), signal)).toolCalls).toHaveLength(5);
  });

  it('fails an answer longer than LLM_MAX_ANSWER_CHARS, naming the role and the setting', async () => {
    const error = await limited({ text: 'x'.repeat(1_001) })
      .chat(request(), signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe(
      "Market Analyst: the model's answer is longer than LLM_MAX_ANSWER_CHARS (1000 characters; the answer has 1001)",
    );
    // Tool-call arguments count too.
    const bigArgs = [{ id: 'a', name: 'get_news', arguments: { q: 'y'.repeat(2_000) } }];
    await expect(limited({ toolCalls: bigArgs }).chat(request(), signal)).rejects.toThrow(/LLM_MAX_ANSWER_CHARS/);
  });

  it('counts the tool calls of the whole agent turn against LLM_MAX_TOOL_CALLS', async () => {
    await expect(limited({ toolCalls: calls(6) }).chat(request(), signal)).rejects.toThrow(
      'Market Analyst: the model asked for 6 tool calls in one turn, more than LLM_MAX_TOOL_CALLS (5)',
    );
    // Three calls earlier in the conversation plus three now: over the limit of five.
    const earlier: ChatMessage[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', tool_calls: calls(3) },
    ];
    await expect(limited({ toolCalls: calls(3, 3) }).chat(request(earlier), signal)).rejects.toThrow(/asked for 6 tool calls/);
    // A text answer after many calls is fine: the limit is on asking for more.
    expect((await limited({ text: 'report' }).chat(request(earlier), signal)).text).toBe('report');
  });

  it('reads LLM_MAX_ANSWER_CHARS and LLM_MAX_TOOL_CALLS, refusing nonsense', () => {
    expect(parseEngineEnv({}).answerLimits).toEqual(DEFAULT_ANSWER_LIMITS);
    expect(parseEngineEnv({ LLM_MAX_ANSWER_CHARS: '5000', LLM_MAX_TOOL_CALLS: ' 12 ' }).answerLimits).toEqual({
      maxAnswerChars: 5_000,
      maxToolCallsPerTurn: 12,
      maxToolTurns: 6,
    });
    for (const bad of ['0', '-1', '1.5', 'lots', '1e9']) {
      expect(() => parseEngineEnv({ LLM_MAX_ANSWER_CHARS: bad })).toThrow(ConfigError);
    }
    expect(() => parseEngineEnv({ LLM_MAX_TOOL_CALLS: 'x' })).toThrow(/LLM_MAX_TOOL_CALLS must be a whole number/);
  });
});

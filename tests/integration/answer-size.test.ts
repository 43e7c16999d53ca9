import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../packages/engine/src/providers/anthropic-provider.js';
import { withAnswerLimits } from '../../packages/engine/src/providers/answer-limits.js';
import { createOpenAiProvider } from '../../packages/engine/src/providers/openai-provider.js';
import { ProviderCallError } from '../../packages/engine/src/providers/provider-call-error.js';
import type { ChatRequest, LlmProvider } from '../../packages/engine/src/providers/provider.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const request: ChatRequest = {
  model: 'm',
  tier: 'quick',
  messages: [{ role: 'user', content: 'Write the report.' }],
  meta: { runId: 'r', agentRole: 'trader', agentId: 'trader.trader' },
};
const MAX_BYTES = 50_000;
const PROVIDERS: Array<{ name: string; make: () => LlmProvider }> = [
  { name: 'openai', make: () => createOpenAiProvider({ baseURL: fake.openaiBaseURL, apiKey: 'k', maxResponseBytes: MAX_BYTES }) },
  { name: 'anthropic', make: () => createAnthropicProvider({ baseURL: fake.anthropicBaseURL, apiKey: 'k', maxResponseBytes: MAX_BYTES }) },
];

describe.each(PROVIDERS)('$name: an answer over the size limit is refused before it is parsed', ({ make }) => {
  it('fails at once with answer_too_large (not retryable), and the answer limits name the role', async () => {
    fake.setScript(() => ({ kind: 'text', text: 'y'.repeat(200_000) }));
    const error = await make()
      .chat(request, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({ kind: 'answer_too_large', retryable: false });
    expect((error as Error).message).toMatch(/larger than LLM_MAX_ANSWER_CHARS allows \(\d+ bytes, at most 50000 bytes\)/);

    const limited = withAnswerLimits(make(), { maxAnswerChars: 1_000_000, maxToolCallsPerTurn: 10 });
    await expect(limited.chat(request, new AbortController().signal)).rejects.toThrow(/^Trader: .*larger than LLM_MAX_ANSWER_CHARS allows/);
    expect(fake.requests).toHaveLength(2);
  });

  it('passes answers within the limit', async () => {
    fake.setScript(() => ({ kind: 'text', text: 'z'.repeat(10_000) }));
    const response = await make().chat(request, new AbortController().signal);
    expect(response.text).toHaveLength(10_000);
  });
});

import { ProviderCallError } from '../../src/providers/provider-call-error.js';
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANTHROPIC_MAX_TOKENS, fromAnthropicResponse, toAnthropicRequest } from '../../src/providers/anthropic-wire.js';
import { fromOpenAiResponse, toOpenAiRequest } from '../../src/providers/openai-wire.js';
import type { ChatRequest } from '../../src/providers/provider.js';

const CTX = { provider: 'test', label: 'Test API', model: 'asked-model' };

const CONVERSATION: ChatRequest = {
  model: 'm',
  tier: 'quick',
  meta: { runId: 'r', agentRole: 'news_analyst', agentId: 'analysts.news' },
  tools: [{ name: 'get_news', description: 'Headlines', parameters: { type: 'object', properties: { ticker: { type: 'string' } } } }],
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'News on ACME?' },
    {
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'a', name: 'get_news', arguments: { ticker: 'ACME' } },
        { id: 'b', name: 'get_news', arguments: { ticker: 'GLOBEX' } },
      ],
    },
    { role: 'tool', tool_call_id: 'a', name: 'get_news', content: 'ACME headlines' },
    { role: 'tool', tool_call_id: 'b', name: 'get_news', content: 'GLOBEX headlines' },
    { role: 'user', content: 'Now write it.' },
  ],
};

describe('OpenAI wire mapping', () => {
  it('sends function tools and tool turns, never tool_choice', () => {
    const body = toOpenAiRequest({ ...CONVERSATION, maxOutputTokens: 500, temperature: 0.2 }, 'max_tokens');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('response_format');
    expect(body.max_tokens).toBe(500);
    expect(body.temperature).toBe(0.2);
    expect(body.tools).toEqual([{ type: 'function', function: CONVERSATION.tools![0] }]);
    expect(body.messages[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'a', type: 'function', function: { name: 'get_news', arguments: '{"ticker":"ACME"}' } },
        { id: 'b', type: 'function', function: { name: 'get_news', arguments: '{"ticker":"GLOBEX"}' } },
      ],
    });
    expect(body.messages[3]).toEqual({ role: 'tool', tool_call_id: 'a', content: 'ACME headlines' });
    expect(toOpenAiRequest(CONVERSATION, 'max_completion_tokens')).not.toHaveProperty('max_completion_tokens');
    expect(toOpenAiRequest({ ...CONVERSATION, maxOutputTokens: 9 }, 'max_completion_tokens').max_completion_tokens).toBe(9);
  });

  it('reads tool calls leniently: missing ids, object arguments, "stop" with tool calls, no usage', () => {
    const completion = {
      model: '',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: '', type: 'function', function: { name: 'get_news', arguments: { ticker: 'ACME' } } }],
          },
        },
      ],
    } as unknown as OpenAI.Chat.ChatCompletion;
    expect(fromOpenAiResponse(completion, CTX)).toEqual({
      text: '',
      toolCalls: [{ id: 'call_0', name: 'get_news', arguments: { ticker: 'ACME' } }],
      usage: { input_tokens: 0, output_tokens: 0 },
      model: 'asked-model',
      finishReason: 'tool_calls',
    });
  });

  it('maps finish reasons', () => {
    const answer = (finish_reason: string) =>
      fromOpenAiResponse(
        {
          model: 'x',
          choices: [{ index: 0, finish_reason, message: { role: 'assistant', content: 'hi' } }],
        } as unknown as OpenAI.Chat.ChatCompletion,
        CTX,
      ).finishReason;
    expect(['stop', 'length', 'tool_calls', 'content_filter'].map(answer)).toEqual(['stop', 'length', 'tool_calls', 'other']);
  });

  it('refuses an answer without choices as a retryable bad response', () => {
    expect(() => fromOpenAiResponse({ model: 'x', choices: [] } as unknown as OpenAI.Chat.ChatCompletion, CTX)).toThrow(
      expect.objectContaining({ kind: 'bad_response', retryable: true, message: 'Test API: the server answered with no choices' }),
    );
  });
});

describe('Anthropic wire mapping', () => {
  it('puts the system prompt on top, merges tool results into one user turn and never forces a tool', () => {
    const body = toAnthropicRequest(CONVERSATION);
    expect(body).not.toHaveProperty('tool_choice');
    expect(body.system).toBe('Be brief.');
    expect(body.max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
    expect(body.tools).toEqual([
      { name: 'get_news', description: 'Headlines', input_schema: { type: 'object', properties: { ticker: { type: 'string' } } } },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'News on ACME?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'a', name: 'get_news', input: { ticker: 'ACME' } },
          { type: 'tool_use', id: 'b', name: 'get_news', input: { ticker: 'GLOBEX' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'a', content: 'ACME headlines' },
          { type: 'tool_result', tool_use_id: 'b', content: 'GLOBEX headlines' },
          { type: 'text', text: 'Now write it.' },
        ],
      },
    ]);
  });

  it('reads text and tool_use blocks, counting cached prompt tokens as input', () => {
    const message = {
      model: 'claude-haiku-4-5',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 't1', name: 'get_news', input: { ticker: 'ACME' } },
      ],
      usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 2, output_tokens: 4 },
    } as unknown as Anthropic.Message;
    expect(fromAnthropicResponse(message, CTX)).toEqual({
      text: 'Let me look.',
      toolCalls: [{ id: 't1', name: 'get_news', arguments: { ticker: 'ACME' } }],
      usage: { input_tokens: 17, output_tokens: 4 },
      model: 'claude-haiku-4-5',
      finishReason: 'tool_calls',
    });
  });

  it('refuses empty content and non-object tool input', () => {
    const base = { model: 'c', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
    expect(() => fromAnthropicResponse({ ...base, content: [] } as unknown as Anthropic.Message, CTX)).toThrow(/empty content/);
    expect(() =>
      fromAnthropicResponse(
        { ...base, content: [{ type: 'tool_use', id: 'x', name: 'get_news', input: [1, 2] }] } as unknown as Anthropic.Message,
        CTX,
      ),
    ).toThrow(/called tool "get_news" with arguments that are not a JSON object/);
  });

  it('an answer with neither text nor a tool call is a retryable bad_response (unless the output budget ran out)', () => {
    const base = { model: 'c', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
    for (const content of [
      [{ type: 'text', text: '' }],
      [{ type: 'text', text: '  \n' }],
      [{ type: 'thinking', thinking: 'hm', signature: 's' }],
    ]) {
      const error = (() => {
        try {
          fromAnthropicResponse({ ...base, content } as unknown as Anthropic.Message, CTX);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ProviderCallError);
      expect(error).toMatchObject({ kind: 'bad_response', retryable: true, message: expect.stringMatching(/no text and no tool call/) });
    }
    const cut = { ...base, stop_reason: 'max_tokens', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }] };
    expect(fromAnthropicResponse(cut as unknown as Anthropic.Message, CTX).finishReason).toBe('length');
  });
});

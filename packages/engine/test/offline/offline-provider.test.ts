import { ProviderError } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { createOfflineProvider } from '../../src/providers/offline/offline-provider.js';
import type { ChatRequest } from '../../src/providers/provider.js';
import { regimePayloads } from './fake-data.js';

const signal = () => new AbortController().signal;

function analystRequest(withResults: boolean): ChatRequest {
  const payloads = regimePayloads('chop');
  const toolCalls = [
    { id: 'a', name: 'get_price_history', arguments: {} },
    { id: 'b', name: 'get_indicators', arguments: {} },
  ];
  return {
    model: 'offline',
    tier: 'quick',
    tools: toolCalls.map((c) => ({ name: c.name, description: '', parameters: {} })),
    meta: { runId: 'r', agentRole: 'market_analyst', agentId: 'analysts.market' },
    messages: [
      { role: 'system', content: 'You are the market analyst.' },
      {
        role: 'user',
        content: '<context>\nTicker: ACME\nCompany: Acme Corporation (ACME) — DEMO DATA: fictional\nTrade date: 2024-03-28\n</context>',
      },
      ...(withResults
        ? [
            { role: 'assistant' as const, content: '', tool_calls: toolCalls },
            ...toolCalls.map((c) => ({ role: 'tool' as const, tool_call_id: c.id, name: c.name, content: payloads[c.name] ?? '' })),
          ]
        : []),
    ],
  };
}

describe('createOfflineProvider', () => {
  it('is labelled as what it is', () => {
    const p = createOfflineProvider();
    expect(p.name).toBe('offline');
    expect(p.label).toBe('offline rule-based model (no LLM)');
  });

  it('calls the tools it is offered on the first turn', async () => {
    const res = await createOfflineProvider().chat(analystRequest(false), signal());
    expect(res.finishReason).toBe('tool_calls');
    expect(res.toolCalls.map((c) => c.name)).toEqual(['get_price_history', 'get_indicators']);
    expect(res.text).toBe('');
  });

  it('answers the same request with the same answer, from any instance', async () => {
    const a = await createOfflineProvider().chat(analystRequest(true), signal());
    const b = await createOfflineProvider({ latencyMs: 0 }).chat(analystRequest(true), signal());
    expect(a).toEqual(b);
    expect(a.finishReason).toBe('stop');
    expect(a.text).toContain('## Market analysis: ACME');
  });

  it('reports plausible token usage (about four characters a token) and the model asked for', async () => {
    const req = analystRequest(true);
    const res = await createOfflineProvider().chat(req, signal());
    const inputChars = req.messages.reduce((n, m) => n + m.content.length, 0);
    expect(res.usage.input_tokens).toBeGreaterThanOrEqual(Math.ceil(inputChars / 4));
    expect(res.usage.output_tokens).toBe(Math.ceil(res.text.length / 4));
    expect(res.model).toBe('offline');
  });

  it('waits its latency through the injected sleep, with the call signal', async () => {
    const waits: Array<[number, AbortSignal]> = [];
    const p = createOfflineProvider({ latencyMs: 250, sleep: async (ms, s) => void waits.push([ms, s]) });
    const s = signal();
    await p.chat(analystRequest(false), s);
    expect(waits).toEqual([[250, s]]);
  });

  it('rejects at once with the reason when aborted mid-wait, and clears its timer', async () => {
    const controller = new AbortController();
    const pending = createOfflineProvider({ latencyMs: 600_000 }).chat(analystRequest(false), controller.signal);
    const reason = new Error('canceled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects a call on an aborted signal without answering', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    const waits: number[] = [];
    const p = createOfflineProvider({ sleep: async (ms) => void waits.push(ms) });
    await expect(p.chat(analystRequest(false), controller.signal)).rejects.toBe('stop');
    expect(waits).toEqual([]);
  });

  it('gives a clear error for a role it has no rules for', async () => {
    const req = { ...analystRequest(false), meta: { runId: 'r', agentRole: 'astrologer' as never, agentId: 'x' } };
    await expect(createOfflineProvider().chat(req, signal())).rejects.toThrow(ProviderError);
    await expect(createOfflineProvider().chat(req, signal())).rejects.toThrow('no rules for agent role "astrologer"');
  });
});

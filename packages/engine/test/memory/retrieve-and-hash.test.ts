import type { Lesson } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { decisionReturn } from '../../src/memory/settle-memory.js';
import { retrieveLessons } from '../../src/memory/retrieve-lessons.js';
import { situationOf } from '../../src/memory/situation.js';
import { requestHash } from '../../src/providers/cassette/request-hash.js';
import type { ChatRequest } from '../../src/providers/provider.js';

function lesson(ticker: string, runId: string, decided: string, judged: string, situation: string): Lesson {
  return {
    ticker,
    run_id: runId,
    decision_date: decided,
    outcome_date: judged,
    horizon: 5,
    action: 'BUY',
    rating: 'Buy',
    realised_return: 0.01,
    decision_return: 0.01,
    benchmark_return: null,
    alpha: null,
    situation,
    text: `lesson of ${runId}`,
    reflected_by: 'test',
  };
}

describe('retrieveLessons', () => {
  const all = [
    lesson('ACME', 'a1', '2024-01-02', '2024-01-09', 'Market: bullish momentum'),
    lesson('ACME', 'a2', '2024-01-10', '2024-01-17', 'Market: bearish breakdown'),
    lesson('ACME', 'a3', '2024-01-20', '2024-01-27', 'Market: sideways'),
    lesson('ACME', 'a4', '2024-01-25', '2024-02-01', 'Market: sideways'),
    lesson('GLOBEX', 'g1', '2024-01-03', '2024-01-10', 'Fundamentals: debt rising, margins falling'),
    lesson('GLOBEX', 'g2', '2024-01-04', '2024-01-11', 'Market: oversold RSI rebound after crash'),
    lesson('INITECH', 'i1', '2024-01-05', '2024-01-12', 'Market: oversold RSI rebound after crash, volume spike'),
    lesson('INITECH', 'i2', '2024-01-22', '2024-03-01', 'Market: oversold RSI rebound after crash, volume spike, exact match'),
  ];

  it('filters by outcome date before ranking: the best textual match from the future never comes back', () => {
    const picked = retrieveLessons(all, {
      ticker: 'ACME',
      date: '2024-01-31',
      situation: 'Market: oversold RSI rebound after crash, volume spike, exact match',
    });
    expect(picked.map((l) => l.run_id)).toEqual(['a3', 'a2', 'a1', 'i1', 'g2']);
  });

  it('an outcome on the run’s date counts as known; one a day later does not', () => {
    expect(retrieveLessons(all, { ticker: 'ACME', date: '2024-02-01', situation: '' }).map((l) => l.run_id)).toEqual(['a4', 'a3', 'a2']);
    expect(retrieveLessons(all, { ticker: 'ACME', date: '2024-01-31', situation: '' }).map((l) => l.run_id)).toEqual(['a3', 'a2', 'a1']);
  });

  it('honours the limits', () => {
    const picked = retrieveLessons(
      all,
      { ticker: 'GLOBEX', date: '2024-12-31', situation: 'debt margins' },
      { sameTicker: 1, otherTickers: 0 },
    );
    expect(picked.map((l) => l.run_id)).toEqual(['g2']);
  });
});

describe('lesson pieces', () => {
  it('a decision earns the move for BUY, its opposite for SELL, nothing for HOLD', () => {
    expect([decisionReturn('BUY', 0.05), decisionReturn('SELL', 0.05), decisionReturn('HOLD', 0.05)]).toEqual([0.05, -0.05, 0]);
  });

  it('the situation keeps each report’s signal and first points', () => {
    const text = situationOf({
      market: '# Market\nSome intro.\n- Close 182.31 above SMA 50\n- RSI 61\n- third point\n\nSignal: bullish (score +3 of 5)',
      news: 'Headlines were calm. Nothing else.',
    });
    expect(text).toBe('Market: Signal: bullish (score +3 of 5) · Close 182.31 above SMA 50 · RSI 61\nNews: Headlines were calm.');
  });
});

describe('requestHash', () => {
  const request: ChatRequest = {
    model: 'gpt-x',
    tier: 'quick',
    messages: [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
    ],
    tools: [{ name: 't', description: 'd', parameters: { type: 'object', properties: { b: { type: 'string' }, a: { type: 'number' } } } }],
    meta: { runId: 'RUN-1', agentRole: 'market_analyst', agentId: 'analysts.market' },
  };

  it('is stable across key order and ignores who asked (run id, agent, tier)', () => {
    const reordered: ChatRequest = {
      meta: { agentId: 'x', agentRole: 'trader', runId: 'RUN-2' },
      tools: [
        { parameters: { properties: { a: { type: 'number' }, b: { type: 'string' } }, type: 'object' }, description: 'd', name: 't' },
      ],
      messages: request.messages.map((m) => ({ ...m })),
      tier: 'deep',
      model: 'gpt-x',
    };
    expect(requestHash('openai', reordered)).toBe(requestHash('openai', request));
    expect(requestHash('openai', request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the provider, the model, a message, the tools or a parameter', () => {
    const base = requestHash('openai', request);
    const variants = [
      requestHash('anthropic', request),
      requestHash('openai', { ...request, model: 'gpt-y' }),
      requestHash('openai', { ...request, messages: [...request.messages, { role: 'user', content: 'more' }] }),
      requestHash('openai', { ...request, tools: [] }),
      requestHash('openai', { ...request, temperature: 0.2 }),
    ];
    expect(new Set([base, ...variants]).size).toBe(6);
  });
});

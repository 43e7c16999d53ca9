import { describe, expect, it } from 'vitest';
import { runAnalyst, runPortfolioManager, runResearcher, runResearchManager, runRiskAnalyst, runTrader } from '../../src/agents/index.js';
import { createOfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { makeContext } from '../offline/fake-data.js';
import { scriptedProvider } from './scripted-provider.js';

const CLOSING = 'Decision made.\n\nFINAL RATING: Hold\nFINAL TRANSACTION PROPOSAL: **HOLD**';
const reports = { market: 'Signal: neutral (score 0 of 5)' };
const debate = [{ speaker: 'bull_researcher' as const, round: 1, text: 'Bull says buy.' }];

describe('every agent call', () => {
  it.each([
    ['bull researcher', 'bull_researcher', 'quick', (ctx: never) => runResearcher('bull', ctx, { reports, debate })],
    ['bear researcher', 'bear_researcher', 'quick', (ctx: never) => runResearcher('bear', ctx, { reports, debate })],
    ['research manager', 'research_manager', 'deep', (ctx: never) => runResearchManager(ctx, { reports, debate })],
    ['trader', 'trader', 'quick', (ctx: never) => runTrader(ctx, { reports, investmentPlan: CLOSING })],
    [
      'risk analyst',
      'neutral_analyst',
      'quick',
      (ctx: never) => runRiskAnalyst('neutral', ctx, { reports, traderPlan: CLOSING, debate: [] }),
    ],
    [
      'portfolio manager',
      'portfolio_manager',
      'deep',
      (ctx: never) => runPortfolioManager(ctx, { reports, investmentPlan: CLOSING, traderPlan: CLOSING, riskDebate: [] }),
    ],
  ] as const)('%s passes the run signal, its identity and its tier', async (_name, role, tier, run) => {
    const { provider, requests, signals } = scriptedProvider([{ text: CLOSING }]);
    const { ctx, logs, messages } = makeContext({ provider, role });
    const result = await run(ctx as never);
    expect(result.text).toBe(CLOSING);
    expect(requests).toHaveLength(1);
    expect(signals[0]).toBe(ctx.signal);
    expect(requests[0]?.meta).toEqual({ runId: ctx.runId, agentRole: role, agentId: role });
    expect(requests[0]?.tier).toBe(tier);
    expect(requests[0]?.model).toBe(tier === 'deep' ? 'deep-model' : 'quick-model');
    expect(requests[0]?.tools).toBeUndefined();
    expect(messages).toEqual([CLOSING]);
    expect(logs.map((l) => l.severity)).toEqual(['INFO', 'DEBUG', 'INFO']);
    expect(logs[1]?.message).toBe(`model ${tier}-model answered (10 input / 5 output tokens)`);
  });

  it('counts the researcher round from its own earlier turns', async () => {
    const { provider, requests } = scriptedProvider([{ text: 'argument' }]);
    const { ctx, logs } = makeContext({ provider, role: 'bull_researcher', config: { max_debate_rounds: 2 } });
    const turns = [...debate, { speaker: 'bear_researcher' as const, round: 1, text: 'Bear says sell.' }];
    await runResearcher('bull', ctx, { reports, debate: turns });
    expect(requests[0]?.messages[1]?.content).toContain('This is your round 2 of 2. Answer the latest points of the other side');
    expect(logs[0]?.message).toBe('bull researcher started (round 2 of 2, 2 earlier turns)');
  });

  it('refuses an unknown side or stance with a clear error and no model call', async () => {
    const { provider, requests } = scriptedProvider([{ text: 'x' }]);
    const { ctx } = makeContext({ provider, role: 'bull_researcher' });
    await expect(runResearcher('sideways' as 'bull', ctx, { reports, debate: [] })).rejects.toThrow('unknown researcher side "sideways"');
    await expect(runRiskAnalyst('reckless' as 'neutral', ctx, { reports, traderPlan: '', debate: [] })).rejects.toThrow(
      'unknown risk stance "reckless"',
    );
    expect(requests).toHaveLength(0);
  });

  it('replaces an empty answer with a visible placeholder and warns', async () => {
    const { provider } = scriptedProvider([{ text: '   ' }]);
    const { ctx, logs } = makeContext({ provider, role: 'bear_researcher' });
    const { text } = await runResearcher('bear', ctx, { reports, debate: [] });
    expect(text).toBe('_(the model returned an empty answer)_');
    expect(logs.some((l) => l.severity === 'WARN')).toBe(true);
  });
});

describe('cancellation', () => {
  it('an abort during a slow offline call rejects at once with the reason', async () => {
    const controller = new AbortController();
    const { ctx } = makeContext({ provider: createOfflineProvider({ latencyMs: 600_000 }), role: 'trader', signal: controller.signal });
    const pending = runTrader(ctx, { reports, investmentPlan: CLOSING });
    const reason = new Error('run canceled by user');
    controller.abort(reason);
    // With a 10-minute latency, only an immediate rejection can settle within the test timeout.
    await expect(pending).rejects.toBe(reason);
  });

  it('an already aborted run makes no model call', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const { provider, requests } = scriptedProvider([{ text: 'x' }]);
    const { ctx } = makeContext({ provider, role: 'market_analyst', signal: controller.signal });
    await expect(runAnalyst('market', ctx)).rejects.toThrow('gone');
    expect(requests).toHaveLength(0);
  });

  it('an abort while a tool runs stops the tool loop with the reason', async () => {
    const controller = new AbortController();
    const { provider, requests } = scriptedProvider([{ toolCalls: [{ id: '1', name: 'slow', arguments: {} }] }, { text: 'never' }]);
    const slow = {
      spec: { name: 'slow', description: '', parameters: {} },
      run: (_args: Record<string, unknown>, signal: AbortSignal) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort(new Error('stop now'));
        }),
    };
    const { ctx } = makeContext({ provider, role: 'market_analyst', tools: [slow], signal: controller.signal });
    await expect(runAnalyst('market', ctx)).rejects.toThrow('stop now');
    expect(requests).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { runPortfolioManager, runResearchManager, runTrader } from '../../src/agents/index.js';
import { parseDecision } from '../../src/decision/parse-decision.js';
import { createOfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { makeContext } from '../offline/fake-data.js';
import { scriptedProvider } from './scripted-provider.js';

const reports = { market: 'Signal: bullish (score +3 of 5)' };
const pmInput = { reports, investmentPlan: 'plan', traderPlan: 'plan', riskDebate: [] };

describe('the corrective retry for missing closing lines', () => {
  it('asks once for exactly the missing lines and appends them', async () => {
    const { provider, requests } = scriptedProvider([
      { text: 'We like the setup and would buy on dips.' },
      { text: 'FINAL RATING: Overweight\nFINAL TRANSACTION PROPOSAL: **BUY**' },
    ]);
    const { ctx, logs, messages } = makeContext({ provider, role: 'portfolio_manager' });
    const { text } = await runPortfolioManager(ctx, pmInput);
    expect(text).toBe('We like the setup and would buy on dips.\n\nFINAL RATING: Overweight\nFINAL TRANSACTION PROPOSAL: **BUY**');
    expect(requests).toHaveLength(2);
    const retry = requests[1]?.messages ?? [];
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: 'We like the setup and would buy on dips.' });
    expect(retry.at(-1)?.content).toMatch(/^Your answer is missing its closing lines \(FINAL RATING, FINAL TRANSACTION PROPOSAL\)/);
    expect(requests[1]?.model).toBe('deep-model');
    expect(logs.filter((l) => l.severity === 'WARN').map((l) => l.message)).toEqual([
      'answer lacks its closing lines (FINAL RATING, FINAL TRANSACTION PROPOSAL); asking the model once more',
    ]);
    expect(messages.some((m) => m.startsWith('↻ corrective retry'))).toBe(true);
  });

  it('asks only for what is missing', async () => {
    const { provider, requests } = scriptedProvider([
      { text: 'Analysis.\nFINAL RATING: Sell' },
      { text: 'FINAL TRANSACTION PROPOSAL: **SELL**' },
    ]);
    const { ctx } = makeContext({ provider, role: 'research_manager' });
    const { text } = await runResearchManager(ctx, { reports, debate: [] });
    expect(requests[1]?.messages.at(-1)?.content).toMatch(/\(FINAL TRANSACTION PROPOSAL\)/);
    expect(requests[1]?.messages.at(-1)?.content).not.toMatch(/FINAL RATING/);
    expect(text.endsWith('FINAL RATING: Sell\n\nFINAL TRANSACTION PROPOSAL: **SELL**')).toBe(true);
  });

  it('returns the first answer as is when the retry fails too, and the parser falls back', async () => {
    const { provider, requests } = scriptedProvider([{ text: 'We recommend selling into strength.' }, { text: 'Sorry, I cannot.' }]);
    const { ctx, logs } = makeContext({ provider, role: 'portfolio_manager' });
    const { text } = await runPortfolioManager(ctx, pmInput);
    expect(requests).toHaveLength(2);
    expect(text).toBe('We recommend selling into strength.');
    expect(logs.filter((l) => l.severity === 'WARN')).toHaveLength(2);
    const decision = parseDecision(text, { ticker: 'ACME', tradeDate: '2024-03-28', position: { side: 'none' }, lastClose: 10 });
    expect([decision.rating, decision.action]).toEqual(['Sell', 'SELL']);
  });

  it('makes no retry when the lines are there, and the trader needs only the proposal', async () => {
    const { provider, requests } = scriptedProvider([{ text: 'Plan.\nFINAL TRANSACTION PROPOSAL: **HOLD**' }]);
    const { ctx } = makeContext({ provider, role: 'trader' });
    await runTrader(ctx, { reports, investmentPlan: 'plan' });
    expect(requests).toHaveLength(1);
  });

  it('the offline model answers a retry with only its closing lines', async () => {
    const offline = createOfflineProvider();
    const { provider, requests } = scriptedProvider([{ text: 'no lines here' }, { text: '' }]);
    // Replay the retry request the agent built against the offline model.
    const { ctx } = makeContext({ provider, role: 'portfolio_manager' });
    await runPortfolioManager(ctx, pmInput);
    const retry = requests[1];
    if (!retry) throw new Error('no retry request');
    const answer = await offline.chat(retry, new AbortController().signal);
    expect(answer.text.startsWith('FINAL RATING: ')).toBe(true);
    expect(answer.text.split('\n')).toHaveLength(6);
  });
});

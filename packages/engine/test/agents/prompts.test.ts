import type { Position } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import {
  buildAggressiveAnalystPrompt,
  buildBearResearcherPrompt,
  buildBullResearcherPrompt,
  buildConservativeAnalystPrompt,
  buildFundamentalsAnalystPrompt,
  buildMarketAnalystPrompt,
  buildNeutralAnalystPrompt,
  buildNewsAnalystPrompt,
  buildPortfolioManagerPrompt,
  buildResearchManagerPrompt,
  buildSocialAnalystPrompt,
  buildTraderPrompt,
  type Prompt,
  type PromptContext,
} from '../../src/agents/prompts/index.js';
import { DEMO_INSTRUMENT } from '../offline/fake-data.js';

const LONG: Position = { side: 'long', entry_price: 150, stop_loss: 140, take_profit: 170, quantity: 25 };
const base: PromptContext = { ticker: 'ACME', tradeDate: '2024-03-28', instrument: DEMO_INSTRUMENT, position: LONG, costPerTrade: 5 };
const reports = { market: 'Signal: bullish (score +3 of 5)\nMARKET-REPORT-BODY', news: 'NEWS-REPORT-BODY' };
const debate = [{ speaker: 'bull_researcher' as const, round: 1, text: 'BULL-TURN-TEXT' }];
const riskDebate = [{ speaker: 'aggressive_analyst' as const, round: 1, text: 'AGGRESSIVE-TURN-TEXT' }];

const BUILDERS: Array<[string, () => Prompt]> = [
  ['market analyst', () => buildMarketAnalystPrompt({ ...base, toolNames: ['get_price_history', 'get_indicators'] })],
  ['social analyst', () => buildSocialAnalystPrompt({ ...base, toolNames: ['get_social_sentiment'] })],
  ['news analyst', () => buildNewsAnalystPrompt({ ...base, toolNames: ['get_company_news'] })],
  ['fundamentals analyst', () => buildFundamentalsAnalystPrompt({ ...base, toolNames: ['get_fundamentals'] })],
  ['bull researcher', () => buildBullResearcherPrompt({ ...base, reports, debate: [], round: 1, maxRounds: 2 })],
  ['bear researcher', () => buildBearResearcherPrompt({ ...base, reports, debate, round: 1, maxRounds: 2 })],
  ['research manager', () => buildResearchManagerPrompt({ ...base, reports, debate })],
  ['trader', () => buildTraderPrompt({ ...base, reports, investmentPlan: 'PLAN-TEXT' })],
  [
    'aggressive analyst',
    () => buildAggressiveAnalystPrompt({ ...base, reports, traderPlan: 'TRADER-PLAN', debate: [], round: 1, maxRounds: 1 }),
  ],
  [
    'conservative analyst',
    () => buildConservativeAnalystPrompt({ ...base, reports, traderPlan: 'TRADER-PLAN', debate: riskDebate, round: 1, maxRounds: 1 }),
  ],
  [
    'neutral analyst',
    () => buildNeutralAnalystPrompt({ ...base, reports, traderPlan: 'TRADER-PLAN', debate: riskDebate, round: 1, maxRounds: 1 }),
  ],
  [
    'portfolio manager',
    () => buildPortfolioManagerPrompt({ ...base, reports, investmentPlan: 'PLAN-TEXT', traderPlan: 'TRADER-PLAN', riskDebate }),
  ],
];

describe.each(BUILDERS)('%s prompt', (_name, build) => {
  const prompt = build();
  const all = `${prompt.system}\n${prompt.user}`;

  it('names the ticker, the company and the trade date in both messages', () => {
    for (const text of [prompt.system, prompt.user]) {
      expect(text).toContain('ACME');
      expect(text).toContain('2024-03-28');
    }
    expect(all).toContain('Acme Corporation');
  });

  it('carries the instrument context, marked as demo data', () => {
    expect(prompt.user).toContain('Sector: Industrials · Industry: Industrial Machinery');
    expect(prompt.user).toContain('Exchange: DEMO · Currency: USD');
    expect(prompt.user).toMatch(/Company: Acme Corporation \(ACME\) — DEMO DATA/);
    expect(prompt.system).toMatch(/DEMO DATA, call it demo data, never market data/);
  });

  it('states the current position and the cost per trade', () => {
    expect(prompt.user).toContain('Current position: long · entry 150.00 · stop loss 140.00 · take profit 170.00 · quantity 25');
    expect(prompt.user).toContain('Cost per trade: 5.00 USD');
  });

  it('forbids invented figures and look-ahead', () => {
    expect(prompt.system).toMatch(/never invent numbers/);
    expect(prompt.system).toMatch(/Nothing after the trade date exists/);
  });
});

describe('role-specific content', () => {
  const byName = Object.fromEntries(BUILDERS.map(([n, b]) => [n, b()]));
  const get = (n: string): Prompt => byName[n] as Prompt;

  it('analysts get their tools, the signal line and the summary table format', () => {
    const p = get('market analyst');
    expect(p.system).toContain('Tools you can call: get_price_history, get_indicators.');
    expect(p.system).toContain('Signal: <strongly bullish|bullish|neutral|bearish|strongly bearish> (score <+n> of <m>)');
    expect(p.system).toMatch(/summary table: \| Factor \| Reading \| Signal \|/);
    expect(p.system).toMatch(/ATR\(14\)/);
  });

  it('debaters see the reports and the debate so far, and must answer it', () => {
    const bear = get('bear researcher');
    expect(bear.user).toContain('<report analyst="market">\nSignal: bullish (score +3 of 5)\nMARKET-REPORT-BODY\n</report>');
    expect(bear.user).toContain('<turn speaker="bull_researcher" round="1" label="Bull Researcher">\nBULL-TURN-TEXT\n</turn>');
    expect(bear.user).toContain('Answer the latest points of the other side');
    expect(get('bull researcher').user).toContain('Open with your case.');
    expect(get('conservative analyst').user).toContain('AGGRESSIVE-TURN-TEXT');
    expect(get('conservative analyst').user).toContain('<trader_plan>\nTRADER-PLAN\n</trader_plan>');
  });

  it('managers and the trader end with the closing lines the parser reads', () => {
    expect(get('research manager').system).toContain('FINAL RATING: <Buy|Overweight|Hold|Underweight|Sell>');
    expect(get('research manager').system).toContain('FINAL TRANSACTION PROPOSAL: **<BUY|SELL|HOLD>**');
    const trader = get('trader');
    expect(trader.system).toContain('POSITION ACTION: <open_long|close_long|maintain_long|open_short|close_short|maintain_short|none>');
    expect(trader.system).toContain('STOP LOSS: <price, or n/a>');
    expect(trader.system).toMatch(/Every trade costs 5.00 USD/);
    expect(trader.user).toContain('<investment_plan>\nPLAN-TEXT\n</investment_plan>');
    const pm = get('portfolio manager');
    expect(pm.system).toContain('CONFIDENCE: <0-100>%');
    expect(pm.system).toContain('long: BUY or HOLD → maintain_long · SELL → close_long');
    expect(pm.user).toContain('<trader_plan>\nTRADER-PLAN\n</trader_plan>');
  });

  it('says real market data, and flat, when that is the case', () => {
    const p = buildTraderPrompt({
      ...base,
      instrument: { ...DEMO_INSTRUMENT, ticker: 'AAPL', name: 'Apple Inc.', demo: false, sector: null, exchange: null },
      ticker: 'AAPL',
      position: { side: 'none' },
      costPerTrade: null,
      reports: {},
      investmentPlan: 'x',
    });
    expect(p.user).toContain('Company: Apple Inc. (AAPL) — real market data');
    expect(p.user).toContain('Sector: unknown');
    expect(p.user).toContain('Current position: none (flat: no shares held and no short open)');
    expect(p.user).toContain('Cost per trade: not set');
    expect(p.user).toContain('(no analyst reports are available)');
    expect(p.system).toContain('No trading cost is set.');
  });
});

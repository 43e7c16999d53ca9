import { describe, expect, it } from 'vitest';
import { createOfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { runPipeline } from './run-pipeline.js';

const offline = createOfflineProvider();

describe('the offline team reaches different decisions for different markets', () => {
  it('strong uptrend, flat → a bullish rating that opens a long with bracketing levels', async () => {
    const { decision } = await runPipeline(offline, 'uptrend');
    expect(['Buy', 'Overweight']).toContain(decision.rating);
    expect([decision.action, decision.position_action]).toEqual(['BUY', 'open_long']);
    const { entry_price, stop_loss, take_profit, reward_risk } = decision.risk_metrics;
    expect(stop_loss).toBeLessThan(entry_price ?? 0);
    expect(take_profit).toBeGreaterThan(entry_price ?? Infinity);
    expect(reward_risk).toBeGreaterThan(1);
    expect(decision.confidence_basis).toBe('stated by the model');
    expect(decision.notes).toEqual([]);
  });

  it('crash, flat → a bearish rating and a SELL', async () => {
    const { decision } = await runPipeline(offline, 'crash');
    expect(['Sell', 'Underweight']).toContain(decision.rating);
    expect(decision.action).toBe('SELL');
  });

  it('chop → Hold and no position', async () => {
    const { decision } = await runPipeline(offline, 'chop');
    expect([decision.rating, decision.action, decision.position_action]).toEqual(['Hold', 'HOLD', 'none']);
  });
});

describe('the offline team respects the position held and the cost of trading', () => {
  it('long in a crash → close the long', async () => {
    const { decision } = await runPipeline(offline, 'crash', { position: { side: 'long', entry_price: 140 } });
    expect([decision.action, decision.position_action]).toEqual(['SELL', 'close_long']);
  });

  it('short in an uptrend → close the short', async () => {
    const { decision } = await runPipeline(offline, 'uptrend', { position: { side: 'short', entry_price: 120 } });
    expect([decision.action, decision.position_action]).toEqual(['BUY', 'close_short']);
  });

  it('long in an uptrend → keep it, with a stop that only trails up', async () => {
    const { decision, traderPlan } = await runPipeline(offline, 'uptrend', {
      position: { side: 'long', entry_price: 100, stop_loss: 141, take_profit: 200 },
    });
    expect(decision.position_action).toBe('maintain_long');
    expect(decision.risk_metrics).toMatchObject({ entry_price: 100, stop_loss: 141, take_profit: 200 });
    expect(decision.risk_metrics.reward_risk).toBeNull(); // the stop is above the entry: no risk left to measure
    expect(traderPlan).toContain('POSITION ACTION: maintain_long');
  });

  it('does not open a trade whose cost eats the expected gain', async () => {
    const { decision, traderPlan } = await runPipeline(offline, 'uptrend', { config: { cost_per_trade: 400 } });
    expect([decision.rating, decision.action, decision.position_action]).toEqual(['Hold', 'HOLD', 'none']);
    expect(traderPlan).toMatch(
      /trading costs 800.00 USD in and out against an expected gain of [\d.]+ USD on 69 shares: not worth trading/,
    );
    expect(decision.rationale.join(' ')).toMatch(/not worth trading/);
  });

  it('trades when the cost is small against the gain', async () => {
    const { decision } = await runPipeline(offline, 'uptrend', { config: { cost_per_trade: 1 } });
    expect(decision.action).toBe('BUY');
  });
});

describe('the offline debate', () => {
  it('is deterministic end to end', async () => {
    const a = await runPipeline(createOfflineProvider(), 'chop', { rounds: 2 });
    const b = await runPipeline(createOfflineProvider(), 'chop', { rounds: 2 });
    expect(b).toEqual(a);
  });

  it('answers the other side, round after round, without repeating its points', async () => {
    const { debate, riskDebate } = await runPipeline(offline, 'chop', { rounds: 2 });
    const [bull1, bear1, bull2, bear2] = debate.map((t) => t.text);
    expect(bull1).not.toContain('Answering');
    expect(bear1).toMatch(/### Answering the bull\n- The bull says: "/);
    expect(bull2).toMatch(/### Answering the bear\n- The bear says: "/);
    expect(bull2).toContain('(round 2)');
    const points = (t = '') => t.split('\n').filter((l) => l.startsWith('- ▲'));
    expect(points(bull1).length).toBeGreaterThan(0);
    for (const p of points(bull2)) expect(points(bull1)).not.toContain(p);
    expect(bear2).toContain('(round 2)');
    expect(riskDebate.map((t) => t.speaker)).toEqual([
      'aggressive_analyst',
      'conservative_analyst',
      'neutral_analyst',
      'aggressive_analyst',
      'conservative_analyst',
      'neutral_analyst',
    ]);
    expect(riskDebate[1]?.text).toContain('The aggressive analyst says: "');
    expect(riskDebate[3]?.text).toContain('The conservative analyst says: "');
  });

  it('labels every text it writes as the offline model, and as demo data', async () => {
    const r = await runPipeline(offline, 'uptrend');
    const texts = [
      ...Object.values(r.reports),
      ...r.debate.map((t) => t.text),
      r.investmentPlan,
      r.traderPlan,
      ...r.riskDebate.map((t) => t.text),
      r.finalText,
    ];
    expect(texts).toHaveLength(4 + 2 + 2 + 3 + 1);
    for (const t of texts) expect(t).toContain('offline rule-based model (no LLM)');
    for (const t of Object.values(r.reports)) expect(t).toContain('demo data (a fictional company), not market data');
  });
});

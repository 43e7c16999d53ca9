import { DecisionSchema, type Position } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { parseDecision } from '../../src/decision/parse-decision.js';

const FLAT: Position = { side: 'none' };
const parse = (text: string, position: Position = FLAT, lastClose: number | null = 100) =>
  DecisionSchema.parse(parseDecision(text, { ticker: 'ACME', tradeDate: '2024-03-28', position, lastClose }));

describe('parseDecision: rating and action from varied wordings', () => {
  it.each([
    ['canonical closing lines', 'Growth is solid.\n\nFINAL RATING: Overweight\nFINAL TRANSACTION PROPOSAL: **BUY**', 'Overweight', 'BUY'],
    [
      'closing lines in markdown bold',
      'Text.\n**FINAL RATING:** **Underweight**\n**FINAL TRANSACTION PROPOSAL:** SELL',
      'Underweight',
      'SELL',
    ],
    ['closing lines in lower case', 'final rating: sell\nfinal transaction proposal: **sell**', 'Sell', 'SELL'],
    ['closing lines as bullets', '- FINAL RATING: Hold\n- FINAL TRANSACTION PROPOSAL: HOLD', 'Hold', 'HOLD'],
    ['a labelled rating only', 'We looked at everything.\n\nRating: Underweight', 'Underweight', 'SELL'],
    ['"we recommend selling"', 'We recommend selling the shares ahead of earnings.', 'Sell', 'SELL'],
    ['"I would recommend buying"', 'After weighing everything, I would recommend buying on dips.', 'Buy', 'BUY'],
    ['"strong buy"', 'Our call is a strong buy.', 'Buy', 'BUY'],
    ['"Strong Sell" in a heading', '## Strong Sell\nThe balance sheet is broken.', 'Sell', 'SELL'],
    ['bold **HOLD**', 'The desk should act now: **HOLD**.', 'Hold', 'HOLD'],
    ['"rate the stock as Overweight"', 'We rate the stock as Overweight given the margins.', 'Overweight', 'BUY'],
    ['"Recommendation - Hold"', 'Recommendation - Hold', 'Hold', 'HOLD'],
    ['"downgrade to Underweight"', 'We downgrade ACME to Underweight after the miss.', 'Underweight', 'SELL'],
    ['"overweight" as a stance', 'We stay overweight the name into the print.', 'Overweight', 'BUY'],
    ['"the decision is to hold"', 'In short, the decision is to hold.', 'Hold', 'HOLD'],
    ['negated wording is skipped', 'We would not recommend buying here; we recommend holding.', 'Hold', 'HOLD'],
    [
      'closing lines beat the wording',
      'We recommend buying on strength.\n\nFINAL RATING: Sell\nFINAL TRANSACTION PROPOSAL: **SELL**',
      'Sell',
      'SELL',
    ],
    ['a labelled action beats the rating-derived one', 'Rating: Overweight. Action: HOLD until the print.', 'Overweight', 'HOLD'],
  ] as const)('%s', (_name, text, rating, action) => {
    const d = parse(text);
    expect(d.rating).toBe(rating);
    expect(d.action).toBe(action);
  });

  it('infers the rating from a stated action and says so', () => {
    const d = parse('Action: SELL');
    expect([d.rating, d.action]).toEqual(['Sell', 'SELL']);
    expect(d.notes.join(' ')).toMatch(/no rating stated; Sell inferred/);
  });

  it('reads a bare upper-case transaction word when nothing else is said', () => {
    const d = parse('The answer is simple. SELL.');
    expect([d.rating, d.action]).toEqual(['Sell', 'SELL']);
  });

  it('resolves conflicting loose wordings with the last one and notes the conflict', () => {
    const d = parse('Rating: Buy at first sight.\n\nOn reflection, rating: Hold.');
    expect(d.rating).toBe('Hold');
    expect(d.notes.join(' ')).toMatch(/conflicting rating wordings \(Buy, Hold\)/);
    expect(d.confidence_basis).toMatch(/less 0.10 for conflicting/);
  });

  it('notes an explicit rating the closing line overrides', () => {
    const d = parse('Rating: Buy.\n\nFINAL RATING: Hold\nFINAL TRANSACTION PROPOSAL: **HOLD**');
    expect(d.rating).toBe('Hold');
    expect(d.notes.join(' ')).toMatch(/closing line \(Hold\) wins/);
  });

  it.each([
    ['nothing clear', 'The market was busy today and many things happened.'],
    ['an empty text', ''],
    ['a copied template', 'FINAL RATING: <Buy|Overweight|Hold|Underweight|Sell>\nFINAL TRANSACTION PROPOSAL: **<BUY|HOLD|SELL>**'],
  ])('defaults to Hold / HOLD with a note for %s', (_name, text) => {
    const d = parse(text);
    expect([d.rating, d.action, d.position_action]).toEqual(['Hold', 'HOLD', 'none']);
    expect(d.notes).toContain('no clear rating or transaction found in the text; defaulted to Hold / HOLD');
    expect(d.confidence).toBe(0.3);
  });

  it('keeps a rating and an action that disagree, with a note', () => {
    const d = parse('FINAL RATING: Buy\nFINAL TRANSACTION PROPOSAL: **SELL**');
    expect([d.rating, d.action]).toEqual(['Buy', 'SELL']);
    expect(d.notes.join(' ')).toMatch(/opposite directions/);
  });
});

describe('parseDecision: position action', () => {
  const long: Position = { side: 'long', entry_price: 80 };
  const short: Position = { side: 'short', entry_price: 120 };
  const lines = (rating: string, action: string) => `FINAL RATING: ${rating}\nFINAL TRANSACTION PROPOSAL: **${action}**`;
  it.each([
    ['flat', 'Buy', 'BUY', 'open_long', FLAT],
    ['flat', 'Sell', 'SELL', 'open_short', FLAT],
    ['flat', 'Underweight', 'SELL', 'none', FLAT],
    ['flat', 'Hold', 'HOLD', 'none', FLAT],
    ['long', 'Sell', 'SELL', 'close_long', long],
    ['long', 'Hold', 'HOLD', 'maintain_long', long],
    ['long', 'Buy', 'BUY', 'maintain_long', long],
    ['short', 'Buy', 'BUY', 'close_short', short],
    ['short', 'Sell', 'SELL', 'maintain_short', short],
  ] as const)('%s + %s / %s → %s', (_side, rating, action, expected, position) => {
    expect(parse(lines(rating, action), position).position_action).toBe(expected);
  });

  it('takes a stated position action that fits', () => {
    expect(parse('FINAL RATING: Underweight\nFINAL TRANSACTION PROPOSAL: **SELL**\nPOSITION ACTION: open short').position_action).toBe(
      'open_short',
    );
  });

  it('replaces a stated position action that does not fit the position, with a note', () => {
    const d = parse('FINAL RATING: Buy\nFINAL TRANSACTION PROPOSAL: **BUY**\nPOSITION ACTION: close_long');
    expect(d.position_action).toBe('open_long');
    expect(d.notes.join(' ')).toMatch(/close_long does not fit BUY with position "none"/);
  });
});

describe('parseDecision: confidence', () => {
  it.each([
    ['CONFIDENCE: 72%', 0.72],
    ['**Confidence:** 55 %', 0.55],
    ['We have 65% confidence in this call.', 0.65],
    ['Confidence: 0.8', 0.8],
    ['Our confidence is about 40%.', 0.4],
  ])('reads %j as stated', (line, value) => {
    const d = parse(`FINAL RATING: Buy\nFINAL TRANSACTION PROPOSAL: **BUY**\n${line}`);
    expect(d.confidence).toBe(value);
    expect(d.confidence_basis).toBe('stated by the model');
  });

  it('derives a confidence from the rating and says how', () => {
    const d = parse('FINAL RATING: Overweight\nFINAL TRANSACTION PROPOSAL: **BUY**');
    expect(d.confidence).toBe(0.6);
    expect(d.confidence_basis).toMatch(/^derived: no confidence stated; 0.60 from the strength of the Overweight rating/);
  });

  it('ignores an out-of-range confidence', () => {
    expect(parse('FINAL RATING: Buy\nFINAL TRANSACTION PROPOSAL: **BUY**\nCONFIDENCE: 250%').confidence_basis).toMatch(/^derived/);
  });
});

describe('parseDecision: risk metrics', () => {
  const buy = 'FINAL RATING: Buy\nFINAL TRANSACTION PROPOSAL: **BUY**';
  it('computes reward/risk from the entry, not tp/sl', () => {
    const d = parse(`${buy}\nSTOP LOSS: 90\nTAKE PROFIT: 120`);
    expect(d.risk_metrics).toEqual({ entry_price: 100, stop_loss: 90, take_profit: 120, reward_risk: 2 });
  });

  it('mirrors the formula for a short', () => {
    const d = parse('FINAL RATING: Sell\nFINAL TRANSACTION PROPOSAL: **SELL**\nSTOP LOSS: 105\nTAKE PROFIT: 90');
    expect(d.position_action).toBe('open_short');
    expect(d.risk_metrics.reward_risk).toBe(2);
  });

  it('uses the entry price of a position held', () => {
    const d = parse('FINAL RATING: Hold\nFINAL TRANSACTION PROPOSAL: **HOLD**\nSTOP LOSS: 70\nTAKE PROFIT: 110', {
      side: 'long',
      entry_price: 80,
    });
    expect(d.risk_metrics).toEqual({ entry_price: 80, stop_loss: 70, take_profit: 110, reward_risk: 3 });
  });

  it('gives null with a note when the levels do not bracket the entry', () => {
    const d = parse('FINAL RATING: Hold\nFINAL TRANSACTION PROPOSAL: **HOLD**\nSTOP LOSS: 90\nTAKE PROFIT: 120', {
      side: 'long',
      entry_price: 80,
    });
    expect(d.risk_metrics.reward_risk).toBeNull();
    expect(d.notes.join(' ')).toMatch(/do not bracket the entry 80/);
  });

  it('gives null for a long with short-shaped levels', () => {
    expect(parse(`${buy}\nSTOP LOSS: 110\nTAKE PROFIT: 90`).risk_metrics.reward_risk).toBeNull();
  });

  it("skips distances and does not read one label's price for another", () => {
    const d = parse(`${buy}\nStop at 2 ATR below. Set a stop-loss at $95.50 (a 2 ATR stop) and a price target of 1,112.`, FLAT, 1000);
    expect(d.risk_metrics).toMatchObject({ stop_loss: 95.5, take_profit: 1112, reward_risk: 0.12 });
  });

  it('reads a stop and target stated in prose', () => {
    const d = parse(`${buy}\nSet a stop-loss at $95.50 and a price target of 112.`);
    expect(d.risk_metrics).toMatchObject({ stop_loss: 95.5, take_profit: 112, reward_risk: 2.67 });
  });

  it('treats n/a and missing figures as null', () => {
    const d = parse(`${buy}\nSTOP LOSS: n/a`);
    expect(d.risk_metrics).toEqual({ entry_price: 100, stop_loss: null, take_profit: null, reward_risk: null });
  });

  it('has no entry without a last close when flat', () => {
    expect(parse(`${buy}\nSTOP LOSS: 90\nTAKE PROFIT: 120`, FLAT, null).risk_metrics).toEqual({
      entry_price: null,
      stop_loss: 90,
      take_profit: 120,
      reward_risk: null,
    });
  });
});

describe('parseDecision: summary and rationale', () => {
  it('summarises with the first meaningful sentences, skipping headings and asides', () => {
    const text =
      '# Decision\n\n*Written by someone.*\n\n**We recommend buying ACME.** Growth is strong. Third sentence here.\n\nFINAL RATING: Buy';
    expect(parse(text).summary).toBe('We recommend buying ACME. Growth is strong.');
  });

  it('falls back to the first bullet, then to the decision itself', () => {
    expect(parse('## Call\n- Buy on weakness, margins are expanding.').summary).toBe('Buy on weakness, margins are expanding.');
    expect(parse('FINAL RATING: Sell\nFINAL TRANSACTION PROPOSAL: **SELL**').summary).toBe(
      'Sell / SELL (the text has no summary sentence)',
    );
  });

  it('takes the bullets under a rationale heading', () => {
    const text =
      'We buy.\n\n### Rationale\n- **Margins** expanding\n1. Revenue +15%\n\n### Risk management\n- Stop at 90\n\nFINAL RATING: Buy';
    expect(parse(text).rationale).toEqual(['Margins expanding', 'Revenue +15%']);
  });

  it('takes every bullet when there is no rationale heading, without closing lines', () => {
    const text = 'We sell.\n- ▼ Trend broken\n* Debt rising\n- FINAL RATING: Sell';
    expect(parse(text).rationale).toEqual(['Trend broken', 'Debt rising']);
  });

  it('keeps the raw text and the run identity', () => {
    const d = parse('FINAL RATING: Buy');
    expect(d).toMatchObject({ version: 1, ticker: 'ACME', trade_date: '2024-03-28', raw_text: 'FINAL RATING: Buy' });
  });
});

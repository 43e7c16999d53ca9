import { describe, expect, it } from 'vitest';
import {
  CLOSING_LINES_MEMO_MAX,
  closingLinesMemoSize,
  closingLinesInstructions,
  closingLinesReminder,
  missingClosingLines,
  parsePriceValue,
  readClosingLines,
  renderClosingLines,
  withoutClosingLines,
} from '../../src/decision/closing-lines.js';

describe('closing lines', () => {
  it('reads back what it renders', () => {
    const values = {
      rating: 'Underweight',
      action: 'SELL',
      positionAction: 'close_long',
      stopLoss: 101.5,
      takeProfit: null,
      confidence: 0.64,
    } as const;
    const text = renderClosingLines(values);
    expect(text).toBe(
      'FINAL RATING: Underweight\nFINAL TRANSACTION PROPOSAL: **SELL**\nPOSITION ACTION: close_long\nSTOP LOSS: 101.50\nTAKE PROFIT: n/a\nCONFIDENCE: 64%',
    );
    expect(readClosingLines(`Some analysis.\n\n${text}`)).toEqual(values);
  });

  it('takes the last line of each label and tolerates markdown around it', () => {
    const text = 'FINAL RATING: Buy\n...\n> **Final Rating:** _Hold_\n* Position-Action: maintain long\n### Stop-Loss: $1,234.50.';
    expect(readClosingLines(text)).toEqual({ rating: 'Hold', positionAction: 'maintain_long', stopLoss: 1234.5 });
  });

  it('ignores a line that names several values', () => {
    expect(readClosingLines('FINAL RATING: Buy or Hold\nFINAL TRANSACTION PROPOSAL: BUY/SELL')).toEqual({});
  });

  it('lists the required lines that are missing or unreadable', () => {
    expect(missingClosingLines('FINAL RATING: Buy', ['rating', 'proposal'])).toEqual(['proposal']);
    expect(missingClosingLines('FINAL RATING: maybe\nFINAL TRANSACTION PROPOSAL: **HOLD**', ['rating', 'proposal'])).toEqual(['rating']);
    expect(missingClosingLines('FINAL RATING: Sell\nFINAL TRANSACTION PROPOSAL: SELL', ['rating', 'proposal'])).toEqual([]);
  });

  it('prints the required and optional lines in canonical order', () => {
    const text = closingLinesInstructions(['proposal'], ['confidence', 'stop_loss']);
    const order = ['FINAL TRANSACTION PROPOSAL: **<BUY|SELL|HOLD>**', 'STOP LOSS: <price, or n/a>', 'CONFIDENCE: <0-100>%'].map((l) =>
      text.indexOf(l),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain('FINAL RATING');
  });

  it('asks for exactly the missing lines in a reminder', () => {
    const text = closingLinesReminder(['rating']);
    expect(text).toContain('missing its closing lines (FINAL RATING)');
    expect(text).toContain('FINAL RATING: <Buy|Overweight|Hold|Underweight|Sell>');
    expect(text).not.toContain('TRANSACTION');
  });

  it.each([
    ['$1,234.50', 1234.5],
    ['145.2 USD', 145.2],
    ['n/a', null],
    ['none', null],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5x ATR', undefined],
    ['2 ATR below the entry (139.73)', 139.73],
    ['5% under the close', undefined],
  ])('reads the price %j as %j', (value, expected) => {
    expect(parsePriceValue(value)).toBe(expected);
  });

  it('strips closing lines, readable or not, and keeps the prose', () => {
    expect(withoutClosingLines('We buy.\nFINAL RATING: <Buy|Hold>\n**CONFIDENCE:** 70%').trim()).toBe('We buy.');
  });
});

describe('readClosingLines memo', () => {
  const plan = (n: number) => `Plan ${n}.\n\nFINAL RATING: Buy\nFINAL TRANSACTION PROPOSAL: **BUY**\nSTOP LOSS: ${100 + n}\nCONFIDENCE: 60%`;

  it('reads a text again the same, into an object of its own', () => {
    const first = readClosingLines(plan(1));
    first.rating = 'Sell';
    delete first.stopLoss;
    expect(readClosingLines(plan(1))).toEqual({ rating: 'Buy', action: 'BUY', stopLoss: 101, confidence: 0.6 });
    expect(readClosingLines(plan(2)).stopLoss).toBe(102);
  });

  it(`remembers at most ${CLOSING_LINES_MEMO_MAX} texts and still reads every one right`, () => {
    for (let n = 0; n < CLOSING_LINES_MEMO_MAX * 2; n++) expect(readClosingLines(plan(n)).stopLoss).toBe(100 + n);
    expect(closingLinesMemoSize()).toBe(CLOSING_LINES_MEMO_MAX);
    expect(readClosingLines(plan(0)).stopLoss).toBe(100);
    expect(closingLinesMemoSize()).toBe(CLOSING_LINES_MEMO_MAX);
  });
});

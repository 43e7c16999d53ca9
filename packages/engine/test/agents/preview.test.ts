import { describe, expect, it } from 'vitest';
import { preview } from '../../src/agents/tool-loop.js';

/** The preview as it was first written: collapse the whole text, then cut. */
function collapsedWhole(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}… (${text.length} chars)` : flat;
}

/** A deterministic text of `length` chars mixing words and whitespace runs of every kind (LCG, no Math.random). */
function mixedText(seed: number, length: number, whitespaceShare: number): string {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const blanks = [' ', '\n', '\t', '\r\n', '\u00a0', '\u2028', '   '];
  let out = '';
  while (out.length < length) out += next() < whitespaceShare ? blanks[Math.floor(next() * blanks.length)]! : 'abcdefghij'[Math.floor(next() * 10)]!;
  return out.slice(0, length);
}

describe('preview', () => {
  it('equals collapsing the whole text, for long, short and whitespace-heavy texts', () => {
    const texts = [
      '',
      '   ',
      'short answer',
      JSON.stringify({ bars: Array.from({ length: 400 }, (_, i) => ({ date: `2025-01-${i}`, close: i })) }),
      ' '.repeat(700) + 'x',
      'x' + ' '.repeat(700) + 'y',
      'a '.repeat(80) + ' '.repeat(600) + 'b',
      'a'.repeat(161) + ' '.repeat(1000),
      'a'.repeat(160) + ' '.repeat(1000) + 'b',
    ];
    for (let seed = 1; seed <= 300; seed++) texts.push(mixedText(seed, 100 + seed * 7, (seed % 10) / 10));
    for (const text of texts) expect(preview(text)).toBe(collapsedWhole(text));
  });
});

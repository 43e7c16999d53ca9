import type { EquityPoint } from './simulator.js';

/**
 * The equal-weight portfolio of several sleeves (one per ticker, each started with the same capital and never
 * rebalanced): on every date any sleeve has, the sum of each sleeve's latest equity (a sleeve's first value
 * before its first date). Position is 0: the portfolio holds several instruments.
 */
export function equalWeightPortfolio(sleeves: ReadonlyArray<readonly EquityPoint[]>): EquityPoint[] {
  const dates = [...new Set(sleeves.flatMap((s) => s.map((p) => p.date)))].sort();
  const cursors = sleeves.map(() => 0);
  const latest = sleeves.map((s) => s[0]?.equity ?? 0);
  return dates.map((date) => {
    sleeves.forEach((sleeve, i) => {
      while (cursors[i]! < sleeve.length && sleeve[cursors[i]!]!.date <= date) latest[i] = sleeve[cursors[i]!++]!.equity;
    });
    return { date, equity: latest.reduce((a, b) => a + b, 0), position: 0 };
  });
}

import type { Bar } from '../data/vendor.js';

/** K, D and J of the KDJ oscillator at one bar. */
export interface KdjValue {
  k: number;
  d: number;
  j: number;
}

/**
 * KDJ (9, 3, 3), the stochastic oscillator as Chinese charting packages compute it (trading-signals has only the
 * SMA-smoothed stochastic): RSV = (close − lowest low) / (highest high − lowest low) × 100 over `period` bars;
 * K = ((m − 1)·K₋₁ + RSV) / m, D = ((m − 1)·D₋₁ + K) / m, both seeded at 50; J = 3K − 2D. Null until `period` bars.
 * Causal: the value at bar i uses bars 0..i only.
 */
export function computeKdj(bars: readonly Bar[], period = 9, m = 3): (KdjValue | null)[] {
  const out: (KdjValue | null)[] = [];
  let k = 50;
  let d = 50;
  for (let i = 0; i < bars.length; i++) {
    if (i + 1 < period) {
      out.push(null);
      continue;
    }
    const window = bars.slice(i + 1 - period, i + 1);
    const low = Math.min(...window.map((b) => b.low));
    const high = Math.max(...window.map((b) => b.high));
    // A flat window has no range: treat the close as mid-range rather than divide by zero.
    const rsv = high === low ? 50 : ((bars[i]!.close - low) / (high - low)) * 100;
    k = ((m - 1) * k + rsv) / m;
    d = ((m - 1) * d + k) / m;
    out.push({ k, d, j: 3 * k - 2 * d });
  }
  return out;
}

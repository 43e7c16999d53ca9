import { textTable, type Figure } from './figures.js';
import { median } from './stats.js';

/** Which build a run measured: the one compared against (`a`) or the one under test (`b`). */
export type Side = 'a' | 'b';

/**
 * The order of the runs, round by round: A then B, then B then A, alternating. On this machine the second run
 * of a pair measured lower more often than not (an A/A run of one build: 4 pairs of 5), so a comparison that
 * always ran the new build second could show a gain that is only its place in the pair.
 */
export function pairOrder(rounds: number): Array<[Side, Side]> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  return Array.from({ length: rounds }, (_, i) => (i % 2 === 0 ? ['a', 'b'] : ['b', 'a']));
}

/** One figure of both builds over the rounds. */
export interface ComparedFigure {
  name: string;
  unit: string;
  /** The value of each round, in round order (a round whose run lacked the figure is left out of both). */
  a: number[];
  b: number[];
  /** Nearest-rank medians (`stats.ts`): with an even count, the lower of the two middle values. */
  medianA: number;
  medianB: number;
  /** Median over the rounds of B − A within the round: what the change did, if anything, in the figure's unit. */
  medianDifference: number;
  /** Rounds where B measured lower than A. */
  bLower: number;
}

/**
 * Lines up the figures of both builds' runs, round by round (`a[i]` and `b[i]` ran in the same round), by
 * name. A figure missing from one side of a round (a group that did not run, a figure one build does not
 * report) is left out of that round; figures never measured on both sides are not listed.
 */
export function compareFigures(a: readonly Figure[][], b: readonly Figure[][]): ComparedFigure[] {
  if (a.length !== b.length) throw new Error(`each round needs a run of both builds: ${a.length} of A, ${b.length} of B`);
  const names: string[] = [];
  const rounds = new Map<string, { unit: string; a: number[]; b: number[] }>();
  for (let round = 0; round < a.length; round++) {
    const other = new Map(b[round]!.map((f) => [f.name, f]));
    for (const fa of a[round]!) {
      const fb = other.get(fa.name);
      if (!fb || !Number.isFinite(fa.value) || !Number.isFinite(fb.value)) continue;
      let entry = rounds.get(fa.name);
      if (!entry) {
        entry = { unit: fa.unit, a: [], b: [] };
        rounds.set(fa.name, entry);
        names.push(fa.name);
      }
      entry.a.push(fa.value);
      entry.b.push(fb.value);
    }
  }
  return names.map((name) => {
    const { unit, a: va, b: vb } = rounds.get(name)!;
    const differences = va.map((value, i) => vb[i]! - value);
    return {
      name,
      unit,
      a: va,
      b: vb,
      medianA: median(va),
      medianB: median(vb),
      medianDifference: median(differences),
      bLower: differences.filter((d) => d < 0).length,
    };
  });
}

const short = (value: number) => String(Number(value.toPrecision(4)));

/** A plain-text table of the comparison: each figure's values on both sides, the medians and B − A. */
export function formatComparison(rows: readonly ComparedFigure[]): string {
  const header = ['figure', 'A (each round)', 'B (each round)', 'median A', 'median B', 'median B − A', 'B lower'];
  const lines = rows.map((r) => [
    `${r.name} (${r.unit})`,
    r.a.map(short).join(', '),
    r.b.map(short).join(', '),
    short(r.medianA),
    short(r.medianB),
    short(r.medianDifference),
    `${r.bLower} of ${r.a.length}`,
  ]);
  return textTable(header, lines);
}

import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded stream of random draws; the generator itself is pure-rand's xoroshiro128+. */
export interface RandomStream {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Standard normal draw. */
  normal(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/**
 * Mixes the market seed with a stream name (e.g. `ACME:bars`) into a 32-bit seed, so every company and
 * data kind draws from its own stream: adding a company or a headline never shifts another one's numbers.
 * FNV-1a is only used to spread the name over the seed bits; the randomness comes from pure-rand.
 */
function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** A random stream for `name` under the market `seed`. */
export function createRandomStream(seed: number, name: string): RandomStream {
  const rng = xoroshiro128plus(streamSeed(seed, name));
  const uniform = () => uniformFloat64(rng);
  // Box–Muller yields normals in pairs; the second one is kept for the next call.
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform())); // 1 − u keeps the logarithm's argument in (0, 1]
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  return {
    uniform,
    between: (min, max) => min + (max - min) * uniform(),
    int: (min, max) => uniformInt(rng, min, max),
    normal,
    chance: (p) => uniform() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[uniformInt(rng, 0, items.length - 1)];
      if (item === undefined) throw new RangeError('pick() from an empty list');
      return item;
    },
  };
}

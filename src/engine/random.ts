/**
 * The one source of randomness: a seeded generator (mulberry32). Random schedules and random
 * scenarios take a seed, so every run can be replayed exactly.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export function rng(seed: number): Rng {
  // The state in a typed array: a closure variable above 2^30 would be a boxed number, and the
  // random scheduler draws on every step.
  const a = new Uint32Array(1);
  a[0] = seed >>> 0;
  const next = (): number => {
    a[0] = a[0]! + 0x6d2b79f5;
    let t = a[0]!;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

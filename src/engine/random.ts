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

/**
 * A class rather than closures, and its state in a typed array: every generator then shares one
 * shape and one pair of methods, which the random scheduler's per-step draws can inline (a call
 * to a closure of a new generator each run cannot be, and returns its number boxed), and a state
 * above 2^30 is never a boxed number.
 */
class Mulberry32 implements Rng {
  private readonly state = new Uint32Array(1);
  constructor(seed: number) {
    this.state[0] = seed >>> 0;
  }
  next(): number {
    const s = this.state;
    s[0] = s[0]! + 0x6d2b79f5;
    let t = s[0]!;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

export function rng(seed: number): Rng {
  return new Mulberry32(seed);
}

/**
 * The search's visited map (search.ts): state fingerprint (a whole number below 2^53, state.ts)
 * to the largest preemption budget it was explored with. An open-addressing hash table over
 * typed arrays: a JavaScript Map keyed by numbers that large boxes each key, and the search
 * looks a state up at every branch point.
 */
export class Visited {
  private keys: Float64Array;
  /** The budget plus one; 0 marks an empty slot. */
  private budgets: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 14) {
    let c = 16;
    while (c < capacity) c *= 2;
    this.keys = new Float64Array(c);
    this.budgets = new Int32Array(c);
    this.mask = c - 1;
  }

  /**
   * Whether `key` was recorded with at least `budget`; when not, records it with `budget`
   * (the largest so far, as the search only looks again with a larger one).
   */
  seen(key: number, budget: number): boolean {
    const keys = this.keys;
    const budgets = this.budgets;
    const mask = this.mask;
    // The low 32 bits of the key (its second hash lane) choose the slot; linear probing.
    let i = (key >>> 0) & mask;
    for (;;) {
      const b = budgets[i]!;
      if (b === 0) break;
      if (keys[i] === key) {
        if (b - 1 >= budget) return true;
        budgets[i] = budget + 1;
        return false;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    budgets[i] = budget + 1;
    if (++this.size * 2 > mask) this.grow();
    return false;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldBudgets = this.budgets;
    const c = oldKeys.length * 2;
    this.keys = new Float64Array(c);
    this.budgets = new Int32Array(c);
    this.mask = c - 1;
    const keys = this.keys;
    const budgets = this.budgets;
    const mask = this.mask;
    for (let j = 0; j < oldKeys.length; j++) {
      const b = oldBudgets[j]!;
      if (b === 0) continue;
      const key = oldKeys[j]!;
      let i = (key >>> 0) & mask;
      while (budgets[i] !== 0) i = (i + 1) & mask;
      keys[i] = key;
      budgets[i] = b;
    }
  }
}

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

/**
 * A visited map that several workers' searches share (the CLI's worker threads): the same
 * question as `Visited.seen`, over a SharedArrayBuffer, so that a worker skips a state another
 * worker has explored, or is exploring, with at least the budget it has left. Sound for the same
 * reason as within one search: the worker that recorded the state walks its whole subtree (the
 * states below the split depth are each in one worker's share, and a worker stops early only
 * when the whole search stops), so the schedules skipped are all run, by one worker or the
 * other. Which worker skips what depends on their timing: the schedule counts of a search across
 * workers differ from run to run (a search in one thread stays deterministic).
 *
 * Each search bound has its own entries (the bound is part of the key), as each bound starts
 * with an empty map in one search. Slots of four words: a state (0 empty, 1 being written, 2
 * written), the key's high and low words and the budget plus one. When half the slots are taken
 * the table records nothing more and the search keeps the rest in its own map.
 */
export class SharedVisited {
  private readonly words: Int32Array;
  private readonly mask: number;
  /** Word 0 holds the number of slots taken (1 to 3 are unused); the slots follow. */
  private static readonly HEADER = 4;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
    this.mask = (this.words.length - SharedVisited.HEADER) / 4 - 1;
  }

  /** A buffer for a table of `slots` slots (a power of two). */
  static buffer(slots = 1 << 20): SharedArrayBuffer {
    return new SharedArrayBuffer((SharedVisited.HEADER + 4 * slots) * 4);
  }

  /**
   * Whether `key` (below 2^53) was recorded for search bound `bound` with at least `budget`;
   * when not, records it with `budget` and returns false. Null when the table is full and does
   * not hold the key (the caller then asks its own map).
   */
  seen(key: number, bound: number, budget: number): boolean | null {
    const w = this.words;
    const hi = Math.floor(key / 4294967296) | (bound << 21) | 0;
    const lo = key | 0;
    let i = lo & this.mask;
    for (;;) {
      const at = SharedVisited.HEADER + 4 * i;
      const state = Atomics.load(w, at);
      if (state === 0) {
        if (Atomics.load(w, 0) * 2 > this.mask) return null;
        if (Atomics.compareExchange(w, at, 0, 1) !== 0) continue;
        Atomics.add(w, 0, 1);
        Atomics.store(w, at + 1, hi);
        Atomics.store(w, at + 2, lo);
        Atomics.store(w, at + 3, budget + 1);
        Atomics.store(w, at, 2);
        return false;
      }
      // Another worker is writing this slot: its key is known in a moment.
      if (state === 1) continue;
      if (Atomics.load(w, at + 1) === hi && Atomics.load(w, at + 2) === lo) {
        for (;;) {
          const b = Atomics.load(w, at + 3);
          if (b - 1 >= budget) return true;
          if (Atomics.compareExchange(w, at + 3, b, budget + 1) === b)
            return false;
        }
      }
      i = (i + 1) & this.mask;
    }
  }
}

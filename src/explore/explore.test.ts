/**
 * The explorer, from a library race's actors and operations alone (its schedule removed): it
 * finds the race's finding on the buggy kernel within bound 3, the schedule it writes out
 * replays to the same finding, and on the fixed kernel it finds nothing within the same bound.
 */
import { describe, expect, it } from "vitest";
import { applyChoice, type FindingCode } from "../engine";
import { library, libraryEntry } from "../scenarios/library";
import { onFixedKernel, type LibraryEntry } from "../scenarios/library/entry";
import { counterexample } from "./report";
import {
  checkSearchFingerprints,
  claimsBuffer,
  explore,
  prepare,
  scheduleOf,
  switchesOf,
} from "./search";
import { replay } from "./shrink";
import { SharedVisited } from "./visited";
import { parseScenario } from "../scenarios/schema";

const entry = (id: string): LibraryEntry => {
  const e = libraryEntry(id);
  if (!e) throw new Error(`no library entry ${id}`);
  return e;
};
const codesOf = (e: LibraryEntry): FindingCode[] => [
  ...new Set(e.expect.map((x) => x.code)),
];

/** Races whose fixed kernels take minutes to explore to bound 3: four and five actors on one CPU. */
const LEFT_TO_THE_BENCH = [
  "r0-1b-stale-partial-drain",
  "s1-5-kfree-nolock-defer",
];

/**
 * Races whose fixed kernel is explored completely to bound 3 in a few seconds: every other
 * library race (`npx tsx src/bench/explore.ts --races` runs all of them).
 */
const RACES = [
  "r1-put-cpu-partial-stale-page",
  "r5-pfmemalloc-vm-bug-on",
  "r6-memory-offline-lockdep",
  "r7-hotplug-vs-destroy",
  "r9-cmpxchg16b-alignment",
  "r18-missing-tid-bump",
  "r0-1-rt-free-steals-partial",
  "r2-rt-put-cpu-partial-lost-slab",
  "r0-2-mike-v2-still-loses-slab",
  "r3-rt-lockless-fastpath",
  "r0-3-memcg-recursion",
  "r0-5-vlastimil-typo",
  "r0-6-bent-up-half-irq",
  "s1-1-nmi-in-slab-alloc",
  "s1-2-rt-tracepoint-reentry",
  "s1-3-rt-nmi-caller",
  "s1-4-compaction-frozen-page",
  "s1-6-kprobe-irqs-off",
  "s3-1-pca-irq-free-leak",
  "s3-2-pca-offline-destroy",
  "s3-4-rt-prefill-trylock-leak",
  "s3-alloc-bulk-returns-freed",
  "v68-slab-lock-lost-update",
  "s4-rt-destroy-unflushed",
  "v618-rcu-sheaf-barrier",
  "v618-barn-memoryless",
  "v618-defer-raw-freeptr",
  "v618-nolock-lock-held",
];

it("the races tested here and those left to the bench are the library's races", () => {
  const races = library.filter((e) => e.kind === "race").map((e) => e.id);
  expect([...RACES, ...LEFT_TO_THE_BENCH].sort()).toEqual([...races].sort());
});

describe("explore a library race from its operations alone", () => {
  for (const id of RACES) {
    it(`${id}: found on the buggy kernel within bound 3, replays; none on the fixed kernel`, () => {
      const e = entry(id);
      const p = prepare(e.scenario);
      expect(p.scenario.schedule).toBeUndefined();
      const r = explore(p, { bound: 3, codes: codesOf(e) });
      expect(r.end).toBe("found");
      expect(r.found!.bound).toBeLessThanOrEqual(3);
      expect(codesOf(e)).toContain(r.found!.finding.code);
      expect(r.stats.engineErrors).toBe(0);

      const c = counterexample(p, r.found!);
      expect(c.replays).toBe(true);
      expect(c.finding.code).toBe(r.found!.finding.code);
      expect(c.switches).toBeLessThanOrEqual(c.foundSwitches);
      // The written-out scenario is valid and replays from scratch to the same finding.
      const parsed = parseScenario(JSON.parse(JSON.stringify(c.scenario)));
      expect(parsed.ok).toBe(true);
      const again = replay(p, c.steps, [c.finding.code], { fresh: true });
      expect(again.finding?.code).toBe(c.finding.code);
      expect(again.finding?.step).toBe(c.finding.step);
      expect(c.scenario.cursor).toBe(c.finding.step + 1);
      expect(c.link).toMatch(/^s=1\./);

      const fixed = explore(prepare(onFixedKernel(e)), { bound: 3 });
      expect(fixed.found).toBeNull();
      expect(fixed.end).toBe("exhausted");
      expect(fixed.stats.boundDone).toBe(3);
    }, 120_000);
  }
});

describe("search", () => {
  it("finds R1 with fewer preemptions than its library schedule needs, and the path is a real schedule", () => {
    const e = entry("r1-put-cpu-partial-stale-page");
    const p = prepare(e.scenario);
    const r = explore(p, { bound: 3 });
    expect(r.found!.finding.code).toBe("uaf-slab");
    expect(r.found!.bound).toBe(1);
    const steps = scheduleOf(p.initial, r.found!.path);
    expect(steps).toEqual(["A*10", "irq*36", "A"]);
    expect(switchesOf(r.found!.path)).toBe(2);
  });

  it("is deterministic: the same schedules in the same order", () => {
    const p = prepare(entry("r18-missing-tid-bump").scenario);
    const a = explore(p, { bound: 3 });
    const b = explore(p, { bound: 3 });
    expect(b.stats).toEqual(a.stats);
    expect(b.found).toEqual(a.found);
  });

  it("bound 0 runs each actor to the end before the next (no preemption)", () => {
    const p = prepare(entry("r18-missing-tid-bump").scenario);
    const r = explore(p, { bound: 0 });
    expect(r.found).toBeNull();
    expect(r.end).toBe("exhausted");
    expect(r.stats.boundDone).toBe(0);
    // Two tasks on one CPU: A then B, or B then A.
    expect(r.stats.schedules).toBe(2);
  });

  it("pruning changes the work, not the answer", () => {
    for (const id of ["r18-missing-tid-bump", "s1-6-kprobe-irqs-off"]) {
      const e = entry(id);
      const with_ = explore(prepare(onFixedKernel(e)), { bound: 2 });
      const without = explore(prepare(onFixedKernel(e)), {
        bound: 2,
        pruning: false,
      });
      expect(with_.found).toBeNull();
      expect(without.found).toBeNull();
      expect(with_.stats.steps).toBeLessThanOrEqual(without.stats.steps);
      const b1 = explore(prepare(e.scenario), { bound: 3 });
      const b2 = explore(prepare(e.scenario), { bound: 3, pruning: false });
      expect(b1.found!.bound).toBe(b2.found!.bound);
    }
  });

  it("split among workers: the shares add up to the whole tree and each is explored completely", () => {
    const e = entry("r18-missing-tid-bump");
    const p = prepare(onFixedKernel(e));
    const whole = explore(p, { bound: 3, pruning: false });
    let sum = 0;
    for (let index = 0; index < 3; index++) {
      const r = explore(p, {
        bound: 3,
        pruning: false,
        split: { index, count: 3, depth: 2 },
      });
      expect(r.end).toBe("exhausted");
      sum += r.stats.schedules;
    }
    expect(sum).toBe(whole.stats.schedules);
    // With pruning too: some share finds the race, at the bound the whole search finds it.
    const buggy = prepare(entry("s1-4-compaction-frozen-page").scenario);
    const all = explore(buggy, { bound: 3 });
    const shares = [0, 1, 2].map((index) =>
      explore(buggy, { bound: 3, split: { index, count: 3, depth: 3 } }),
    );
    const bounds = shares.flatMap((r) => (r.found ? [r.found.bound] : []));
    expect(Math.min(...bounds)).toBe(all.found!.bound);
  });

  it("split among workers that share a visited map: a share skips what another explored, and nothing is missed", () => {
    // The shares run one after the other here (in worker threads they overlap): the later ones
    // skip the states the earlier ones explored, which is sound because those were explored
    // completely.
    const split = (index: number, sharedVisited?: SharedArrayBuffer) => ({
      bound: 3,
      split: { index, count: 3, depth: 3 },
      sharedVisited,
    });
    const fixed = prepare(onFixedKernel(entry("r18-missing-tid-bump")));
    const whole = explore(fixed, { bound: 3 });
    const apart = [0, 1, 2].map((i) => explore(fixed, split(i)));
    const table = SharedVisited.buffer();
    const shared = [0, 1, 2].map((i) => explore(fixed, split(i, table)));
    const sum = (rs: typeof apart) =>
      rs.reduce((n, r) => n + r.stats.schedules, 0);
    for (const r of shared) {
      expect(r.end).toBe("exhausted");
      expect(r.found).toBeNull();
    }
    expect(sum(shared)).toBeLessThan(sum(apart));
    // Close to one search's count: the walk above the split depth is the only work repeated.
    expect(sum(shared)).toBeLessThan(whole.stats.schedules * 1.1);
    // On the buggy kernel some share finds the race, at the bound the whole search finds it.
    const buggy = prepare(entry("s1-4-compaction-frozen-page").scenario);
    const all = explore(buggy, { bound: 3 });
    const table2 = SharedVisited.buffer();
    const shares = [0, 1, 2].map((i) => explore(buggy, split(i, table2)));
    const bounds = shares.flatMap((r) => (r.found ? [r.found.bound] : []));
    expect(Math.min(...bounds)).toBe(all.found!.bound);
  });

  it("split among workers that claim subtrees as they reach them: each subtree is explored once", () => {
    // In turn here: the first share claims every subtree, the others walk the tree above the
    // split depth only. Together they explore what one search does.
    const fixed = prepare(onFixedKernel(entry("r18-missing-tid-bump")));
    const whole = explore(fixed, { bound: 3 });
    const claims = claimsBuffer(3);
    const shares = [0, 1].map((index) =>
      explore(fixed, {
        bound: 3,
        split: { index, count: 2, depth: 2, claims },
      }),
    );
    for (const r of shares) expect(r.end).toBe("exhausted");
    expect(shares[0]!.stats.schedules).toBe(whole.stats.schedules);
    expect(shares[1]!.stats.schedules).toBe(0);
    // Claims taken for one bound do not take the next bound's subtrees.
    const buggy = prepare(entry("s1-4-compaction-frozen-page").scenario);
    const all = explore(buggy, { bound: 3 });
    const first = explore(buggy, {
      bound: 3,
      split: { index: 0, count: 2, depth: 3, claims: claimsBuffer(3) },
    });
    expect(first.found!.bound).toBe(all.found!.bound);
  });

  it("the shared visited map: per bound, the largest budget, and nothing more once half full", () => {
    const v = new SharedVisited(SharedVisited.buffer(16));
    const key = 2 ** 52 + 12345;
    expect(v.seen(key, 1, 2)).toBe(false);
    expect(v.seen(key, 1, 2)).toBe(true);
    expect(v.seen(key, 1, 1)).toBe(true);
    // A larger budget is explored again, and recorded.
    expect(v.seen(key, 1, 3)).toBe(false);
    expect(v.seen(key, 1, 3)).toBe(true);
    // Another bound, another entry; a key differing only in its high word, another entry.
    expect(v.seen(key, 2, 0)).toBe(false);
    expect(v.seen(key + 2 ** 32, 1, 0)).toBe(false);
    // 3 of 16 slots taken; 8 are filled at most, then the table answers null for new keys.
    const answers = Array.from({ length: 10 }, (_, i) => v.seen(i + 1, 1, 0));
    expect(answers.slice(0, 5)).toEqual([false, false, false, false, false]);
    expect(answers.slice(5)).toEqual([null, null, null, null, null]);
    expect(v.seen(key, 1, 3)).toBe(true);
  });

  it("stops at the schedule limit and says how far it got", () => {
    const p = prepare(onFixedKernel(entry("r1-put-cpu-partial-stale-page")));
    const r = explore(p, { bound: 3, maxSchedules: 50 });
    expect(r.end).toBe("max-schedules");
    expect(r.stats.schedules).toBe(50);
    expect(r.found).toBeNull();
  });

  it("an engine error ends its schedule only: counted, reported with its schedule, the search goes on", () => {
    const e = entry("r5-pfmemalloc-vm-bug-on");
    const p = prepare(e.scenario);
    const irq = p.initial.actors.findIndex((a) => a.name === "irq");
    let thrown = 0;
    const r = explore(p, {
      bound: 3,
      applyStep: (m, v, ch) => {
        // The interrupt's very first step breaks on the schedules where it enters at step 3.
        if (ch.actor === irq && m.step === 3) {
          thrown++;
          throw new Error("model invariant broken (testing)");
        }
        return applyChoice(m, v, ch);
      },
    });
    expect(thrown).toBeGreaterThan(0);
    expect(r.stats.engineErrors).toBe(thrown);
    expect(r.errors[0]!.message).toBe("model invariant broken (testing)");
    const last = r.errors[0]!.path.at(-1)!;
    expect(last.actor).toBe(irq);
    expect(r.errors[0]!.path).toHaveLength(4);
    // The search went on past the failing schedules and found the race.
    expect(r.end).toBe("found");
    expect(r.found!.finding.code).toBe("vm-bug-on");
  });
});

describe("the fingerprint's kept hashes", () => {
  it("equal a fingerprint from scratch at every lookup, on every library race and its fix", () => {
    // The search keeps each page's and actor's hash and is told after each step what it may
    // have written (state.ts): a write it is not told of shows here as a difference.
    checkSearchFingerprints(true);
    try {
      for (const e of library) {
        if (e.expect.length === 0) continue;
        for (const s of [e.scenario, onFixedKernel(e)]) {
          const r = explore(prepare(s), { bound: 3, maxSchedules: 1500 });
          expect(r.stats.engineErrors, e.id).toBe(0);
        }
      }
    } finally {
      checkSearchFingerprints(false);
    }
  }, 120_000);
});

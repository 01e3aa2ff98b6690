import type { Scenario, VariantName } from "../../engine";
import type { LibraryEntry } from "./entry";
import { alloc, free } from "./prepare";

/** The same state and schedule on a given RT-tree variant: A takes the partial head, B pushes. */
function lostSlab(variant: VariantName, title: string): Scenario {
  return {
    format: "slabscope/scenario",
    version: 1,
    title,
    description:
      "Analysis: the hazard is stated in seed 002 (L3383-3389) and by Vlastimil Babka in seed 000; the schedule is ours. One CPU, PREEMPT_RT, two-object slabs, cpu_partial 8 (no drain). CPU 0's cpu slab P4 is exhausted; its partial list is P1 then P0; P2 is full. Task A allocates and takes the head of c->partial under the local lock; task B, of higher priority, frees into P2. On v5.15 B's put_cpu_partial takes the local lock and sleeps until A has finished: the lost update cannot happen.",
    kernel: { variant, cpus: 1, preemptRt: true, pagePool: 10 },
    cache: { objects: 2, cpuPartial: 8, minPartial: 0 },
    prepare: [
      alloc("a"),
      alloc("a"),
      alloc("b"),
      alloc("b"),
      alloc("s"),
      alloc("s"),
      alloc("e"),
      alloc("e"),
      alloc("f"),
      alloc("f"),
      free("a"),
      free("b"),
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "x" }] },
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "s" }] },
    ],
    schedule: {
      steps: ["A>___slab_alloc:new_slab+6", "B*13"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "A allocates. Its cpu slab P4 is exhausted, so it takes the slow path.",
      },
      {
        step: 18,
        text: "A takes the local lock (on RT: interrupts stay on, A stays preemptible) to take the head of c->partial.",
      },
      {
        step: 22,
        text: "A has read page = P1 and set c->page = P1; c->partial still points at P1.",
      },
      {
        step: 23,
        text: "B preempts A and frees an object of P2, a full slab on no list: P2 is frozen for this CPU.",
      },
      {
        step: 34,
        text: "B's put_cpu_partial reads the head, P1, links P2 in front of it and swaps c->partial from P1 to P2 with this_cpu_cmpxchg: it succeeds, nothing stops it, because it does not take the local lock.",
      },
      {
        step: 36,
        text: "A resumes and finishes its own update: c->partial = P1->next = P0. B's P2 is overwritten: frozen, on no list, owned by no CPU. Frees into it now only push onto its freelist (free_frozen); its memory is never reused: a silent leak, not a crash.",
      },
    ],
  };
}

export const r2RtPutCpuPartialLostSlab: LibraryEntry = {
  id: "r2-rt-put-cpu-partial-lost-slab",
  kind: "race",
  summary:
    "On RT, ___slab_alloc updates c->partial under the local lock while put_cpu_partial updates it with a lockless cmpxchg. A free that preempts the allocation between its read and its write of c->partial pushes a slab that the allocation then overwrites: the slab is lost.",
  source: {
    seed: "002 L3383-3389 (the cmpxchg approach is only safe if ___slab_alloc disables irqs), L30-36; 000 (Vlastimil: all modifications of cpu_slab->partial must be protected on RT)",
    fix: "[PATCH v4 33/35] and 35/35: put_cpu_partial under local_lock_irqsave",
    basis: "analysis",
  },
  scenario: lostSlab(
    "rt-2021-07",
    "RT: put_cpu_partial's own cmpxchg loses a slab (the RT tree of July 2021)",
  ),
  goal: "Make B push a slab onto c->partial between A's read of c->partial and A's write of it",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 with PREEMPT_RT, put_cpu_partial updates c->partial under the local lock, the same lock ___slab_alloc holds while it reads and writes c->partial.",
    },
    {
      step: 30,
      text: "B preempts A and frees; its put_cpu_partial asks for the local lock that A holds, and sleeps.",
    },
    {
      step: 31,
      text: "A writes c->partial = page->next with nobody in between: no update can be lost.",
    },
    {
      step: 33,
      text: "A has released the lock: B takes it and pushes its slab onto the list as it now stands.",
    },
    { step: 53, text: "Every slab is still on a list. No finding." },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "impossible",
  expect: [{ code: "slab-lost", step: 36 }],
};

export const r02MikeV2StillLosesSlab: LibraryEntry = {
  id: "r0-2-mike-v2-still-loses-slab",
  kind: "race",
  summary:
    "Mike Galbraith's v2 takes the local lock around unfreeze_partials() only. put_cpu_partial's own cmpxchg, when it does not drain, still runs without the lock, so the same lost update remains: 'you mention put_cpu_partial() but your patch handles only the unfreeze_partial() call from that function?'",
  source: {
    seed: "000 (Mike's v2 and Vlastimil's review)",
    fix: "[PATCH v4 33/35] and 35/35: put_cpu_partial under local_lock_irqsave",
    basis: "analysis",
  },
  scenario: lostSlab(
    "rt-2021-07-mike-v2",
    "RT with Mike's v2: put_cpu_partial still loses a slab",
  ),
  goal: "Make B's put_cpu_partial cmpxchg run between A's read of c->partial and A's write of it",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 with PREEMPT_RT, put_cpu_partial does all its work on c->partial under the local lock, not only the unfreeze that Mike's v2 covered.",
    },
    {
      step: 30,
      text: "B preempts A and frees; its put_cpu_partial asks for the local lock that A holds, and sleeps.",
    },
    {
      step: 31,
      text: "A writes c->partial = page->next with nobody in between: no update can be lost.",
    },
    {
      step: 33,
      text: "A has released the lock: B takes it and pushes its slab onto the list as it now stands.",
    },
    { step: 53, text: "Every slab is still on a list. No finding." },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "impossible",
  expect: [{ code: "slab-lost", step: 36 }],
};

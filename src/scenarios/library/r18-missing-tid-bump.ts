import type { LibraryEntry } from "./entry";

/**
 * R18: the slow path clears c->page without bumping c->tid (v5.14 and v5.15 as released), so a
 * fast-path free that was preempted after its checks pushes onto c->freelist for a cpu slab that
 * is no longer there; the object is then overwritten and lost.
 */
export const r18MissingTidBump: LibraryEntry = {
  id: "r18-missing-tid-bump",
  kind: "race",
  summary:
    "A free's lockless fast path checks c->page and reads the tid, then is preempted. An allocation on the same CPU finds the cpu slab exhausted and clears c->page without changing the tid. The free resumes; its cmpxchg still matches, so it puts the object on c->freelist although c->page is gone. The allocation then installs a new slab and overwrites c->freelist: the object is lost.",
  source: {
    seed: "002 L3904-3905, L3941-3943 (c->page cleared without next_tid), L2142, L2323 (the paths that do bump it)",
    fix: "mm/slub: add missing TID updates on slab deactivation (2022, CVE-2022-49700; in stable kernels)",
    basis: "outside",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "Missing tid bump: a preempted fast-path free pushes onto a stale cpu freelist",
    description:
      "Advanced: the bug is outside the mailing-list thread. It was found and fixed upstream in 2022. The asymmetry that causes it is visible in the thread's code: flush_slab and retry_load_page bump the tid when they clear c->page, the bypass and deactivate_slab paths of ___slab_alloc do not.",
    kernel: { variant: "v5.15", cpus: 1 },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
    ],
    actors: [
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "x" }] },
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "y" }] },
    ],
    schedule: {
      steps: ["B>do_slab_free:redo+5", "A>___slab_alloc:new_objects+2", "B"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "CPU 0's cpu slab P0 is full: c->freelist is NULL and every object is allocated. B frees one of them.",
      },
      {
        step: 2,
        text: "B sees that its object's slab is c->page, so it will free onto the lockless per-CPU freelist. It has read the tid and c->freelist (NULL).",
      },
      {
        step: 5,
        text: "A preempts B and allocates. c->freelist is empty, so A takes the slow path.",
      },
      {
        step: 20,
        text: "get_freelist found nothing on P0: A clears c->page. The tid is not bumped here (the asymmetry that the 2022 fix removed).",
      },
      {
        step: 28,
        text: "A dropped preemption protection to ask the page allocator for a new slab. B runs again.",
      },
      {
        step: 29,
        text: "B's this_cpu_cmpxchg_double compares c->freelist (NULL) and the tid: both unchanged, so it succeeds. The object is now on c->freelist, but c->page is NULL: nothing describes this freelist any more.",
      },
      {
        step: 39,
        text: "A installs its new slab and loads c->freelist from it, overwriting B's object: the object is on no freelist and allocated to nobody. Its slab P0 still counts it in inuse, so P0 can never be freed either.",
      },
    ],
  },
  goal: "Make B's preempted fast-path free succeed after A has cleared c->page, so its object is overwritten",
  fixedNarration: [
    {
      step: 0,
      text: "With the 2022 fix, every path of ___slab_alloc that clears c->page also advances the tid.",
    },
    {
      step: 20,
      text: "A finds the cpu slab exhausted and clears c->page; the fix bumps the tid with it.",
    },
    {
      step: 29,
      text: "B resumes its fast-path free. Its cmpxchg compares the tid it read before A ran, which has changed: it fails (on the broken kernel it succeeded here).",
    },
    {
      step: 30,
      text: "B retries from the start: it rereads the cpu slab, sees that its page is not c->page and frees through the slow path.",
    },
    {
      step: 54,
      text: "B's slow-path free has put the object back on its slab, now on the cpu partial list. Nothing is lost: no finding.",
    },
  ],
  fixed: { fixes: ["tid-on-deactivation"] },
  fixedOutcome: "clean",
  expect: [{ code: "object-leak", step: 39 }],
};

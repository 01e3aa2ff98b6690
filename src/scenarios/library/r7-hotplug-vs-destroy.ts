import type { LibraryEntry } from "./entry";

/**
 * R7, CPU hotplug against kmem_cache_destroy (Mike Galbraith L4730-4733, Paul McKenney
 * L5588-5825): the hotplug thread holds cpu_hotplug_lock and wants slab_mutex in slub_cpu_dead;
 * kmem_cache_destroy holds slab_mutex and wants cpu_hotplug_lock in flush_all. Fixed by taking
 * cpus_read_lock() before slab_mutex in kmem_cache_destroy (L5327-5363, L5448-5462).
 */
export const r7HotplugVsDestroy: LibraryEntry = {
  id: "r7-hotplug-vs-destroy",
  kind: "race",
  summary:
    "A CPU goes offline while a cache is destroyed. The hotplug thread holds the CPU hotplug lock and, in SLUB's teardown callback, waits for slab_mutex. The destroying task holds slab_mutex and, in v4's flush_all, takes flush_lock and then waits for the CPU hotplug lock. Each waits for the other: lockdep warns and both sleep forever. The fix takes the CPU hotplug lock first in kmem_cache_destroy, so the destroy waits until the hotplug operation is over.",
  source: {
    seed: "002 L4730-4733 (Mike: slub_cpu_dead taking slab_mutex is a non-starter), L5624, L5643 (Paul's three-way, then two-way deadlock), L5758-5794 (Paul's splat), L5327-5363, L5448-5462 (the fix)",
    fix: "mm, slub: fix memory and cpu hotplug related lock ordering issues, with Mike Galbraith's kmem_cache_destroy change (seed 002 L5400-5555)",
    basis: "history",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "Paul McKenney's hotplug deadlock: slub_cpu_dead against kmem_cache_destroy",
    description:
      "History: rcutorture (RUDE01) offlined CPUs from torture_onoff while torture_shutdown destroyed a cache; the two stacks are in Paul's splat (seed 002 L5758-5776), and he reported real hangs (L5624, L5643). The lock order here is v4's as posted, slab_mutex -> flush_lock -> cpu_hotplug_lock: the 'three-way' form Paul saw before the flush_all fix. Analysis: the schedule lets each thread take its first lock before the other asks for it. CPU 2 has a cpu slab, so the hotplug callback has something to flush when it gets slab_mutex, as it does on v5.15. Replayed on v5.15, kmem_cache_destroy's cpus_read_lock() comes first and sleeps until the hotplug thread is done: the destroying task cannot hold slab_mutex then, and its scripted steps are refused.",
    kernel: { variant: "v4", cpus: 3 },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [
      { cpu: 2, op: { kind: "alloc", slot: "x" } },
      { cpu: 2, op: { kind: "free", slot: "x" } },
    ],
    actors: [
      {
        name: "torture_shutdown",
        kind: "task",
        cpu: 0,
        ops: [{ kind: "destroy" }],
      },
      {
        name: "torture_onoff",
        kind: "hotplug",
        cpu: 1,
        ops: [{ kind: "cpuOffline", cpu: 2 }],
      },
    ],
    schedule: {
      steps: [
        "torture_onoff>cpu_down+1",
        "torture_shutdown",
        "torture_onoff*3",
        "torture_shutdown*4",
      ],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "rcutorture's torture_onoff thread takes CPU 2 offline: cpu_down takes cpu_hotplug_lock for write.",
      },
      {
        step: 1,
        text: "Meanwhile torture_shutdown destroys a cache. In v4, kmem_cache_destroy takes slab_mutex and nothing before it; the fix adds cpus_read_lock() in front.",
      },
      {
        step: 2,
        text: "The hotplug thread takes CPU 2 down and runs the teardown callbacks.",
      },
      {
        step: 4,
        text: "slub_cpu_dead wants slab_mutex to flush CPU 2's slabs. torture_shutdown holds it, so the hotplug thread sleeps while holding cpu_hotplug_lock. Lockdep records cpu_hotplug_lock -> slab_mutex (chain #1 in Paul's splat).",
      },
      {
        step: 7,
        text: "__kmem_cache_shutdown -> flush_all: as posted, it takes flush_lock first...",
      },
      {
        step: 8,
        text: "...then cpus_read_lock(). The write side is held by the hotplug thread, which waits for slab_mutex, which this task holds. Lockdep warns of the cycle cpu_hotplug_lock -> slab_mutex -> flush_lock -> cpu_hotplug_lock, and the task sleeps. Neither thread can ever run again: a deadlock, the hang Paul's rcutorture run hit.",
      },
    ],
  },
  goal: "Deadlock the two: let the hotplug thread wait for slab_mutex while the destroying task waits for the CPU hotplug lock",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 kmem_cache_destroy takes the CPU hotplug lock before slab_mutex, the same order as CPU hotplug.",
    },
    {
      step: 1,
      text: "The destroy asks for cpus_read_lock() while the hotplug thread holds it for writing: it sleeps before it takes slab_mutex. The schedule's entries for it are refused while it sleeps.",
    },
    {
      step: 4,
      text: "The hotplug thread's teardown callback takes slab_mutex, which nobody holds, and flushes the dead CPU's slabs.",
    },
    {
      step: 24,
      text: "The hotplug operation is over: the destroy gets the hotplug lock and goes on.",
    },
    {
      step: 44,
      text: "The cache is destroyed. The two never held one lock each while waiting for the other's: no lock cycle, no deadlock.",
    },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "impossible",
  expect: [
    { code: "lockdep-circular", step: 8 },
    { code: "deadlock", step: 9 },
  ],
};

import type { LibraryEntry } from "./entry";

/**
 * R6, Qian Cai's lockdep splat on memory offline (seed 002 L4378-4700): patch 29's flush_all()
 * took flush_lock before cpus_read_lock(), and memory offline reaches flush_all() under
 * slab_mutex, which closes a five-lock cycle. Fixed by taking cpus_read_lock() first and by
 * flush_all_cpus_locked() on the offline path (L5400-5555).
 */
export const r6MemoryOfflineLockdep: LibraryEntry = {
  id: "r6-memory-offline-lockdep",
  kind: "race",
  summary:
    "In the v4 series, flush_all takes its new flush_lock and then the CPU hotplug lock. At boot a cache shrink records that order. Later, taking memory offline holds the CPU hotplug lock, then a page-allocator mutex, the memory notifier's lock and slab_mutex, and SLUB's callback calls flush_all, which wants flush_lock. flush_lock already leads back to slab_mutex through that chain, so lockdep warns of a possible deadlock. The fix takes the hotplug lock before flush_lock, and the offline path, which already holds it, flushes without taking it again.",
  source: {
    seed: "002 L4468-4607 (Qian's splat: chains #0-#4, the scenario, the held locks), L4612-4620, L5087-5094 (explanations), L5400-5555 (the fix)",
    fix: "mm, slub: fix memory and cpu hotplug related lock ordering issues (fix-up of patch 29, seed 002 L5400-5555)",
    basis: "history",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "Qian Cai's memory-offline splat: slab_mutex -> flush_lock closes a five-lock cycle",
    description:
      "History: the lock sequence is the one in Qian's report, held locks #5-#9 of lsbug and chain #1 from the boot-time ACPI cache purge (seed 002 L4468-4607). Analysis: in the report the cpu_hotplug_lock -> pcp_batch_high_lock dependency (#2) was recorded at boot by cpu_up; here offline_pages records it itself, since it holds cpu_hotplug_lock when it takes pcp_batch_high_lock. The mem_hotplug_lock and the sysfs and device locks of the report are left out. No deadlock happens in this run: lockdep warns about an order that could deadlock. On v5.15 flush_all takes cpus_read_lock first and the offline callback uses flush_all_cpus_locked: the same run is clean.",
    kernel: { variant: "v4", cpus: 2 },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    actors: [
      { name: "acpi", kind: "task", cpu: 0, ops: [{ kind: "shrink" }] },
      {
        name: "lsbug",
        kind: "task",
        cpu: 1,
        ops: [{ kind: "memoryOffline" }],
      },
    ],
    schedule: { steps: ["acpi*15", "lsbug*25"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: "At boot, ACPI purges its object caches: kmem_cache_shrink -> __kmem_cache_shrink -> flush_all (chain #1 of the splat).",
      },
      {
        step: 1,
        text: "flush_all as posted in patch 29 takes flush_lock first...",
      },
      {
        step: 2,
        text: "...and cpus_read_lock() inside it. Lockdep remembers: flush_lock -> cpu_hotplug_lock.",
      },
      {
        step: 15,
        text: "Later, lsbug takes a memory block offline through sysfs. offline_pages takes cpu_hotplug_lock for read (held lock #5 in the splat).",
      },
      {
        step: 16,
        text: "zone_pcp_disable() takes pcp_batch_high_lock: cpu_hotplug_lock -> pcp_batch_high_lock. Analysis: Qian's report has this dependency from boot (cpu_up, chain #2); offline_pages makes the same one here.",
      },
      {
        step: 17,
        text: "The memory notifier chain runs under memory_chain.rwsem, held for read: pcp_batch_high_lock -> memory_chain.rwsem (chain #3).",
      },
      {
        step: 19,
        text: "SLUB's callback takes slab_mutex: memory_chain.rwsem -> slab_mutex (chain #4).",
      },
      {
        step: 22,
        text: "__kmem_cache_shrink -> flush_all wants flush_lock while holding slab_mutex. But flush_lock already leads to slab_mutex: flush_lock -> cpu_hotplug_lock -> pcp_batch_high_lock -> memory_chain.rwsem -> slab_mutex. Lockdep prints 'possible circular locking dependency detected', the splat of the report. Nothing is stuck in this run: the warning is about an order that could deadlock.",
      },
      {
        step: 23,
        text: "flush_all then takes cpus_read_lock() again, although offline_pages already holds it. The fix reverses flush_all's two locks and gives the offline path flush_all_cpus_locked(), which does not take it again.",
      },
    ],
  },
  goal: "Close the lock cycle: let memory offline reach flush_all while it holds slab_mutex, after a shrink recorded flush_lock before the hotplug lock",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 flush_all takes the CPU hotplug lock first and flush_lock second: the order the offline path already uses.",
    },
    {
      step: 1,
      text: "The boot-time shrink takes cpus_read_lock() before flush_lock (on v4 it took flush_lock first), so lockdep never records flush_lock -> hotplug lock.",
    },
    {
      step: 15,
      text: "Memory offline takes the CPU hotplug lock, then the page allocator's mutex, the memory notifier's lock and slab_mutex, as before.",
    },
    {
      step: 20,
      text: "SLUB's offline callback flushes through flush_all_cpus_locked(): the hotplug lock is already held and is not taken again.",
    },
    {
      step: 21,
      text: "It takes flush_lock after the hotplug lock, the order every path now uses: lockdep sees no cycle.",
    },
    { step: 37, text: "Both paths finish without a lockdep report." },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "clean",
  expect: [{ code: "lockdep-circular", step: 22 }],
};

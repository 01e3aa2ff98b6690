import type { LibraryEntry } from "./entry";

/**
 * R16: patch 28 makes flush_slab() re-read c->page under the local lock and deactivate only if
 * it is still set, because with patch 29 the flush runs in a preemptible kworker whose unlocked
 * `if (c->page)` can be invalidated by an allocation that preempts it (seed 002 L2887-2888,
 * L2982).
 */
export const r16FlushRecheck: LibraryEntry = {
  id: "r16-flush-recheck",
  kind: "tour",
  summary:
    "flush_all on v5.15 runs flush_cpu_slab in the CPU's kworker, a preemptible task. Its unlocked check of c->page can be overtaken by an allocation on the same CPU that clears c->page; flush_slab therefore reads c->page again under the local lock and finds nothing to deactivate.",
  source: {
    seed: "002 L2864-2891 (patch 28: flush_slab re-reads under the lock), L2969-2987, L2982",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "The flush re-check: a preempted kworker finds c->page gone under the lock",
    description:
      "Analysis: the seed states why the re-check is needed; the schedule is ours. Two CPUs on v5.15. CPU 0's cpu slab P0 is full. F on CPU 1 flushes all CPUs; A on CPU 0 allocates.",
    kernel: { variant: "v5.15", cpus: 2 },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
    ],
    actors: [
      { name: "F", kind: "task", cpu: 1, ops: [{ kind: "flushAll" }] },
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "y" }] },
    ],
    schedule: {
      steps: [
        "F*7",
        "kworker/0>flush_slab",
        "A>___slab_alloc:new_objects+2",
        "kworker/0*11",
      ],
      rest: "round-robin",
    },
    narration: [
      {
        step: 3,
        text: "F's flush_all checks each online CPU without a lock (has_cpu_slab): CPU 0 has a cpu slab, so F queues flush work on CPU 0's kworker and waits in flush_work.",
      },
      {
        step: 7,
        text: "The kworker reads c->page without the lock: P0 is set, so it will call flush_slab. The kworker is an ordinary preemptible task.",
      },
      {
        step: 8,
        text: "A, on the same CPU, preempts the kworker and allocates. P0 is exhausted: A clears c->page and goes for a new slab.",
      },
      {
        step: 31,
        text: "A drops its preemption protection to call the page allocator; the kworker runs again.",
      },
      {
        step: 33,
        text: "flush_slab reads c->page again, now under the local lock: it is NULL (patch 28). Without this re-check, deactivate_slab would be handed a NULL page.",
      },
      {
        step: 37,
        text: "Nothing to deactivate. A will install its new slab when it resumes.",
      },
    ],
  },
  expect: [],
};

import { describe, expect, it } from "vitest";
import { replay } from "./replay";
import {
  s11NmiInSlabAlloc,
  s12RtTracepointReentry,
  s13RtNmiCaller,
  s14CompactionRefcount,
  s15KfreeNolockDefer,
  s16KprobeIrqOff,
} from "./s1-nolock";

describe("S1.1: an NMI lands in ___slab_alloc", () => {
  it("unguarded: the NMI's fast path returns the object the slow path is about to return", () => {
    const { r, at } = replay(s11NmiInSlabAlloc);
    expect(at(29).name).toBe("bpf");
    expect(at(29).line).toMatch(/^this_cpu_cmpxchg_double/);
    expect(r.findings[1]!.message).toBe(
      "object P0#3 has been handed out twice",
    );
    expect(r.machine.slots.x).toEqual(r.machine.slots.y);
  });

  it("v1: -EBUSY, one retry with object_size + 1, served by kmalloc-96", () => {
    const { r, events } = replay(s11NmiInSlabAlloc, s11NmiInSlabAlloc.fixed);
    const nmi = events.filter((e) => e.name === "bpf");
    expect(
      nmi.some((e) =>
        e.notes.includes("local_lock_is_locked(kmalloc-64): -EBUSY"),
      ),
    ).toBe(true);
    expect(
      nmi.filter((e) => e.line.startsWith("s = kmalloc_slab")),
    ).toHaveLength(2);
    const st = r.machine.nolock!;
    expect(st.buckets.filter((b) => b.allocated > 0)).toEqual([
      { name: "kmalloc-96", size: 96, modelled: false, allocated: 1 },
    ]);
    expect(r.machine.slots.x).toEqual([3]);
  });
});

describe("S1.2: RT, same-task re-entry from a tracepoint", () => {
  it("unguarded: the task waits for the lock it holds; v1: -EBUSY and kmalloc-96", () => {
    const broken = replay(s12RtTracepointReentry);
    expect(broken.r.stopReason).toBe("deadlock");
    expect(broken.at(42).name).toBe("A");
    expect(broken.r.findings[1]!.message).toMatch(/which it already holds/);
    const { r, events } = replay(
      s12RtTracepointReentry,
      s12RtTracepointReentry.fixed,
    );
    expect(
      events.some((e) => e.notes.includes("local_lock_is_locked: -EBUSY")),
    ).toBe(true);
    expect(r.machine.slots.x).toEqual([0]);
    expect(r.machine.actors[0]!.note).toBe("y: an object of kmalloc-96");
    expect(r.machine.cpuSlab[0]!.lock).toBeNull();
  });
});

describe("S1.3: RT and an NMI caller", () => {
  it("v1 returns NULL at its first check; unguarded takes the sleeping lock", () => {
    const fixed = replay(s13RtNmiCaller, s13RtNmiCaller.fixed);
    expect(fixed.r.steps).toBe(2);
    expect(fixed.r.machine.slots.y).toEqual([]);
    const broken = replay(s13RtNmiCaller);
    expect(broken.at(26).line).toMatch(/local_lock_irqsave/);
  });
});

describe("S1.4: compaction and the refcounted page", () => {
  it("v1: the scanner's put_page() frees the live slab page; the page cache reuses it", () => {
    const { r } = replay(s14CompactionRefcount);
    expect(r.findings[0]!.message).toMatch(
      /^BUG: Bad page state in process kcompactd0/,
    );
    expect(r.machine.pages[0]!.use).toBe("pagecache");
    expect(r.machine.pageSlots.pc).toEqual([0]);
  });

  it("frozen pages: get_page_unless_zero() fails, the slab stays", () => {
    const { r, events } = replay(
      s14CompactionRefcount,
      s14CompactionRefcount.fixed,
    );
    const scan = events.filter((e) => e.name === "kcompactd0");
    expect(scan).toHaveLength(1);
    expect(scan[0]!.notes).toEqual(["P0 has refcount 0: skipped"]);
    expect(r.machine.pages[0]!.use).toBe("slab");
    expect(r.machine.pageSlots.pc).toEqual([1]);
  });
});

describe("S1.5: kfree_nolock defers, kfree drains", () => {
  it("v1: both NMI frees are deferred and drained by C's kfree; the list's cache line moved once", () => {
    const { r, events } = replay(
      s15KfreeNolockDefer,
      s15KfreeNolockDefer.fixed,
    );
    expect(
      events.filter((e) => e.notes.includes("deferred")).map((e) => e.name),
    ).toEqual(["nmi0", "nmi1"]);
    const m = r.machine;
    expect(m.nolock!.deferFreeObjects).toEqual([]);
    // CPU 0's NMI wrote the head first; CPU 1's NMI took the line, then C on CPU 1 drained it.
    expect(m.nolock!.deferLine).toEqual({ cpu: 1, transfers: [0, 1] });
    // P0#3 went to A; P0#2, P0#1 (drained) and P0#0 (C's own) are back on P0.
    expect(m.slots.x).toEqual([3]);
    expect(m.pages[0]!.inuse).toBe(1);
  });
});

describe("S1.6: a kprobe inside the irq-off slow path (outside the seed)", () => {
  it("v1 lets it into the fast path; the irqs_disabled() candidate sends it to kmalloc-96", () => {
    const broken = replay(s16KprobeIrqOff);
    expect(broken.at(22).notes).toEqual([
      "kprobe: a BPF program calls kmalloc_nolock(50) in A",
    ]);
    expect(broken.r.machine.slots.y).toEqual(broken.r.machine.slots.x);
    const { r } = replay(s16KprobeIrqOff, s16KprobeIrqOff.fixed);
    expect(r.machine.slots.y).toEqual([]);
    expect(r.machine.actors[0]!.note).toBe("y: an object of kmalloc-96");
  });
});

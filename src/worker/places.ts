/**
 * Where every object and every slab page is, for the state view and the hover history: an
 * object is free on its slab's `page->freelist`, free on a CPU's `c->freelist`, free on a
 * detached chain an actor holds (between get_freelist and the store into `c->freelist`), or
 * allocated (to a named slot, or in flight in an actor). A page is a cpu slab, on a CPU's
 * partial chain, on a node's partial list, full and on no list, held in flight, free in the
 * page pool, or reused by another user of the page allocator.
 *
 * Read-only over the Machine; chains are walked with a bound so a corrupted (cyclic) freelist
 * cannot hang the view. An object reached twice keeps the first place found, in this order:
 * cpu freelists, page freelists, actor chains, percpu arrays, the deferred list, slots, actors
 * in flight; any further owner (a slot or an actor holding it as allocated: a double-alloc, or a
 * use after free) is listed in its `also`, so the view can show both.
 */
import type { Machine, ObjRef } from "../engine";

/** One object of a slab, as the view draws it; `also` names further owners (see above). */
export type SlotView = SlotPlace & { also?: string[] };

export type SlotPlace =
  /** On its slab's own `page->freelist`. */
  | { kind: "free" }
  /** On CPU `cpu`'s lockless `c->freelist`. */
  | { kind: "cpuFree"; cpu: number }
  /** On a freelist detached from its slab and held by an actor. */
  | { kind: "chain"; actor: string }
  /** Cached in CPU `cpu`'s percpu array (RFC v3): allocated as far as its slab knows. */
  | { kind: "pca"; cpu: number }
  /** On kfree_nolock's deferred list (`s->defer_free_objects`), waiting for the next drain. */
  | { kind: "deferred" }
  /** Allocated: `owner` is the slot holding it, or the actor it is in flight in; null if lost. */
  | { kind: "allocated"; owner: string | null; inFlight: boolean };

/** Where a page is. */
export type PagePlace =
  | { kind: "cpuSlab"; cpu: number }
  | { kind: "cpuPartial"; cpu: number }
  | { kind: "nodePartial"; node: number }
  | { kind: "inFlight"; actor: string }
  /** A slab on no list with every object allocated (SLUB does not track full slabs). */
  | { kind: "full" }
  /** A slab on no list with free objects: only in the middle of a path, or lost. */
  | { kind: "unlisted" }
  | { kind: "free" }
  | { kind: "reused"; slot: string | null };

/** The refs on a freelist chain from `head`, bounded (a cycle or stray pointer ends it). */
export function chainRefs(m: Machine, head: number | null): ObjRef[] {
  const out: ObjRef[] = [];
  const bound = m.cache.objects * m.pages.length;
  for (let x = head; x !== null && x >= 0 && out.length <= bound;) {
    out.push(x);
    const p = m.pages[Math.floor(x / m.cache.objects)];
    if (!p || p.use !== "slab") break;
    x = p.fp[x % m.cache.objects] ?? null;
  }
  return out;
}

/** The pages on CPU `cpu`'s partial chain, head first (bounded). */
export function cpuPartialChain(m: Machine, cpu: number): number[] {
  const out: number[] = [];
  for (
    let x = m.cpuSlab[cpu]?.partial ?? null;
    x !== null && out.length < m.pages.length;
  ) {
    out.push(x);
    x = m.pages[x]?.next ?? null;
  }
  return out;
}

/** The place of every object of every slab page, by object ref. */
export function objectPlaces(m: Machine): Map<ObjRef, SlotView> {
  const out = new Map<ObjRef, SlotView>();
  const put = (x: ObjRef, v: SlotView) => {
    if (x < 0) return;
    const had = out.get(x);
    if (!had) out.set(x, v);
    else if (v.kind === "allocated" && v.owner !== null) {
      // Held as allocated by a second owner: keep both names.
      const names = [ownerOf(had), ...(had.also ?? [])];
      if (!names.includes(v.owner))
        out.set(x, { ...had, also: [...(had.also ?? []), v.owner] });
    }
  };
  m.cpuSlab.forEach((c, cpu) => {
    for (const x of chainRefs(m, c.freelist)) put(x, { kind: "cpuFree", cpu });
  });
  for (const p of m.pages) {
    if (p.use !== "slab") continue;
    for (const x of chainRefs(m, p.freelist)) put(x, { kind: "free" });
  }
  for (const a of m.actors) {
    const ch = a.ownedChains;
    for (let i = 0; i + 1 < ch.length; i += 2) {
      const tail = ch[i + 1]!;
      for (const x of chainRefs(m, ch[i]!)) {
        put(x, { kind: "chain", actor: a.name });
        if (x === tail) break;
      }
    }
  }
  m.pca?.forEach((arr, cpu) => {
    for (const x of arr.objects) put(x, { kind: "pca", cpu });
  });
  for (const x of m.nolock?.deferFreeObjects ?? [])
    put(x, { kind: "deferred" });
  for (const [slot, refs] of Object.entries(m.slots)) {
    // A pointer kept after free is stored as -(obj + 2): it no longer owns the object.
    for (const x of refs)
      if (x >= 0) put(x, { kind: "allocated", owner: slot, inFlight: false });
  }
  for (const a of m.actors)
    for (const x of a.ownedObjects)
      put(x, { kind: "allocated", owner: a.name, inFlight: true });
  return out;
}

function ownerOf(v: SlotView): string | null {
  return v.kind === "allocated" ? v.owner : null;
}

/** The slot view of one object: allocated to nobody when no place holds it. */
export function slotOf(places: Map<ObjRef, SlotView>, x: ObjRef): SlotView {
  return places.get(x) ?? { kind: "allocated", owner: null, inFlight: false };
}

/** The place of every page, by page id. */
export function pagePlaces(m: Machine): Map<number, PagePlace> {
  const out = new Map<number, PagePlace>();
  const put = (p: number, v: PagePlace) => {
    if (!out.has(p)) out.set(p, v);
  };
  m.cpuSlab.forEach((c, cpu) => {
    if (c.page !== null) put(c.page, { kind: "cpuSlab", cpu });
    for (const p of cpuPartialChain(m, cpu))
      put(p, { kind: "cpuPartial", cpu });
  });
  for (const n of m.nodes)
    for (const p of n.partial) put(p, { kind: "nodePartial", node: n.id });
  for (const a of m.actors) {
    for (const p of a.ownedSlabs) put(p, { kind: "inFlight", actor: a.name });
    if (a.ownsCpuSlab !== null) {
      const p = m.cpuSlab[a.ownsCpuSlab]?.page;
      if (p !== null && p !== undefined)
        put(p, { kind: "inFlight", actor: a.name });
    }
  }
  const reusedBy = new Map<number, string>();
  for (const [slot, pages] of Object.entries(m.pageSlots))
    for (const p of pages) reusedBy.set(p, slot);
  for (const p of m.pages) {
    if (p.use === "free") put(p.id, { kind: "free" });
    else if (p.use === "pagecache")
      put(p.id, { kind: "reused", slot: reusedBy.get(p.id) ?? null });
    else
      put(
        p.id,
        p.inuse === p.objects ? { kind: "full" } : { kind: "unlisted" },
      );
  }
  return out;
}

/** A place as words, for the slab list, the tooltips and the history. */
export function describeSlot(v: SlotView, page: number): string {
  const also = v.also?.length ? `, and allocated to ${v.also.join(", ")}` : "";
  return describePlace(v, page) + also;
}

function describePlace(v: SlotView, page: number): string {
  switch (v.kind) {
    case "free":
      return `free on P${page}->freelist`;
    case "cpuFree":
      return `free on cpu ${v.cpu}'s c->freelist`;
    case "chain":
      return `free on a freelist ${v.actor} holds`;
    case "pca":
      return `cached in cpu ${v.cpu}'s percpu array`;
    case "deferred":
      return "on kfree_nolock's deferred list";
    case "allocated":
      if (v.owner === null) return "allocated, held by nobody";
      return v.inFlight
        ? `allocated, in flight in ${v.owner}`
        : `allocated to slot ${v.owner}`;
  }
}

export function describePage(v: PagePlace): string {
  switch (v.kind) {
    case "cpuSlab":
      return `cpu ${v.cpu} slab`;
    case "cpuPartial":
      return `cpu ${v.cpu} partial`;
    case "nodePartial":
      return `node ${v.node} partial`;
    case "inFlight":
      return `in flight in ${v.actor}`;
    case "full":
      return "full, on no list";
    case "unlisted":
      return "on no list";
    case "free":
      return "free page";
    case "reused":
      return v.slot === null ? "reused page" : `reused as ${v.slot}`;
  }
}

/** The place of one object (what objectPlaces would say for it), without mapping every object. */
export function placeOfObject(m: Machine, x: ObjRef): SlotView {
  const first = firstPlaceOfObject(m, x);
  // Further owners, in objectPlaces' order: slots, then actors in flight.
  const names: (string | null)[] = [ownerOf(first)];
  const also: string[] = [];
  const add = (owner: string) => {
    if (!names.includes(owner)) {
      names.push(owner);
      also.push(owner);
    }
  };
  for (const [slot, refs] of Object.entries(m.slots))
    if (refs.includes(x)) add(slot);
  for (const a of m.actors) if (a.ownedObjects.includes(x)) add(a.name);
  return also.length ? { ...first, also } : first;
}

function firstPlaceOfObject(m: Machine, x: ObjRef): SlotView {
  for (let cpu = 0; cpu < m.cpuSlab.length; cpu++)
    if (chainRefs(m, m.cpuSlab[cpu]!.freelist).includes(x))
      return { kind: "cpuFree", cpu };
  for (const p of m.pages)
    if (p.use === "slab" && chainRefs(m, p.freelist).includes(x))
      return { kind: "free" };
  for (const a of m.actors) {
    const ch = a.ownedChains;
    for (let i = 0; i + 1 < ch.length; i += 2) {
      for (const y of chainRefs(m, ch[i]!)) {
        if (y === x) return { kind: "chain", actor: a.name };
        if (y === ch[i + 1]) break;
      }
    }
  }
  const pcaCpu = m.pca?.findIndex((arr) => arr.objects.includes(x)) ?? -1;
  if (pcaCpu >= 0) return { kind: "pca", cpu: pcaCpu };
  if (m.nolock?.deferFreeObjects.includes(x)) return { kind: "deferred" };
  for (const [slot, refs] of Object.entries(m.slots))
    if (refs.includes(x))
      return { kind: "allocated", owner: slot, inFlight: false };
  for (const a of m.actors)
    if (a.ownedObjects.includes(x))
      return { kind: "allocated", owner: a.name, inFlight: true };
  return { kind: "allocated", owner: null, inFlight: false };
}

/** The place of one page (what pagePlaces would say for it). */
export function placeOfPage(m: Machine, id: number): PagePlace {
  for (let cpu = 0; cpu < m.cpuSlab.length; cpu++) {
    if (m.cpuSlab[cpu]!.page === id) return { kind: "cpuSlab", cpu };
    if (cpuPartialChain(m, cpu).includes(id))
      return { kind: "cpuPartial", cpu };
  }
  for (const n of m.nodes)
    if (n.partial.includes(id)) return { kind: "nodePartial", node: n.id };
  for (const a of m.actors) {
    if (a.ownedSlabs.includes(id)) return { kind: "inFlight", actor: a.name };
    if (a.ownsCpuSlab !== null && m.cpuSlab[a.ownsCpuSlab]?.page === id)
      return { kind: "inFlight", actor: a.name };
  }
  const p = m.pages[id];
  if (!p || p.use === "free") return { kind: "free" };
  if (p.use === "pagecache") {
    const slot = Object.entries(m.pageSlots).find(([, ps]) => ps.includes(id));
    return { kind: "reused", slot: slot ? slot[0] : null };
  }
  return p.inuse === p.objects ? { kind: "full" } : { kind: "unlisted" };
}

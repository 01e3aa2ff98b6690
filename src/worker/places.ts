/**
 * Where every object and every slab page is, for the state view and the hover history: an
 * object is free on its slab's `page->freelist`, free on a CPU's `c->freelist`, free on a
 * detached chain an actor holds (between get_freelist and the store into `c->freelist`), or
 * allocated (to a named slot, or in flight in an actor). A page is a cpu slab, on a CPU's
 * partial chain, on a node's partial list, full and on no list, held in flight, free in the
 * page pool, or reused by another user of the page allocator.
 *
 * The holders are the engine's one enumeration (src/engine/holders.ts), the same the checks
 * count from; a slab's memcg obj_cgroups vector shows as allocated to that slab.
 *
 * Read-only over the Machine; chains are walked with a bound so a corrupted (cyclic) freelist
 * cannot hang the view. An object reached twice keeps the first place found, in this order:
 * cpu freelists, page freelists, actor chains, percpu arrays, the deferred list, slots, actors
 * in flight, memcg vectors; any further owner (a slot or an actor holding it as allocated: a
 * double-alloc, or a use after free) is listed in its `also`, so the view can show both.
 */
import {
  chainRefs,
  slabChainPages,
  visitObjectHolders,
  visitSlabHolders,
  type HolderVisitor,
  type Machine,
  type ObjectHolder,
  type ObjRef,
  type SlabHolder,
} from "../engine";

export { chainRefs };

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
  /** In a percpu sheaf (v7.0): `where` names it (a CPU's main or spare, a barn, an actor). */
  | { kind: "sheaf"; tag: string; where: string }
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

/** The pages on CPU `cpu`'s partial chain, head first (bounded). */
export function cpuPartialChain(m: Machine, cpu: number): number[] {
  return slabChainPages(m, m.cpuSlab[cpu]?.partial ?? null);
}

/** How the view shows what an object holder holds. */
function slotViewOf(m: Machine, h: ObjectHolder): SlotView {
  switch (h.kind) {
    case "pageFreelist":
      return { kind: "free" };
    case "cpuFreelist":
      return { kind: "cpuFree", cpu: h.cpu };
    case "actorChain":
      return { kind: "chain", actor: m.actors[h.actor]?.name ?? "?" };
    case "pcaArray":
      return { kind: "pca", cpu: h.cpu };
    case "deferFree":
      return { kind: "deferred" };
    case "slot":
      return { kind: "allocated", owner: h.name, inFlight: false };
    case "inFlight":
      return {
        kind: "allocated",
        owner: m.actors[h.actor]?.name ?? "?",
        inFlight: true,
      };
    case "objcgs":
      return {
        kind: "allocated",
        owner: `P${h.page}'s obj_cgroups`,
        inFlight: false,
      };
    case "sheaf":
      return {
        kind: "sheaf",
        tag: `${h.which}:${h.cpu}`,
        where: `cpu ${h.cpu}'s ${h.which} sheaf`,
      };
    case "barn":
      return {
        kind: "sheaf",
        tag: `barn:${h.node}`,
        where: `a full sheaf in node ${h.node}'s barn`,
      };
    case "sheafInFlight": {
      const who = m.actors[h.actor]?.name ?? "?";
      return {
        kind: "sheaf",
        tag: `held:${who}`,
        where: `a sheaf ${who} holds`,
      };
    }
    case "rcuSheaf":
      return {
        kind: "sheaf",
        tag: `rcu_free:${h.cpu}`,
        where: `cpu ${h.cpu}'s rcu_free sheaf (kfree_rcu)`,
      };
    case "rcuPending":
      return {
        kind: "sheaf",
        tag: "rcu",
        where: "a sheaf waiting for an RCU grace period",
      };
  }
}

/**
 * The places of objects, from every object holder (holders.ts); `only`: just that object's. The
 * first place found wins, except that a CPU's freelist wins over a page freelist; a further
 * allocated owner is added to `also`.
 */
function collectObjectPlaces(
  m: Machine,
  only: ObjRef | null,
): Map<ObjRef, SlotView> {
  const out = new Map<ObjRef, SlotView>();
  const put = (x: ObjRef, v: SlotView) => {
    if (x < 0 || (only !== null && x !== only)) return;
    const had = out.get(x);
    if (!had) out.set(x, v);
    else if (v.kind === "cpuFree" && had.kind === "free") out.set(x, v);
    else if (v.kind === "allocated" && v.owner !== null) {
      // Held as allocated by a second owner: keep both names.
      const names = [ownerOf(had), ...(had.also ?? [])];
      if (!names.includes(v.owner))
        out.set(x, { ...had, also: [...(had.also ?? []), v.owner] });
    }
  };
  const visitor: HolderVisitor = {
    chain(h, head, tail) {
      const v = slotViewOf(m, h);
      for (const x of chainRefs(m, head, tail)) put(x, v);
    },
    objects(h, refs) {
      const v = slotViewOf(m, h);
      // A pointer kept after free is stored as -(obj + 2): it no longer owns the object.
      for (const x of refs) put(x, v);
    },
    object(h, ref) {
      put(ref, slotViewOf(m, h));
    },
    slab() {},
    slabChain() {},
    slabs() {},
  };
  visitObjectHolders(m, visitor);
  return out;
}

/** The place of every object of every slab page, by object ref. */
export function objectPlaces(m: Machine): Map<ObjRef, SlotView> {
  return collectObjectPlaces(m, null);
}

function ownerOf(v: SlotView): string | null {
  return v.kind === "allocated" ? v.owner : null;
}

/** The slot view of one object: allocated to nobody when no place holds it. */
export function slotOf(places: Map<ObjRef, SlotView>, x: ObjRef): SlotView {
  return places.get(x) ?? { kind: "allocated", owner: null, inFlight: false };
}

/** How the view shows a slab holder. */
function pagePlaceOf(m: Machine, h: SlabHolder): PagePlace {
  switch (h.kind) {
    case "cpuSlab":
      return { kind: "cpuSlab", cpu: h.cpu };
    case "cpuPartial":
      return { kind: "cpuPartial", cpu: h.cpu };
    case "nodePartial":
      return { kind: "nodePartial", node: h.node };
    case "slabInFlight":
      return { kind: "inFlight", actor: m.actors[h.actor]?.name ?? "?" };
  }
}

/**
 * The places of pages, from every slab holder (holders.ts), then by the page's use; `only`:
 * just that page's. The first place found wins.
 */
function collectPagePlaces(
  m: Machine,
  only: number | null,
): Map<number, PagePlace> {
  const out = new Map<number, PagePlace>();
  const put = (p: number, v: PagePlace) => {
    if ((only === null || p === only) && !out.has(p)) out.set(p, v);
  };
  const visitor: HolderVisitor = {
    chain() {},
    objects() {},
    object() {},
    slab(h, page) {
      put(page, pagePlaceOf(m, h));
    },
    slabChain(h, head) {
      const v = pagePlaceOf(m, h);
      for (const p of slabChainPages(m, head)) put(p, v);
    },
    slabs(h, pages) {
      const v = pagePlaceOf(m, h);
      for (const p of pages) put(p, v);
    },
  };
  visitSlabHolders(m, visitor);
  const reusedBy = new Map<number, string>();
  for (const [slot, pages] of Object.entries(m.pageSlots))
    for (const p of pages) reusedBy.set(p, slot);
  for (const p of only === null ? m.pages : [m.pages[only]]) {
    if (!p) {
      put(only!, { kind: "free" });
      continue;
    }
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

/** The place of every page, by page id. */
export function pagePlaces(m: Machine): Map<number, PagePlace> {
  return collectPagePlaces(m, null);
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
    case "sheaf":
      return `cached in ${v.where}`;
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
  return slotOf(collectObjectPlaces(m, x), x);
}

/** The place of one page (what pagePlaces would say for it). */
export function placeOfPage(m: Machine, id: number): PagePlace {
  return collectPagePlaces(m, id).get(id) ?? { kind: "free" };
}

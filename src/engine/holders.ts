/**
 * Where every object and every slab page can be held: one enumeration, read by the after-step
 * checks (checks.ts: nothing lost, nothing twice, lists agree) and by the state view's places
 * (src/worker/places.ts). A new place for objects or slabs (a feature's array, a deferred list)
 * is added here once, and both see it.
 *
 * Objects are held
 * - free, on a freelist linked through the objects' free pointers: a slab's `page->freelist`, a
 *   CPU's lockless `c->freelist`, or a chain detached from its slab that an actor holds (between
 *   get_freelist and the store into `c->freelist`);
 * - as a list: a CPU's percpu array (allocated as far as its slab knows), kfree_nolock's deferred
 *   list, a named slot (allocated to the scenario's caller; a pointer kept after free is stored
 *   negative and owns nothing), an actor's objects in flight;
 * - one by one: a slab's memcg `obj_cgroups` vector, an object of the same cache held by the page.
 * Slab pages are held as a CPU's cpu slab, on its partial chain (linked by `page->next`), on a
 * node's partial list, or in flight in an actor.
 *
 * A CPU whose `c->page` and `c->freelist` an actor works on in place (`Actor.ownsCpuSlab`)
 * holds them on that actor's behalf: its two holders carry the actor's id.
 *
 * The order of the visit is fixed, and the checks' reports depend on it (the second place of an
 * object or slab reached twice is the one named): objects on page freelists, CPU freelists,
 * actor chains, the features' holders (feature.ts: the percpu arrays), the deferred list, slots,
 * actors in flight, memcg vectors; slabs
 * per CPU (cpu slab, then partial chain), node partial lists, actors in flight.
 *
 * Holders are plain values; those without an owning actor are shared between visits (no
 * allocation per check), so they must not be mutated.
 */
import { FEATURES as FEATURES_IMPORT } from "./features";
import type {
  Holder,
  HolderVisitor,
  ObjectHolder,
  SlabHolder,
} from "./holderTypes";
import type { Actor, Machine, ObjRef } from "./types";

export type {
  Holder,
  HolderVisitor,
  ObjectHolder,
  SlabHolder,
} from "./holderTypes";

/** Whether what an object holder holds is free (on a freelist) rather than allocated. */
export function holdsFree(h: ObjectHolder): boolean {
  return (
    h.kind === "pageFreelist" ||
    h.kind === "cpuFreelist" ||
    h.kind === "actorChain"
  );
}

// Read once: under CommonJS (tsx, vitest, the CLI) every read of an imported binding is a getter
// call, which costs more than the read itself on this per-step path.
const FEATURES = FEATURES_IMPORT;

// Shared holder values, by index.
const pageFreelistH: ObjectHolder[] = [];
const cpuFreelistH: ObjectHolder[] = [];
const actorChainH: ObjectHolder[] = [];
const inFlightH: ObjectHolder[] = [];
const objcgsH: ObjectHolder[] = [];
const cpuSlabH: SlabHolder[] = [];
const cpuPartialH: SlabHolder[] = [];
const nodePartialH: SlabHolder[] = [];
const slabInFlightH: SlabHolder[] = [];

function at<H>(cache: H[], i: number, make: (i: number) => H): H {
  return cache[i] ?? (cache[i] = make(i));
}

/**
 * Slot holders and their lists, for the last slots object asked about (slot names are fixed once
 * a machine is loaded, and the slot arrays are changed in place). One entry, not a map per slots
 * object: the explorer copies machines by the tens of thousands, and a copy is asked about until
 * the next one is made. The holders are kept while the names stay the same.
 */
let slotsOf: Machine["slots"] | null = null;
let slotNames: string[] = [];
let slotsSeen: { holders: ObjectHolder[]; lists: ObjRef[][] } = {
  holders: [],
  lists: [],
};

function slotHolders(m: Machine): {
  holders: ObjectHolder[];
  lists: ObjRef[][];
} {
  if (m.slots === slotsOf) return slotsSeen;
  // Most often a copy of the last machine asked about (the explorer's): the same names in the
  // same order, so the lists are refilled in place, with no array built.
  let i = 0;
  let sameNames = true;
  for (const name in m.slots) {
    if (name !== slotNames[i]) {
      sameNames = false;
      break;
    }
    i++;
  }
  if (sameNames && i === slotNames.length) {
    const lists = slotsSeen.lists;
    for (let j = 0; j < i; j++) lists[j] = m.slots[slotNames[j]!]!;
    slotsOf = m.slots;
    return slotsSeen;
  }
  return slotHoldersAnew(m);
}

/**
 * `slotHolders` for slots with other names. Apart from it because its closures capture `m`: in
 * the function that asks on every step, they would cost a context allocated on every call.
 */
function slotHoldersAnew(m: Machine): {
  holders: ObjectHolder[];
  lists: ObjRef[][];
} {
  const names = Object.keys(m.slots);
  const same =
    names.length === slotNames.length &&
    names.every((n, i) => n === slotNames[i]);
  slotsSeen = {
    holders: same
      ? slotsSeen.holders
      : names.map((name) => ({ kind: "slot", name })),
    lists: names.map((n) => m.slots[n]!),
  };
  slotNames = names;
  slotsOf = m.slots;
  return slotsSeen;
}

/** The slots' lists, in the order the visit takes them (the same arrays it visits). */
export function slotObjectLists(m: Machine): readonly ObjRef[][] {
  return slotHolders(m).lists;
}

/** The actor working on CPU `cpu`'s pointers in place, per CPU (scratch, reused). */
let ownerOfCpu = new Int32Array(0);

/** Visits every holder of objects and slabs in `m` with what it holds, in the order above. */
export function visitHolders(m: Machine, v: HolderVisitor): void {
  visitObjectHolders(m, v);
  visitSlabHolders(m, v);
}

/** Notes which actor works on each CPU's pointers in place (`ownerOfCpu`, -1: none). */
function cpuOwners(m: Machine): void {
  const cpus = m.cpuSlab.length;
  if (ownerOfCpu.length < cpus) ownerOfCpu = new Int32Array(cpus);
  ownerOfCpu.fill(-1, 0, cpus);
  const actors = m.actors;
  for (let i = 0; i < actors.length; i++) {
    const c = actors[i]!.ownsCpuSlab;
    if (c !== null) ownerOfCpu[c] = i;
  }
}

/**
 * Visits the holders of objects only (`chain`, `objects`, `object`), in the order above.
 * `pageFreelists` false leaves out the slabs' own freelists (the checks keep those apart).
 */
export function visitObjectHolders(
  m: Machine,
  v: HolderVisitor,
  pageFreelists = true,
): void {
  cpuOwners(m);
  const cpus = m.cpuSlab.length;
  const actors = m.actors;
  const pages = m.pages;
  for (let i = 0; pageFreelists && i < pages.length; i++) {
    const p = pages[i]!;
    if (p.use === "slab")
      v.chain(at(pageFreelistH, i, pageFreelist), p.freelist, null);
  }
  for (let c = 0; c < cpus; c++) {
    const o = ownerOfCpu[c]!;
    v.chain(
      o < 0
        ? at(cpuFreelistH, c, cpuFreelist)
        : { kind: "cpuFreelist", cpu: c, actor: actors[o]!.id },
      m.cpuSlab[c]!.freelist,
      null,
    );
  }
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i]!;
    const ch = a.ownedChains;
    if (ch.length === 0) continue;
    const h = at(actorChainH, a.id, actorChain);
    for (let j = 0; j + 1 < ch.length; j += 2) v.chain(h, ch[j]!, ch[j + 1]!);
  }
  for (let i = 0; i < FEATURES.length; i++) {
    const f = FEATURES[i]!;
    if (f.objectHolders && f.active(m)) f.objectHolders(m, v);
  }
  const slots = slotHolders(m);
  for (let i = 0; i < slots.lists.length; i++)
    v.objects(slots.holders[i]!, slots.lists[i]!);
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i]!;
    if (a.ownedObjects.length > 0)
      v.objects(at(inFlightH, a.id, inFlight), a.ownedObjects);
  }
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i]!;
    if (p.use === "slab" && p.objcgs !== null)
      v.object(at(objcgsH, i, objcgs), p.objcgs);
  }
}

/** Visits the holders of slab pages only (`slab`, `slabChain`, `slabs`), in the order above. */
export function visitSlabHolders(m: Machine, v: HolderVisitor): void {
  cpuOwners(m);
  const actors = m.actors;
  for (let c = 0; c < m.cpuSlab.length; c++) {
    const cs = m.cpuSlab[c]!;
    const o = ownerOfCpu[c]!;
    if (cs.page !== null)
      v.slab(
        o < 0
          ? at(cpuSlabH, c, cpuSlab)
          : { kind: "cpuSlab", cpu: c, actor: actors[o]!.id },
        cs.page,
      );
    v.slabChain(at(cpuPartialH, c, cpuPartial), cs.partial);
  }
  for (const n of m.nodes)
    v.slabs(at(nodePartialH, n.id, nodePartial), n.partial);
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i]!;
    if (a.ownedSlabs.length > 0)
      v.slabs(at(slabInFlightH, a.id, slabInFlight), a.ownedSlabs);
  }
}

const pageFreelist = (page: number): ObjectHolder => ({
  kind: "pageFreelist",
  page,
});
const cpuFreelist = (cpu: number): ObjectHolder => ({
  kind: "cpuFreelist",
  cpu,
  actor: null,
});
const actorChain = (actor: number): ObjectHolder => ({
  kind: "actorChain",
  actor,
});
const inFlight = (actor: number): ObjectHolder => ({ kind: "inFlight", actor });
const objcgs = (page: number): ObjectHolder => ({ kind: "objcgs", page });
const cpuSlab = (cpu: number): SlabHolder => ({
  kind: "cpuSlab",
  cpu,
  actor: null,
});
const cpuPartial = (cpu: number): SlabHolder => ({ kind: "cpuPartial", cpu });
const nodePartial = (node: number): SlabHolder => ({
  kind: "nodePartial",
  node,
});
const slabInFlight = (actor: number): SlabHolder => ({
  kind: "slabInFlight",
  actor,
});

/** The refs on a freelist chain from `head`, bounded (a cycle or stray pointer ends it). */
export function chainRefs(
  m: Machine,
  head: ObjRef | null,
  tail: ObjRef | null = null,
): ObjRef[] {
  const out: ObjRef[] = [];
  const bound = m.cache.objects * m.pages.length;
  for (let x = head; x !== null && x >= 0 && out.length <= bound;) {
    out.push(x);
    if (x === tail) break;
    const p = m.pages[Math.floor(x / m.cache.objects)];
    if (!p || p.use !== "slab") break;
    x = p.fp[x % m.cache.objects] ?? null;
  }
  return out;
}

/** The pages on a chain linked by `page->next` from `head`, head first (bounded). */
export function slabChainPages(m: Machine, head: number | null): number[] {
  const out: number[] = [];
  for (let x = head; x !== null && out.length < m.pages.length;) {
    out.push(x);
    x = m.pages[x]?.next ?? null;
  }
  return out;
}

/** The actor a holder names, if any (its owner, or the one working on a CPU's pointers). */
export function holderActor(m: Machine, h: Holder): Actor | null {
  switch (h.kind) {
    case "actorChain":
    case "inFlight":
    case "slabInFlight":
    case "sheafInFlight":
      return m.actors[h.actor] ?? null;
    case "cpuFreelist":
    case "cpuSlab":
      return h.actor === null ? null : (m.actors[h.actor] ?? null);
    default:
      return null;
  }
}

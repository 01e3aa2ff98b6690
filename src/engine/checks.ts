/**
 * Checks after every step: where every object and every slab is, and whether the lists agree.
 *
 * Objects: every object of every slab page must be reachable exactly once, from a freelist
 * (a CPU's `c->freelist`, a slab's `page->freelist`, a detached chain an actor holds) or as an
 * allocated object (in a slot, or in flight in an actor). Slabs: a frozen slab belongs to one
 * CPU (its cpu slab or its partial chain) or to an actor in flight; an unfrozen slab with free
 * objects sits on its node's partial list. List invariants only hold while the node's
 * `list_lock` is free, so a node whose lock is held is checked when it is released.
 * State findings are reported once when they appear (and again if they reappear later).
 *
 * The places come from one enumeration (holders.ts), the same the state view draws from.
 * This runs after every micro-step, so it counts on scratch typed arrays and turns a holder into
 * text only when something is wrong; a problem is a typed record (code, message, slabs,
 * objects) from where it is found to the finding. Most steps
 * change nothing it reads (checkInputs.ts tells them apart): their findings are those already
 * settled, so the full checks run only after a step that changed the checked state. Even then
 * the slabs' own freelists are walked again only on the pages the step reached: the rest are
 * kept from the last check, and a quick object check (`quickObjects`) stands in for the full
 * one only when it proves the full one would report nothing (see there).
 */
import type { K } from "./program";
import {
  adoptRecord,
  changedPages as changedPagesImport,
  checkedStateUnchanged as checkedStateUnchangedImport,
  settled as settledImport,
  settledSerial as settledSerialImport,
} from "./checkInputs";
import type { FoundProblem } from "./feature";
import {
  activeFeatures as activeFeaturesImport,
  FEATURES as FEATURES_IMPORT,
} from "./features";
import {
  slotObjectLists as slotObjectListsImport,
  visitObjectHolders as visitObjectHoldersImport,
  visitSlabHolders as visitSlabHoldersImport,
  type Holder,
  type HolderVisitor,
  type ObjectHolder,
  type SlabHolder,
} from "./holders";
import { fmtObj, pageOf, report } from "./prims";
import { variantSpec } from "./variants";
import type { Actor, FindingCode, Machine, ObjRef, Page } from "./types";
import { USER_DATA as USER_DATA_IMPORT } from "./types";

// Read once: under CommonJS (tsx, vitest, the CLI) every call through an imported binding is a
// getter call, which costs more than the call itself on this per-step path.
const checkedStateUnchanged = checkedStateUnchangedImport;
const settled = settledImport;
const settledSerial = settledSerialImport;
const changedPages = changedPagesImport;
const visitObjectHolders = visitObjectHoldersImport;
const visitSlabHolders = visitSlabHoldersImport;
const slotObjectLists = slotObjectListsImport;
const USER_DATA = USER_DATA_IMPORT;
const FEATURES = FEATURES_IMPORT;
const activeFeatures = activeFeaturesImport;

/** A holder as words, for the findings. */
function describe(m: Machine, h: Holder): string {
  switch (h.kind) {
    case "pageFreelist":
      return `P${h.page}->freelist`;
    case "cpuFreelist":
      return `cpu${h.cpu} c->freelist`;
    case "actorChain":
      return `${m.actors[h.actor]?.name ?? "?"}'s detached freelist`;
    case "pcaArray":
      return `cpu${h.cpu}'s percpu array`;
    case "deferFree":
      return "the deferred free list";
    case "sheaf":
      return `cpu${h.cpu}'s ${h.which} sheaf`;
    case "barn":
      return `node ${h.node}'s barn`;
    case "sheafInFlight":
      return `${m.actors[h.actor]?.name ?? "?"}'s detached sheaf`;
    case "rcuSheaf":
      return `cpu${h.cpu}'s rcu_free sheaf`;
    case "rcuPending":
      return "a sheaf waiting for an RCU grace period";
    case "slot":
      return `slot ${h.name}`;
    case "inFlight":
      return `${m.actors[h.actor]?.name ?? "?"} (objects in flight)`;
    case "objcgs":
      return `P${h.page}'s obj_cgroups`;
    case "cpuSlab":
      return `cpu${h.cpu}'s cpu slab`;
    case "cpuPartial":
      return `cpu${h.cpu}'s partial list`;
    case "nodePartial":
      return `node ${h.node} partial list`;
    case "slabInFlight":
      return `${m.actors[h.actor]?.name ?? "?"} (in flight)`;
  }
}

/** A state finding found by a check: typed, turned into a report by `settle`. */
interface Problem {
  code: FindingCode;
  message: string;
  slabs: number[];
  objects: ObjRef[];
}

/** A feature's problem (feature.ts `check`), into the problems of the call in progress. */
const found: FoundProblem = (code, message, slabs, objects) => {
  problems.push({ code, message, slabs, objects });
};

/** A problem about object `x` (its slab is the object's page). */
function objProblem(
  m: Machine,
  code: FindingCode,
  message: string,
  x: ObjRef,
): Problem {
  return { code, message, slabs: [pageOf(m, x)], objects: [x] };
}

/** A problem about slab `page`, or about no slab in particular (null). */
function slabProblem(
  code: FindingCode,
  message: string,
  page: number | null,
): Problem {
  return { code, message, slabs: page === null ? [] : [page], objects: [] };
}

// Scratch space reused between calls (grown on demand). Object counters are valid only where
// `objStamp` holds this call's stamp, so they need no clearing between steps.
let stamp = 0;
let objStamp = new Int32Array(0);
/** Per object: times reached on a freelist (low 4 bits) plus 16 per allocated holder. */
let objCount = new Int32Array(0);
const FREE = 1;
const ALLOC = 16;
/** Objects reached this call (each of a slab page), and whether one was reached twice. */
let reached = 0;
let dup = false;
let slabSeen = new Int32Array(0);
/** The first and second holder each slab was seen in (valid where `slabSeen` says so). */
const slabFirst: SlabHolder[] = [];
const slabSecond: SlabHolder[] = [];
let pageFree = new Int32Array(0);
let onNode = new Uint8Array(0);
let inFlight = new Uint8Array(0);
/** Nodes whose list_lock is held, as bits (their list invariants are checked on release). */
let lockedNodes = 0;
/** The machine and problems of the call in progress (read by the holder visitor). */
let cur: Machine = null as unknown as Machine;
const problems: Problem[] = [];

function grow(m: Machine): void {
  const total = m.pages.length * m.cache.objects;
  if (objCount.length < total) {
    objStamp = new Int32Array(total);
    objCount = new Int32Array(total);
  }
  stamp = (stamp + 1) | 0 || 1;
  reached = 0;
  dup = false;
  lockedNodes = 0;
  const n = m.pages.length;
  if (slabSeen.length < n) {
    slabSeen = new Int32Array(n);
    pageFree = new Int32Array(n);
    onNode = new Uint8Array(n);
    inFlight = new Uint8Array(n);
  }
}

/** Clears the per-page counts before the slab holders are visited (most checks keep them). */
function clearSlabScratch(n: number): void {
  slabSeen.fill(0, 0, n);
  onNode.fill(0, 0, n);
  inFlight.fill(0, 0, n);
}

/** Walks a freelist, counting each object; returns how many objects of `ownPage` it held. */
function walkChain(
  m: Machine,
  head: ObjRef | null,
  where: ObjectHolder,
  tail: ObjRef | null,
  ownPage: number,
): number {
  const objects = m.cache.objects;
  const pages = m.pages;
  const total = pages.length * objects;
  // The counters in locals for the walk (module variables cost more in this loop).
  const st = stamp;
  const os = objStamp;
  const oc = objCount;
  let own = 0;
  let n = 0;
  let x = head;
  for (let guard = 0; x !== null && guard <= total; guard++) {
    if (x === USER_DATA || x < 0 || x >= total) {
      problems.push(
        objProblem(
          m,
          "freelist-corrupt",
          `${describe(m, where)}: bad pointer ${x}`,
          x,
        ),
      );
      break;
    }
    const pid = (x / objects) | 0;
    const p = pages[pid]!;
    if (p.use !== "slab") {
      problems.push(
        objProblem(
          m,
          "freelist-corrupt",
          `${describe(m, where)} leads to ${fmtObj(m, x)} on a page that is not a slab`,
          x,
        ),
      );
      break;
    }
    // count(x, FREE), inlined.
    let c = FREE;
    if (os[x] !== st) {
      os[x] = st;
      oc[x] = FREE;
    } else c = oc[x] = oc[x]! + FREE;
    n++;
    if (c !== FREE) dup = true;
    if ((c & 15) > 1) {
      problems.push(
        objProblem(
          m,
          "freelist-corrupt",
          `${fmtObj(m, x)} is on a freelist twice (${describe(m, where)})`,
          x,
        ),
      );
      break;
    }
    if (pid === ownPage) own++;
    if (x === tail) break;
    const w = p.fp[x - pid * objects];
    x = w === undefined ? null : w;
  }
  reached += n;
  return own;
}

/** Adds `by` to an object's count for this call and returns the new count. */
function count(o: number, by: number): number {
  if (objStamp[o] !== stamp) {
    objStamp[o] = stamp;
    objCount[o] = by;
    return by;
  }
  return (objCount[o] = objCount[o]! + by);
}

function markAllocated(m: Machine, o: number): void {
  const total = m.pages.length * m.cache.objects;
  if (o < 0 || o >= total || m.pages[(o / m.cache.objects) | 0]!.use !== "slab")
    return;
  reached++;
  if (count(o, ALLOC) !== ALLOC) dup = true;
}

/** Whose partial chain `h` is, for a problem's message. */
function chainOwner(m: Machine, h: SlabHolder): string {
  return h.kind === "cpuPartial" ? `cpu${h.cpu}'s` : describe(m, h);
}

function seeSlab(pid: number, where: SlabHolder): void {
  const n = ++slabSeen[pid]!;
  if (n === 1) slabFirst[pid] = where;
  else if (n === 2) slabSecond[pid] = where;
}

/**
 * The checks' view of every holder (holders.ts): objects on freelists and allocated ones are
 * counted, slabs are seen in their places, and the lists are checked on the way.
 */
const counter: HolderVisitor = {
  chain(h, head, tail) {
    // A CPU whose pointers an actor works on in place: its freelist is the actor's for now.
    if (head === null || (h.kind === "cpuFreelist" && h.actor !== null)) return;
    if (h.kind === "pageFreelist")
      pageFree[h.page] = walkChain(cur, head, h, tail, h.page);
    else walkChain(cur, head, h, tail, -1);
  },
  objects(_, refs) {
    for (let i = 0; i < refs.length; i++) markAllocated(cur, refs[i]!);
  },
  object(_, ref) {
    markAllocated(cur, ref);
  },
  slab(h, page) {
    if (h.kind === "cpuSlab" && h.actor !== null) return;
    seeSlab(page, h);
  },
  slabChain(h, head) {
    const m = cur;
    let x = head;
    let length = 0;
    let intact = true;
    for (let guard = 0; x !== null && guard < m.pages.length; guard++) {
      const p = m.pages[x]!;
      if (p.use !== "slab") {
        problems.push(
          slabProblem(
            "list-corrupt",
            `${chainOwner(m, h)} partial chain runs into P${x}, which is not a slab`,
            x,
          ),
        );
        intact = false;
        break;
      }
      seeSlab(x, h);
      length++;
      x = p.next;
    }
    // The head's `pages` counts the whole chain (its pobjects is only an estimate).
    const hp = head === null ? undefined : m.pages[head];
    if (intact && hp && hp.use === "slab" && hp.pages !== length)
      problems.push(
        slabProblem(
          "list-corrupt",
          `${chainOwner(m, h)} partial list head P${hp.id} says pages=${hp.pages}, but the chain has ${length}`,
          hp.id,
        ),
      );
  },
  slabs(h, pages) {
    if (h.kind === "nodePartial") {
      const n = cur.nodes[h.node]!;
      if (n.listLock !== null) lockedNodes |= 1 << n.id;
      if (n.nrPartial !== pages.length)
        problems.push(
          slabProblem(
            "list-corrupt",
            `node ${n.id}: nr_partial ${n.nrPartial} but ${pages.length} slabs on n->partial`,
            null,
          ),
        );
      for (const pid of pages) {
        seeSlab(pid, h);
        onNode[pid] = 1;
      }
    } else
      for (const pid of pages) {
        seeSlab(pid, h);
        inFlight[pid] = 1;
      }
  },
};

export function runChecks(m: Machine, k: K): void {
  // The findings of an unchanged state are settled already (see checkInputs.ts).
  if (checkedStateUnchanged(m, k.a)) return;
  fullChecks(m, k);
  settled(m);
  // The page freelists cached in `pf*` are those of the state just settled.
  pfOwner = m;
  pfSerial = settledSerial();
  slotSerial = pfSerial;
  chainSerial = pfSerial;
  holdersSerial = pfSerial;
  slabSerial = pfSerial;
  slabOwner = m;
}

/**
 * The explorer copied `from` into `to` (an exact copy, made after `from`'s last step): the
 * checks' records and caches of `from`'s settled state become `to`'s, so that the copy's first
 * step is checked on the fast path rather than in full. `from` is then checked in full at its
 * next step, as any machine the caches do not describe.
 */
export function adoptCheckedState(from: Machine, to: Machine): void {
  if (!adoptRecord(from, to)) return;
  if (pfOwner === from) pfOwner = to;
  if (slotOwner === from) slotOwner = to;
  if (chainsOwner === from) chainsOwner = to;
  if (holdersOwner === from) holdersOwner = to;
  if (slabOwner === from) slabOwner = to;
}

// --- The page freelists, kept from check to check ----------------------------------------------
//
// Walking every slab's `page->freelist` is most of the object checks' cost, and a step changes
// at most the few pages it reached (checkInputs.ts `changedPages`). So each slab's freelist is
// kept as it was last walked: the objects on it (`inFree`), how many (`pfLen`), and whether the
// walk was clean (`pfBad`: it left its own page, met a bad pointer or an object twice). Only the
// pages that may have changed since the last settled state are walked again.
//
// The quick object check (`quickObjects`) then decides only one thing: that the full object
// checks would find no problem at all. It holds when every slab's freelist walked clean, the
// other holders' objects (CPU freelists, actor chains, the features' holders, the slots, objects
// in flight, memcg vectors) are each reached once and on no slab's freelist, and as many
// objects are reached as the slabs have. With a clean walk every object on a page's freelist is
// that page's own, reached once: the full walk would count the same objects (so the same
// `pageFree`) and find the same total, so it would report nothing either. Anything else (a bad
// pointer, an object reached twice, a count that does not add up) runs the full object checks,
// which name the problems in their own order. The slab checks always run in full.

let pfOwner: Machine | null = null;
let pfSerial = -1;
/** The last pfUpdate: some page's freelist length changed; every page was walked. */
let pfLenChanged = false;
let pfFull = false;
/** Per object: on its own slab's freelist (as last walked). */
let inFree = new Uint8Array(0);
/** Per page: objects on its freelist (0 for a page that is not a slab), and whether the walk was not clean. */
let pfLen = new Int32Array(0);
let pfBad = new Uint8Array(0);
let pfBadCount = 0;
let pfTotal = 0;
/** Per page: its objects when it is a slab (0 otherwise), as last walked; and their sum. */
let pfObjects = new Int32Array(0);
let pfObjectsTotal = 0;
/** Per page: a slab with a memcg vector (as last walked), and how many. */
let pfCg = new Uint8Array(0);
let pfCgCount = 0;

/** Walks page `i`'s freelist into the cache (its entries must be clear). */
function pfWalk(m: Machine, i: number): void {
  const p = m.pages[i]!;
  if (p.use !== "slab") return;
  pfObjects[i] = p.objects;
  pfObjectsTotal += p.objects;
  if (p.objcgs !== null) {
    pfCg[i] = 1;
    pfCgCount++;
  }
  const objects = m.cache.objects;
  const base = i * objects;
  const fp = p.fp;
  let len = 0;
  let x = p.freelist;
  while (x !== null) {
    // A pointer off the page (another page, user data, out of range) or a repeat: not clean.
    if (x < base || x >= base + objects || inFree[x] === 1) {
      pfBad[i] = 1;
      pfBadCount++;
      break;
    }
    inFree[x] = 1;
    if (slotHeld[x]! > 0) slotConflicts++;
    len++;
    const w = fp[x - base];
    x = w === undefined ? null : w;
  }
  pfLen[i] = len;
  pfTotal += len;
}

/** Clears page `i`'s entries in the cache. */
function pfClear(m: Machine, i: number): void {
  const objects = m.cache.objects;
  if (slotCount > 0)
    for (let o = i * objects; o < (i + 1) * objects; o++)
      if (inFree[o] === 1 && slotHeld[o]! > 0) slotConflicts--;
  inFree.fill(0, i * objects, (i + 1) * objects);
  pfTotal -= pfLen[i]!;
  pfLen[i] = 0;
  pfObjectsTotal -= pfObjects[i]!;
  pfObjects[i] = 0;
  if (pfCg[i] === 1) {
    pfCg[i] = 0;
    pfCgCount--;
  }
  if (pfBad[i] === 1) {
    pfBad[i] = 0;
    pfBadCount--;
  }
}

/** Brings the cache to the state of `m`: the changed pages, or every page. */
function pfUpdate(m: Machine): void {
  const n = m.pages.length;
  const total = n * m.cache.objects;
  const ch = changedPages;
  pfLenChanged = false;
  pfFull = false;
  if (
    pfOwner === m &&
    ch.base === pfSerial &&
    ch.only !== null &&
    inFree.length === total &&
    pfLen.length === n
  ) {
    const ids = ch.only.ids;
    for (let j = 0; j < ch.only.n; j++) {
      const i = ids[j]!;
      const before = pfLen[i];
      pfClear(m, i);
      pfWalk(m, i);
      if (pfLen[i] !== before) pfLenChanged = true;
    }
    return;
  }
  pfFull = true;
  // Another machine, a state not settled here, or the pages not listed: every page.
  pfOwner = null;
  slotsForget();
  if (inFree.length !== total) inFree = new Uint8Array(total);
  else inFree.fill(0);
  if (pfLen.length !== n) {
    pfLen = new Int32Array(n);
    pfBad = new Uint8Array(n);
    pfCg = new Uint8Array(n);
    pfObjects = new Int32Array(n);
  } else {
    pfLen.fill(0);
    pfBad.fill(0);
    pfCg.fill(0);
    pfObjects.fill(0);
  }
  pfObjectsTotal = 0;
  pfBadCount = 0;
  pfCgCount = 0;
  pfTotal = 0;
  for (let i = 0; i < n; i++) pfWalk(m, i);
}

// --- The slots, kept from check to check ------------------------------------------------------
//
// The slots (the objects the scenario's callers hold) are most of the objects the quick check
// reaches, and a step writes few of them, mostly where an operation starts or ends (the ones it
// wrote: checkInputs.ts `changedPages.slots`). So the slab objects they hold are kept counted
// (`slotHeld`: by how many slot entries), with how many distinct ones, how many entries are
// repeats, and how many are also on their slab's freelist (`slotConflicts`, kept up to date as
// the freelists are walked again). A written slot whose list changed is uncounted and counted
// again. Everything is counted again
// when a page holding a slot object became or stopped being a slab (a slot object off a slab is
// not counted), or when the freelists are walked from scratch.

let slotOwner: Machine | null = null;
let slotSerial = -1;
/**
 * Per object: how many slot entries hold it, and CPU freelist entries (see below), counted only
 * while its page is a slab.
 */
let slotHeld = new Uint16Array(0);
/** Per slot: its list as last counted. */
let slotCopy: Int32Array[] = [];
let slotCopyLen: number[] = [];
/** Per page: slot entries on it, and whether it was a slab when they were counted. */
let slotOnPage = new Int32Array(0);
let slotPageSlab = new Uint8Array(0);
/** Distinct slab objects held; entries beyond the first on one object; held objects on a freelist. */
let slotCount = 0;
let slotDups = 0;
let slotConflicts = 0;

/** One more entry (a slot's, a CPU freelist's) holds object `o`: into the counts above. */
function holdAdd(o: number): void {
  if (slotHeld[o]!++ > 0) slotDups++;
  else {
    slotCount++;
    if (inFree[o] === 1) slotConflicts++;
  }
}

/** One entry fewer holds object `o`. */
function holdRemove(o: number): void {
  if (--slotHeld[o]! > 0) slotDups--;
  else {
    slotCount--;
    if (inFree[o] === 1) slotConflicts--;
  }
}

const SLOTS_SAME = 0;
const SLOTS_CHANGED = 1;
const SLOTS_UNKNOWN = 2;

/** Whether the counts describe `m`'s slots as they are now, or only some slots changed. */
function slotsKept(m: Machine, total: number): number {
  const ch = changedPages;
  if (
    slotOwner !== m ||
    ch.base !== slotSerial ||
    ch.only === null ||
    slotHeld.length !== total ||
    slotCopy.length !== slotObjectLists(m).length
  )
    return SLOTS_UNKNOWN;
  const ids = ch.only.ids;
  const pages = m.pages;
  for (let j = 0; j < ch.only.n; j++) {
    const i = ids[j]!;
    if (
      slotOnPage[i]! > 0 &&
      (pages[i]!.use === "slab" ? 1 : 0) !== slotPageSlab[i]
    )
      return SLOTS_UNKNOWN;
  }
  return ch.slotsSame ? SLOTS_SAME : SLOTS_CHANGED;
}

function slotsForget(): void {
  slotOwner = null;
  // The CPU freelists' objects are counted in slotHeld too (see cpuChainsUpdate).
  chainsForget();
  slotHeld.fill(0);
  slotCount = 0;
  slotDups = 0;
  slotConflicts = 0;
}

/** Counts slot `s`'s list (after the freelists are walked: `inFree` is current). */
function slotCountList(
  m: Machine,
  total: number,
  s: number,
  refs: readonly ObjRef[],
): void {
  const pages = m.pages;
  const objects = m.cache.objects;
  let copy = slotCopy[s]!;
  if (copy.length < refs.length)
    copy = slotCopy[s] = new Int32Array(refs.length * 2);
  slotCopyLen[s] = refs.length;
  for (let j = 0; j < refs.length; j++) {
    const o = refs[j]!;
    copy[j] = o;
    // As quickList counts them: a pointer to no slab object counts for nothing.
    if (o < 0 || o >= total) continue;
    const pid = (o / objects) | 0;
    const slab = pages[pid]!.use === "slab";
    slotOnPage[pid]!++;
    slotPageSlab[pid] = slab ? 1 : 0;
    if (!slab) continue;
    holdAdd(o);
  }
}

/** Uncounts slot `s`'s list as last counted. */
function slotUncountList(m: Machine, total: number, s: number): void {
  const objects = m.cache.objects;
  const copy = slotCopy[s]!;
  const n = slotCopyLen[s]!;
  for (let j = 0; j < n; j++) {
    const o = copy[j]!;
    if (o < 0 || o >= total) continue;
    const pid = (o / objects) | 0;
    slotOnPage[pid]!--;
    if (slotPageSlab[pid] === 0) continue;
    holdRemove(o);
  }
}

function sameCopy(s: number, refs: readonly ObjRef[]): boolean {
  if (slotCopyLen[s] !== refs.length) return false;
  const copy = slotCopy[s]!;
  for (let j = 0; j < refs.length; j++) if (copy[j] !== refs[j]) return false;
  return true;
}

/** Counts every slot of `m` from scratch. */
function slotsRecount(m: Machine, total: number): void {
  const pages = m.pages;
  if (slotHeld.length !== total) {
    slotHeld = new Uint16Array(total);
    chainsForget();
  }
  if (slotOnPage.length !== pages.length) {
    slotOnPage = new Int32Array(pages.length);
    slotPageSlab = new Uint8Array(pages.length);
  } else slotOnPage.fill(0);
  const slots = slotObjectLists(m);
  // The copies' arrays are kept from count to count (they grow as needed).
  if (slotCopy.length !== slots.length) {
    slotCopy = slots.map(() => new Int32Array(8));
    slotCopyLen = slots.map(() => 0);
  } else slotCopyLen.fill(0);
  for (let s = 0; s < slots.length; s++) slotCountList(m, total, s, slots[s]!);
  slotOwner = m;
}

/** Counts again the slots whose lists changed (of those the step wrote, or of all). */
function slotsUpdate(m: Machine, total: number): void {
  const slots = slotObjectLists(m);
  const only = changedPages.slots;
  const n = only === null ? slots.length : only.length;
  for (let j = 0; j < n; j++) {
    const s = only === null ? j : only[j]!;
    const refs = slots[s]!;
    if (sameCopy(s, refs)) continue;
    slotUncountList(m, total, s);
    slotCountList(m, total, s, refs);
  }
}

// --- The CPU freelists, kept from check to check ----------------------------------------------
//
// Each CPU's `c->freelist` is a chain through its slab's free pointers. Walking every CPU's
// chain at every check is the part of the quick check that grows with the CPU count. A chain can
// change only if the step reached its CPU (prims.ts `cpuSlab`: a new head), reached a page the
// chain runs through (a free pointer on it written), or changed which actor works on the CPU's
// pointers in place (then the chain is the actor's, walked with it). So each chain's objects are
// kept as last walked and counted with the slots' (`slotHeld`, `slotCount`, `slotDups`,
// `slotConflicts`: a chain object is one more entry holding it), and only those chains are walked
// again. A chain whose walk was not clean (a bad pointer, a page that is not a slab, a cycle) is
// not counted: it makes the quick check unsure, as before.

let chainsOwner: Machine | null = null;
let chainSerial = -1;
/** Whether the chains are counted in `slotHeld` (the counts were not cleared since). */
let chainsCounted = false;
/** Per CPU: its chain's objects as last walked, how many, and its distinct pages. */
let chainObjs: Int32Array[] = [];
let chainLen = new Int32Array(0);
let chainPages: Int32Array[] = [];
let chainPageN = new Int32Array(0);
/** Per CPU: 1 when its chain is counted, 2 when its walk was not clean, 0 when it has none. */
let chainState = new Uint8Array(0);
/** Per CPU: an actor worked on its pointers in place when it was last walked. */
let chainOwned = new Uint8Array(0);
let chainBad = 0;

const CHAIN_NONE = 0;
const CHAIN_COUNTED = 1;
const CHAIN_BAD = 2;

/** The chains' counts are gone (slotHeld cleared): the next update walks every chain. */
function chainsForget(): void {
  chainsCounted = false;
  chainsOwner = null;
}

/** Takes CPU `c`'s chain out of the counts (as last counted). */
function chainUncount(c: number): void {
  if (chainState[c] === CHAIN_BAD) chainBad--;
  if (chainState[c] === CHAIN_COUNTED && chainsCounted) {
    const objs = chainObjs[c]!;
    for (let j = 0; j < chainLen[c]!; j++) {
      const o = objs[j]!;
      holdRemove(o);
    }
  }
  chainState[c] = CHAIN_NONE;
  chainLen[c] = 0;
  chainPageN[c] = 0;
}

/** `a` copied into an array twice its size. */
function doubled(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}

/** Walks CPU `c`'s chain from `head` (as `quickChain` walks an actor's) and counts it. */
function chainCount(m: Machine, c: number, head: ObjRef | null): void {
  if (head === null) return;
  const objects = m.cache.objects;
  const pages = m.pages;
  const total = pages.length * objects;
  let objs = chainObjs[c]!;
  let pids = chainPages[c]!;
  let n = 0;
  let np = 0;
  let x: ObjRef | null = head;
  let clean = true;
  for (let guard = 0; x !== null && guard <= total; guard++) {
    if (x === USER_DATA || x < 0 || x >= total) {
      clean = false;
      break;
    }
    const pid: number = (x / objects) | 0;
    // Its pages are noted first: a page the chain broke on may become a slab again.
    if (np === 0 || pids[np - 1] !== pid) {
      let known = false;
      for (let j = 0; j < np; j++) if (pids[j] === pid) known = true;
      if (!known) {
        if (np === pids.length) pids = chainPages[c] = doubled(pids);
        pids[np++] = pid;
      }
    }
    const p: Page = pages[pid]!;
    if (p.use !== "slab") {
      clean = false;
      break;
    }
    if (n === objs.length) objs = chainObjs[c] = doubled(objs);
    objs[n++] = x;
    const w: ObjRef | null | undefined = p.fp[x - pid * objects];
    x = w === undefined ? null : w;
  }
  // Still going after every object: a cycle.
  if (x !== null) clean = false;
  chainPageN[c] = np;
  if (!clean) {
    chainState[c] = CHAIN_BAD;
    chainBad++;
    return;
  }
  chainLen[c] = n;
  chainState[c] = CHAIN_COUNTED;
  for (let j = 0; j < n; j++) {
    const o = objs[j]!;
    holdAdd(o);
  }
}

/** Whether CPU `c`'s chain runs through a page the step reached (`changedPages.only`). */
function chainReached(c: number, mark: Uint8Array): boolean {
  const pids = chainPages[c]!;
  for (let j = 0; j < chainPageN[c]!; j++)
    if (mark[pids[j]!] === 1) return true;
  return false;
}

/**
 * Brings the chains' counts to the state of `m` (after the slots': `slotHeld` is theirs too):
 * only the chains that may have changed since the settled state, or every one. `ownedCpu`
 * says which CPUs' pointers an actor works on in place (their chains are not counted here).
 */
function cpuChainsUpdate(m: Machine): void {
  const cs = m.cpuSlab;
  const n = cs.length;
  const ch = changedPages;
  const kept =
    chainsCounted &&
    chainsOwner === m &&
    ch.base === chainSerial &&
    ch.only !== null &&
    chainState.length === n;
  if (!kept) {
    if (chainState.length !== n) {
      chainObjs = cs.map(() => new Int32Array(8));
      chainPages = cs.map(() => new Int32Array(2));
      chainLen = new Int32Array(n);
      chainPageN = new Int32Array(n);
      chainState = new Uint8Array(n);
      chainOwned = new Uint8Array(n);
      chainBad = 0;
    } else for (let c = 0; c < n; c++) chainUncount(c);
    chainsCounted = true;
    for (let c = 0; c < n; c++) {
      chainOwned[c] = ownedCpu[c]!;
      if (ownedCpu[c] === 0) chainCount(m, c, cs[c]!.freelist);
    }
    chainsOwner = m;
    return;
  }
  const cpus = ch.cpus;
  const mark = ch.only!.mark;
  for (let c = 0; c < n; c++) {
    if (
      (cpus & (1 << c)) === 0 &&
      chainOwned[c] === ownedCpu[c] &&
      !chainReached(c, mark)
    )
      continue;
    chainUncount(c);
    chainOwned[c] = ownedCpu[c]!;
    if (ownedCpu[c] === 0) chainCount(m, c, cs[c]!.freelist);
  }
}

// The quick check's own stamps (the full checks' counters stay untouched).
let qStamp = new Int32Array(0);
let qs = 0;
let qReached = 0;
let unsure = false;

/** An object a holder other than a slab's freelist reaches (free or allocated). */
function quickReach(o: number): void {
  if (inFree[o] === 1 || qStamp[o] === qs || slotHeld[o]! > 0) unsure = true;
  else {
    qStamp[o] = qs;
    qReached++;
  }
}

/** A chain a holder other than a slab's freelist holds, as `counter.chain` walks it. */
function quickChain(m: Machine, head: ObjRef, tail: ObjRef | null): void {
  const objects = m.cache.objects;
  const pages = m.pages;
  const total = pages.length * objects;
  let x: ObjRef | null = head;
  for (let guard = 0; x !== null && guard <= total; guard++) {
    if (x === USER_DATA || x < 0 || x >= total) {
      unsure = true;
      return;
    }
    const pid: number = (x / objects) | 0;
    const p: Page = pages[pid]!;
    if (p.use !== "slab") {
      unsure = true;
      return;
    }
    quickReach(x);
    if (unsure || x === tail) return;
    const w: ObjRef | null | undefined = p.fp[x - pid * objects];
    x = w === undefined ? null : w;
  }
  // Still going after every object: a cycle (the full walk reports it).
  if (x !== null) unsure = true;
}

/** Allocated objects, as `markAllocated` counts them (a pointer to no slab object counts for nothing). */
function quickList(m: Machine, refs: readonly ObjRef[]): void {
  const objects = m.cache.objects;
  const pages = m.pages;
  const total = pages.length * objects;
  for (let i = 0; i < refs.length; i++) {
    const o = refs[i]!;
    if (o < 0 || o >= total || pages[(o / objects) | 0]!.use !== "slab")
      continue;
    quickReach(o);
  }
}

/** The features' holders (feature.ts) reach the quick check through this visitor. */
const quick: HolderVisitor = {
  chain(h, head, tail) {
    if (head === null || (h.kind === "cpuFreelist" && h.actor !== null)) return;
    quickChain(cur, head, tail);
  },
  objects(_, refs) {
    quickList(cur, refs);
  },
  object(_, o) {
    one[0] = o;
    quickList(cur, one);
  },
  slab() {},
  slabChain() {},
  slabs() {},
};
const one: ObjRef[] = [0];
/** Per CPU: an actor works on its pointers in place (scratch). */
let ownedCpu = new Uint8Array(8);

// --- The actors holding objects, kept from check to check --------------------------------------
//
// Most actors hold nothing most of the time. A step changes the holdings (chains, objects in
// flight, a CPU's pointers worked on in place) of the actor that took it only, and only through
// the ownership primitives (prims.ts `stepPages.held`). So the actors that hold something are
// kept listed, and after a step that follows the settled state only the stepping actor is looked
// at again: the quick check visits the listed actors rather than every actor.

let holdersOwner: Machine | null = null;
let holdersSerial = -1;
/** Per actor: it holds something (as last looked at); and the list of those actors. */
let holding = new Uint8Array(0);
let holdingIds = new Int32Array(0);
let holdingN = 0;

function holdsObjects(a: Actor): boolean {
  return (
    a.ownsCpuSlab !== null ||
    a.ownedChains.length > 0 ||
    a.ownedObjects.length > 0
  );
}

/** Lists the actors holding something again from `holding`. */
function holdingList(n: number): void {
  holdingN = 0;
  for (let i = 0; i < n; i++) if (holding[i] === 1) holdingIds[holdingN++] = i;
}

/** Brings the list of holding actors to the state of `m`; `a` took the step just checked. */
function holdersUpdate(m: Machine, a: Actor): void {
  const actors = m.actors;
  const n = actors.length;
  const ch = changedPages;
  if (
    holdersOwner === m &&
    ch.base === holdersSerial &&
    ch.only !== null &&
    holding.length === n &&
    actors[a.id] === a
  ) {
    // Only the stepping actor's holdings may differ from the settled state's.
    const now = holdsObjects(a) ? 1 : 0;
    if (now !== holding[a.id]) {
      holding[a.id] = now;
      holdingList(n);
    }
    return;
  }
  if (holding.length !== n) {
    holding = new Uint8Array(n);
    holdingIds = new Int32Array(n);
  }
  for (let i = 0; i < n; i++) holding[i] = holdsObjects(actors[i]!) ? 1 : 0;
  holdingList(n);
  holdersOwner = m;
}

/** Fills `ownedCpu`: a CPU whose pointers an actor works on in place has its freelist held by the actor. */
function ownedCpus(m: Machine): void {
  const n = m.cpuSlab.length;
  if (ownedCpu.length < n) ownedCpu = new Uint8Array(n);
  ownedCpu.fill(0, 0, n);
  const actors = m.actors;
  for (let j = 0; j < holdingN; j++) {
    const c = actors[holdingIds[j]!]!.ownsCpuSlab;
    if (c !== null) ownedCpu[c] = 1;
  }
}

/**
 * Every holder of objects but the slabs' own freelists, as `visitObjectHolders` lists them
 * (holders.ts), for the quick check: the order does not matter to it, only that each holder is
 * reached.
 */
function quickHolders(m: Machine): void {
  const actors = m.actors;
  // The actors that hold something: their chains and their objects in flight.
  for (let h = 0; h < holdingN; h++) {
    const a = actors[holdingIds[h]!]!;
    const ch = a.ownedChains;
    for (let j = 0; j + 1 < ch.length; j += 2) {
      const head = ch[j]!;
      if (head !== null) quickChain(m, head, ch[j + 1]!);
    }
    const own = a.ownedObjects;
    if (own.length > 0) quickList(m, own);
  }
  // The CPU freelists are counted with the slots (cpuChainsUpdate).
  if (chainBad > 0) unsure = true;
  const active = activeFeatures(m, FEATURES);
  for (let i = 0; i < FEATURES.length; i++) {
    const f = FEATURES[i]!;
    if (f.objectHolders && (active & (1 << i)) !== 0) f.objectHolders(m, quick);
  }
  // The slots and the CPU freelists: kept from check to check (slotsKept, cpuChainsUpdate).
  qReached += slotCount;
  if (slotDups > 0 || slotConflicts > 0) unsure = true;
  // memcg vectors: the walks above noted the slabs that have one.
  const pages = m.pages;
  for (let i = 0; pfCgCount > 0 && i < pages.length; i++) {
    const p = pages[i]!;
    if (p.use === "slab" && p.objcgs !== null) {
      one[0] = p.objcgs;
      quickList(m, one);
    }
  }
}

/**
 * Whether the full object checks would find nothing (see above). Then each slab's free count is
 * its freelist's length as walked (`pfLen`, 0 for a page that is not a slab).
 */
function quickObjects(m: Machine, stepped: Actor): boolean {
  const total = m.pages.length * m.cache.objects;
  const slotsNow = slotsKept(m, total);
  if (slotsNow === SLOTS_UNKNOWN) slotsForget();
  pfUpdate(m);
  if (slotOwner === null) slotsRecount(m, total);
  else if (slotsNow === SLOTS_CHANGED) slotsUpdate(m, total);
  holdersUpdate(m, stepped);
  ownedCpus(m);
  cpuChainsUpdate(m);
  if (pfBadCount > 0) return false;
  if (qStamp.length < total) {
    qStamp = new Int32Array(total);
    qs = 0;
  }
  qs = (qs + 1) | 0 || 1;
  qReached = 0;
  unsure = false;
  quickHolders(m);
  // Every slab's objects (kept with the walks: a page that became or stopped being a slab, or
  // changed its size, is a page the step reached).
  return !unsure && pfTotal + qReached === pfObjectsTotal;
}

function fullChecks(m: Machine, k: K): void {
  grow(m);
  cur = m;
  // Reused: a step's problems are settled before the next step's checks start. (A length
  // store is a slow path: only when there is something to drop.)
  if (problems.length !== 0) problems.length = 0;
  const objects = m.cache.objects;
  const pages = m.pages;

  // --- objects ---------------------------------------------------------------------------
  // Every holder of objects (holders.ts): free ones walked and counted, allocated ones counted;
  // unless the quick check (above) shows the full one would find nothing.
  const objectsClean = quickObjects(m, k.a);
  let expected = 0;
  if (!objectsClean) {
    pageFree.fill(0, 0, pages.length);
    visitObjectHolders(m, counter);
    // The slab pages and how many objects they have.
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]!;
      if (p.use === "slab") expected += p.objects;
    }
  }
  // Every object reached once and as many reached as exist: nothing lost, nothing twice.
  for (
    let i = 0;
    !objectsClean && (dup || reached !== expected) && i < pages.length;
    i++
  ) {
    const p = pages[i]!;
    if (p.use !== "slab") continue;
    const base = p.id * objects;
    for (let o = base; o < base + p.objects; o++) {
      const n = count(o, 0);
      const fr = n & 15;
      const al = n >> 4;
      if (fr + al === 1) continue;
      if (fr + al === 0)
        problems.push(
          objProblem(
            m,
            "object-leak",
            `object ${fmtObj(m, o)} is on no freelist and allocated to nobody`,
            o,
          ),
        );
      else if (al > 1)
        problems.push(
          objProblem(
            m,
            "double-alloc",
            `object ${fmtObj(m, o)} has been handed out twice`,
            o,
          ),
        );
      else if (al === 1)
        problems.push(
          objProblem(
            m,
            "double-alloc",
            `object ${fmtObj(m, o)} is allocated and also still on a freelist: it will be handed out again`,
            o,
          ),
        );
    }
  }

  // --- slabs -----------------------------------------------------------------------------
  // Unchanged since the settled state (see slabsKept): the same problems, in the same order.
  if (slabsKept(m, objectsClean)) {
    for (let i = 0; i < slabProblems.length; i++)
      problems.push(slabProblems[i]!);
  } else {
    const from = problems.length;
    // After a clean quick check the free counts are the freelists' lengths as walked.
    // (pfLen has one entry per page, pageFree at least as many.)
    if (objectsClean) pageFree.set(pfLen);
    if (placesKept(m, objectsClean)) {
      slabChecksOfReached(m);
      if (checkSlabs) recheckSlabs(m, from);
    } else slabChecks(m);
    slabProblems = problems.slice(from);
  }
  slabsClean = objectsClean;

  // --- the features' invariants (feature.ts) -----------------------------------------------
  const active = activeFeatures(m, FEATURES);
  for (let i = 0; i < FEATURES.length; i++) {
    const f = FEATURES[i]!;
    if (f.check && (active & (1 << i)) !== 0) f.check(m, found);
  }

  if (problems.length > 0 || m.activeFindings.length > 0)
    settle(m, k, problems);
}

// --- The slab checks, kept from check to check ------------------------------------------------
//
// Most steps that change checked state change only objects: a CPU's freelist, an object taken
// or stored. The slab checks read the slabs' places and fields (checkInputs.ts `slabsSame`) and
// each slab's free count; when none of it changed since the settled state, their problems are
// those of that state. Only when both states' object checks were clean: then the free counts
// are the page freelists' lengths, kept in `pfLen`, and compared page by page.
//
// Most of the other steps (a free to a slab that is not the CPU's, a slab's objects taken)
// change a slab's counts but no slab's place (checkInputs.ts `placesSame`): then what the walk
// of the slab holders found (`slabSeen` and the rest, and the holders' own problems) is as it
// was, and only the pages the step reached are checked again; each page's problems are kept,
// and the list is put together in the same order as a full check's.

let slabOwner: Machine | null = null;
let slabSerial = -1;
/** The slab problems of the settled state, and whether its object checks were clean. */
let slabProblems: Problem[] = [];
let slabsClean = false;

/**
 * Whether the kept slab checks describe the settled state this check follows: both states'
 * object checks clean (the free counts are then the walked freelists' lengths), the same
 * machine, and no page freelist walked again in full.
 */
function slabsFollowSettled(m: Machine, objectsClean: boolean): boolean {
  return (
    objectsClean &&
    slabsClean &&
    slabOwner === m &&
    changedPages.base === slabSerial &&
    !pfFull
  );
}

function slabsKept(m: Machine, objectsClean: boolean): boolean {
  return (
    slabsFollowSettled(m, objectsClean) &&
    changedPages.slabsSame &&
    !pfLenChanged
  );
}

/** When on, every check of the reached pages only is compared with a full one (tests). */
let checkSlabs = false;

/** Turns the self-check of the kept slab checks on or off (src/bench/slabChecks.test.ts). */
export function checkKeptSlabChecks(on: boolean): void {
  checkSlabs = on;
}

/** The self-check: the problems from `from` on against a full slab check's. */
function recheckSlabs(m: Machine, from: number): void {
  const kept = problems.slice(from).map((p) => `${p.code}: ${p.message}`);
  problems.length = from;
  lockedNodes = 0;
  slabChecks(m);
  const full = problems.slice(from).map((p) => `${p.code}: ${p.message}`);
  if (kept.join("\n") !== full.join("\n"))
    throw new Error(
      `step ${m.step}: the slab checks of the reached pages found [${kept.join("; ")}], a full slab check [${full.join("; ")}]`,
    );
}

/** Whether only the reached pages' slab checks need to run again (see above). */
function placesKept(m: Machine, objectsClean: boolean): boolean {
  return (
    slabsFollowSettled(m, objectsClean) &&
    changedPages.placesSame &&
    changedPages.only !== null &&
    slabPageProblems.length === m.pages.length
  );
}

/** The slab holders' own problems, and each page's, as the last full walk left them. */
let slabHolderProblems: Problem[] = [];
let slabPageProblems: (Problem[] | null)[] = [];
/** How many pages have problems; the node locks the walk found held. */
let slabPagesWithProblems = 0;
let slabLockedNodes = 0;

/** Every holder of slabs: each slab seen in its places, CPU partial chains and node lists checked. */
function slabChecks(m: Machine): void {
  clearSlabScratch(m.pages.length);
  const from = problems.length;
  visitSlabHolders(m, counter);
  slabHolderProblems = problems.length > from ? problems.slice(from) : [];
  slabLockedNodes = lockedNodes;
  const unfrozenPartials =
    variantSpec(m.config.kernel).unfrozenPartials === true;
  const pages = m.pages;
  if (slabPageProblems.length !== pages.length)
    slabPageProblems = new Array<Problem[] | null>(pages.length).fill(null);
  slabPagesWithProblems = 0;
  for (let i = 0; i < pages.length; i++) {
    const before = problems.length;
    slabPageChecks(m, pages[i]!, unfrozenPartials);
    if (problems.length > before) {
      slabPageProblems[i] = problems.slice(before);
      slabPagesWithProblems++;
    } else slabPageProblems[i] = null;
  }
}

/** The slab checks after a step that moved no slab: the reached pages' checks run again. */
function slabChecksOfReached(m: Machine): void {
  lockedNodes = slabLockedNodes;
  const unfrozenPartials =
    variantSpec(m.config.kernel).unfrozenPartials === true;
  const pages = m.pages;
  const only = changedPages.only!;
  const kept = problems.length;
  for (let j = 0; j < only.n; j++) {
    const pid = only.ids[j]!;
    const before = problems.length;
    slabPageChecks(m, pages[pid]!, unfrozenPartials);
    const had = slabPageProblems[pid] !== null;
    if (problems.length > before) {
      slabPageProblems[pid] = problems.slice(before);
      if (!had) slabPagesWithProblems++;
    } else if (had) {
      slabPageProblems[pid] = null;
      slabPagesWithProblems--;
    }
  }
  // In the full check's order: the holders' problems, then page by page.
  if (problems.length !== kept) problems.length = kept;
  for (let i = 0; i < slabHolderProblems.length; i++)
    problems.push(slabHolderProblems[i]!);
  for (let i = 0; slabPagesWithProblems > 0 && i < pages.length; i++) {
    const ps = slabPageProblems[i];
    if (ps) for (let j = 0; j < ps.length; j++) problems.push(ps[j]!);
  }
}

/** One page's slab checks, against what the walk of the slab holders found. */
function slabPageChecks(
  m: Machine,
  p: Machine["pages"][number],
  unfrozenPartials: boolean,
): void {
  const seen = slabSeen[p.id]!;
  if (p.use !== "slab") {
    if (seen > 0)
      problems.push(
        slabProblem(
          "list-corrupt",
          `P${p.id} is ${p.use} but still listed as a slab (${describe(m, slabFirst[p.id]!)})`,
          p.id,
        ),
      );
    return;
  }
  const nodeLocked = (lockedNodes & (1 << p.node)) !== 0;
  if (seen > 1 && !nodeLocked)
    problems.push(
      slabProblem(
        "list-corrupt",
        `slab P${p.id} is in two places: ${describe(m, slabFirst[p.id]!)} and ${describe(m, slabSecond[p.id]!)}`,
        p.id,
      ),
    );
  if (p.frozen) {
    if (seen === 0)
      problems.push(
        slabProblem(
          "slab-lost",
          `frozen slab P${p.id} is owned by no CPU and on no list: its objects can never be allocated again`,
          p.id,
        ),
      );
    if (onNode[p.id] === 1 && !nodeLocked)
      problems.push(
        slabProblem(
          "list-corrupt",
          `frozen slab P${p.id} is on node ${p.node}'s partial list`,
          p.id,
        ),
      );
  } else if (p.inuse < p.objects && seen === 0 && !nodeLocked) {
    problems.push(
      slabProblem(
        "slab-lost",
        `slab P${p.id} has free objects but is on no list and owned by no CPU`,
        p.id,
      ),
    );
  }
  // v6.8: the on-node-list flag agrees with the node list, and a cpu partial slab is unfrozen.
  if (unfrozenPartials && !nodeLocked) {
    const listed = onNode[p.id] === 1;
    if (listed !== (p.nodePartial === true))
      problems.push(
        slabProblem(
          "list-corrupt",
          listed
            ? `slab P${p.id} is on node ${p.node}'s partial list without its on-node-list flag`
            : `slab P${p.id} has the on-node-list flag but is not on node ${p.node}'s partial list`,
          p.id,
        ),
      );
    if (
      p.frozen &&
      ((seen > 0 && slabFirst[p.id]?.kind === "cpuPartial") ||
        (seen > 1 && slabSecond[p.id]?.kind === "cpuPartial"))
    )
      problems.push(
        slabProblem(
          "list-corrupt",
          `frozen slab P${p.id} is on a CPU's partial list: only the cpu slab is frozen`,
          p.id,
        ),
      );
  }
  // inuse counts every object not on page->freelist (a private new slab is exempt).
  if (inFlight[p.id] === 0 && p.inuse !== p.objects - pageFree[p.id]!)
    problems.push(
      slabProblem(
        "list-corrupt",
        `slab P${p.id}: inuse ${p.inuse} but ${p.objects - pageFree[p.id]!} objects are off its freelist`,
        p.id,
      ),
    );
}

/** Reports new problems and forgets the ones that went away. */
function settle(m: Machine, k: K, found: Problem[]): void {
  const present = new Set<string>();
  for (const pr of found) {
    const key = `state:${pr.code}:${pr.message}`;
    present.add(key);
    if (m.activeFindings.includes(key)) continue;
    report(k, pr.code, pr.message, pr.slabs, pr.objects, key);
  }
  if (m.activeFindings.some((f) => f.startsWith("state:") && !present.has(f))) {
    m.activeFindings = m.activeFindings.filter(
      (f) => !f.startsWith("state:") || present.has(f),
    );
  }
}

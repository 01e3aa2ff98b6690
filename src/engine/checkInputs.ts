/**
 * What the after-step checks read (checks.ts), remembered as flat arrays of numbers, so that a
 * step that changed none of it skips the checks: they are a function of this state alone, and
 * their findings for it are already settled (reported when they appeared, still active).
 *
 * The state read: every page's use and, for a slab page, its freelist, counters, partial-chain
 * link and totals, node, memcg vector and free pointers; every CPU's freelist, cpu slab and
 * partial chain; every node's lock (held or not) and partial list; every actor's in-flight
 * holdings; the slots and the features' checked lists (feature.ts: the percpu arrays,
 * kfree_nolock's deferred list). Each variable-length list is preceded by its length, so two different
 * states never read as the same sequence. Each page has a record of its own.
 *
 * Most micro-steps (lock operations, irq and preempt toggles, reads, failed cmpxchgs, steps on
 * locals) change none of it. On the step right after the last one checked on the same machine,
 * three parts are compared only where the step could have written them (what writes them, in
 * the engine and the kernel tables as they are):
 * - the pages: only those the step reached (prims.ts `stepPages`: step code reaches a page only
 *   through `pageAt`, `slabPage` or the free-pointer primitives, which list it; a step that
 *   walks the pool lists them all). A page the step did not reach is as it was recorded. Step
 *   code that indexed `m.pages` directly would break this: src/bench/stepPages.test.ts reads
 *   the engine's sources and fails on one;
 * - the CPUs' kmem_cache_cpu: only those the step reached (prims.ts `cpuSlab` lists them, as
 *   `pageAt` lists pages; the same test holds step code to it);
 * - the actors' holdings: only the actor that stepped, and only when it wrote them (the
 *   ownership primitives, `setOwnsCpuSlab` among them, and `finishOp` act on `k.a` and set
 *   prims.ts `stepPages.held`; the same test holds step code to them);
 * - the slots: only those the step wrote (slots.ts `slotToWrite` lists them: the caller taking
 *   or storing its pointers, a re-entering BPF program storing its object; the same test holds
 *   the engine's code to it).
 * - the nodes: only when the step reached one (prims.ts `nodeAt`, which lists it as `pageAt`
 *   lists pages, and a list_lock changing hands; the same test holds step code to it).
 * The features' checked lists are compared on every step while a feature that has them is
 * active. Any other step
 * (a copy of a machine, one stepped with the checks off, the first step) compares everything.
 * A machine changed between steps by anything but a step must not be checked on the fast path:
 * `forgetCheckedState` makes the next check a full one. A new writer of these parts outside those
 * places must be added here; the equivalence guard (src/bench/equivalence.test.ts) catches a
 * missed one on the runs it covers.
 */
import {
  activeFeatures as activeFeaturesImport,
  FEATURES as FEATURES_IMPORT,
} from "./features";
import { slotObjectLists as slotObjectListsImport } from "./holders";
import { stepPages as stepPagesImport } from "./prims";
import type { Actor, Machine, Page } from "./types";

// Read once: under CommonJS (tsx, vitest, the CLI) every read of an imported binding is a getter
// call, which costs more than the read itself on this per-step path.
const stepPages = stepPagesImport;
const FEATURES = FEATURES_IMPORT;
const activeFeatures = activeFeaturesImport;
// The slots in the order the holders list them: the slot indices here (`changedPages.slots`)
// are the checks' indices too.
const slotLists = slotObjectListsImport;

const NULL = -0.5;
const UNDEFINED = -0.25;
const FREE = 0;
const SLAB = 1;
const PAGECACHE = 2;

let owner: Machine | null = null;
/** Counts `settled` calls: names the settled state a record (and the checks' caches) stand for. */
let settleSerial = 0;

/**
 * Which pages may differ from the last settled state, for the checks' own caches (checks.ts):
 * set when `checkedStateUnchanged` returns false. `base` is the serial of the settled state the
 * comparison was made against (-1: none, every page may differ); `only` the pages that may
 * differ from it (null: every page); `slotsSame`: the slots are as they were in it; `slots`
 * the indices of the slots that may differ from it (null: every slot, in `slotObjectLists` order);
 * `slabsSame`: what the slab checks read is as it was in it (every CPU's slab and partial chain
 * head, which actor works on a CPU's pointers, the slabs in flight, every page's use and slab
 * fields but its freelist, the nodes' lists and locks); `placesSame`: the same less the slabs'
 * `inuse` and `objects` (each slab is where it was, only counts of the pages in `only` may
 * differ). Valid until the next step starts.
 */
export const changedPages = {
  base: -1,
  only: null as typeof stepPages | null,
  slotsSame: false,
  slots: null as readonly number[] | null,
  slabsSame: false,
  placesSame: false,
  /** The CPUs whose kmem_cache_cpu may differ from it, as bits (-1: every CPU). */
  cpus: -1,
};

/** The serial of the last settled state (see `changedPages`). */
export function settledSerial(): number {
  return settleSerial;
}

let ownerFindings: string[] | null = null;
let ownerFindingsLength = -1;

function ref(v: number | null | undefined): number {
  return v === null ? NULL : v === undefined ? UNDEFINED : v;
}

// The record, in three parts: the head (the page count, the object count and the CPUs), one
// record per page, and the tail (the nodes and the features' checked lists). Each page has its own record so that after a step only the pages it reached
// (prims.ts `stepPages`) are compared and re-recorded.
let head = new Float64Array(64);
const pageRecs: Float64Array[] = [];
let tail = new Float64Array(256);

/** The CPUs a step may have written, as bits (prims.ts `stepPages.cpus`); ALL_CPUS: every one. */
const ALL_CPUS = -1;

/** The lowest CPU in `cpus` (not 0). */
function lowestCpu(cpus: number): number {
  return 31 - Math.clz32(cpus & -cpus);
}

/** Records the head: every CPU, or only those in `cpus` (the head's size unchanged). */
function recordHead(m: Machine, cpus: number): void {
  const cs = m.cpuSlab;
  if (
    cpus !== ALL_CPUS &&
    head[2] === cs.length &&
    head[0] === m.pages.length
  ) {
    for (let t = cpus; t !== 0; t &= t - 1) recordCpu(cs, lowestCpu(t));
    return;
  }
  const need = 3 + 3 * cs.length;
  if (head.length < need) head = new Float64Array(need * 2);
  const r = head;
  r[0] = m.pages.length;
  r[1] = m.cache.objects;
  r[2] = cs.length;
  for (let c = 0; c < cs.length; c++) recordCpu(cs, c);
}

function recordCpu(cs: Machine["cpuSlab"], c: number): void {
  const x = cs[c]!;
  const i = 3 + 3 * c;
  head[i] = ref(x.freelist);
  head[i + 1] = ref(x.page);
  head[i + 2] = ref(x.partial);
}

/** Whether the head is as recorded: every CPU, or only those in `cpus` (the others known unchanged). */
function sameHead(m: Machine, cpus: number): boolean {
  const r = head;
  const cs = m.cpuSlab;
  if (r[0] !== m.pages.length || r[1] !== m.cache.objects || r[2] !== cs.length)
    return false;
  if (cpus !== ALL_CPUS) {
    for (let t = cpus; t !== 0; t &= t - 1)
      if (!sameCpu(r, cs, lowestCpu(t))) return false;
    return true;
  }
  for (let c = 0; c < cs.length; c++) if (!sameCpu(r, cs, c)) return false;
  return true;
}

function sameCpu(r: Float64Array, cs: Machine["cpuSlab"], c: number): boolean {
  const x = cs[c]!;
  const i = 3 + 3 * c;
  return (
    r[i] === ref(x.freelist) &&
    r[i + 1] === ref(x.page) &&
    r[i + 2] === ref(x.partial)
  );
}

function recordPage(pi: number, p: Page): void {
  if (p.use !== "slab") {
    // The checks name a page's use when a list still holds it.
    let r = pageRecs[pi];
    if (r === undefined) r = pageRecs[pi] = new Float64Array(16);
    r[0] = p.use === "free" ? FREE : PAGECACHE;
    return;
  }
  const fp = p.fp;
  const n = fp.length;
  let r = pageRecs[pi];
  if (r === undefined || r.length < 10 + n)
    r = pageRecs[pi] = new Float64Array(16 + n);
  r[0] = SLAB;
  r[1] = ref(p.freelist);
  r[2] = p.inuse;
  r[3] = p.objects;
  // frozen, and v6.8's on-node-list flag (checks.ts holds it against the node lists).
  r[4] = (p.frozen ? 1 : 0) + (p.nodePartial === true ? 2 : 0);
  r[5] = ref(p.next);
  r[6] = p.node;
  r[7] = p.pages;
  r[8] = ref(p.objcgs);
  r[9] = n;
  for (let j = 0; j < n; j++) r[10 + j] = ref(fp[j]);
}

function samePage(pi: number, p: Page): boolean {
  if (!sameSlabPage(pi, p)) return false;
  if (p.use !== "slab") return true;
  // The rest of a slab's record: its freelist, memcg vector and free pointers.
  const r = pageRecs[pi]!;
  if (r[1] !== ref(p.freelist) || r[8] !== ref(p.objcgs)) return false;
  const fp = p.fp;
  const n = fp.length;
  if (r[9] !== n) return false;
  for (let j = 0; j < n; j++) if (r[10 + j] !== ref(fp[j])) return false;
  return true;
}

/** The tail record with room for `n` more numbers from `i`. */
function room(i: number, n: number): Float64Array {
  if (i + n > tail.length) {
    const bigger = new Float64Array(Math.max(tail.length * 2, i + n + 256));
    bigger.set(tail);
    tail = bigger;
  }
  return tail;
}

/** Records a list, preceded by its length, at `i` of the tail; returns the next index. */
function putList(i: number, xs: readonly (number | null)[]): number {
  const n = xs.length;
  const r = room(i, n + 1);
  return encodeList(r, i, xs);
}

function recordTail(m: Machine): void {
  const nodes = m.nodes;
  let i = 0;
  room(i, 1)[i++] = nodes.length;
  for (let ni = 0; ni < nodes.length; ni++) {
    const n = nodes[ni]!;
    const r = room(i, 2);
    r[i++] = n.listLock === null ? 0 : 1;
    r[i++] = n.nrPartial;
    i = putList(i, n.partial);
  }
  // The features' checked lists (feature.ts), e.g. the percpu arrays, kfree_nolock's deferred list.
  const active = activeFeatures(m, FEATURES);
  for (let fi = 0; fi < FEATURES.length; fi++) {
    const f = FEATURES[fi]!;
    const lists = f.checkedLists;
    if (!lists) continue;
    if ((active & (1 << fi)) === 0) {
      room(i, 1)[i++] = NULL;
      continue;
    }
    const n = lists.count(m);
    room(i, 1)[i++] = n;
    for (let c = 0; c < n; c++) i = putList(i, lists.list(m, c));
  }
}

function sameTail(m: Machine): boolean {
  const r = tail;
  let i = sameNodesTo(m);
  if (i < 0) return false;
  const active = activeFeatures(m, FEATURES);
  for (let fi = 0; fi < FEATURES.length; fi++) {
    const f = FEATURES[fi]!;
    const lists = f.checkedLists;
    if (!lists) continue;
    if ((active & (1 << fi)) === 0) {
      if (r[i++] !== NULL) return false;
      continue;
    }
    const n = lists.count(m);
    if (r[i++] !== n) return false;
    for (let c = 0; c < n; c++) {
      i = sameList(r, i, lists.list(m, c));
      if (i < 0) return false;
    }
  }
  return true;
}

/** Whether `xs` is recorded at `i` of `r`: the index after it, or -1. */
function sameList(
  r: Float64Array,
  i: number,
  xs: readonly (number | null)[],
): number {
  const n = xs.length;
  if (i + n >= r.length || r[i++] !== n) return -1;
  for (let j = 0; j < n; j++) {
    const v = xs[j];
    if (r[i++] !== (v === null ? NULL : v === undefined ? UNDEFINED : v))
      return -1;
  }
  return i;
}

// The slab checks' part of the record (see `changedPages.slabsSame`), compared before the step
// is recorded.

/** Every CPU's slab and partial chain head as recorded (not its freelist): every CPU, or those in `cpus`. */
function sameSlabHead(m: Machine, cpus: number): boolean {
  const r = head;
  const cs = m.cpuSlab;
  if (r[0] !== m.pages.length || r[2] !== cs.length) return false;
  if (cpus !== ALL_CPUS) {
    for (let t = cpus; t !== 0; t &= t - 1)
      if (!sameSlabCpu(r, cs, lowestCpu(t))) return false;
    return true;
  }
  for (let c = 0; c < cs.length; c++) if (!sameSlabCpu(r, cs, c)) return false;
  return true;
}

function sameSlabCpu(
  r: Float64Array,
  cs: Machine["cpuSlab"],
  c: number,
): boolean {
  const x = cs[c]!;
  const i = 3 + 3 * c;
  return r[i + 1] === ref(x.page) && r[i + 2] === ref(x.partial);
}

/** A page's use and slab fields as recorded, its freelist and free pointers aside. */
function sameSlabPage(pi: number, p: Page): boolean {
  // The yes-or-no form of `slabPageAsRecorded`, kept apart from it: it runs on every step's
  // reached pages, and calling that one here measured 1-3 % slower at 8 CPUs.
  const r = pageRecs[pi];
  if (r === undefined) return false;
  if (p.use !== "slab") return r[0] === (p.use === "free" ? FREE : PAGECACHE);
  return (
    r[0] === SLAB &&
    r[2] === p.inuse &&
    r[3] === p.objects &&
    r[4] === (p.frozen ? 1 : 0) + (p.nodePartial === true ? 2 : 0) &&
    r[5] === ref(p.next) &&
    r[6] === p.node &&
    r[7] === p.pages
  );
}

/** `slabPageAsRecorded`: the page differs in where it is (its use, frozen, lists, node). */
const PLACE_DIFFERS = 0;
/** Only its `inuse` or `objects` differ. */
const COUNTS_DIFFER = 1;
const SLAB_SAME = 2;

/** How a page's use and slab fields compare with the record (its freelist and free pointers aside). */
function slabPageAsRecorded(pi: number, p: Page): number {
  const r = pageRecs[pi];
  if (r === undefined) return PLACE_DIFFERS;
  if (p.use !== "slab")
    return r[0] === (p.use === "free" ? FREE : PAGECACHE)
      ? SLAB_SAME
      : PLACE_DIFFERS;
  if (
    r[0] !== SLAB ||
    r[4] !== (p.frozen ? 1 : 0) + (p.nodePartial === true ? 2 : 0) ||
    r[5] !== ref(p.next) ||
    r[6] !== p.node ||
    r[7] !== p.pages
  )
    return PLACE_DIFFERS;
  return r[2] === p.inuse && r[3] === p.objects ? SLAB_SAME : COUNTS_DIFFER;
}

/** The least of `slabPageAsRecorded` over every page (`only` null) or the pages in `only`. */
function slabPagesAsRecorded(
  m: Machine,
  only: typeof stepPages | null,
): number {
  const pages = m.pages;
  let least = SLAB_SAME;
  if (only === null) {
    for (let pi = 0; pi < pages.length && least !== PLACE_DIFFERS; pi++)
      least = Math.min(least, slabPageAsRecorded(pi, pages[pi]!));
    return least;
  }
  const ids = only.ids;
  for (let j = 0; j < only.n && least !== PLACE_DIFFERS; j++)
    least = Math.min(least, slabPageAsRecorded(ids[j]!, pages[ids[j]!]!));
  return least;
}

/**
 * Whether the nodes' part of the tail (each node's lock, held or not, nr_partial and partial
 * list) is as recorded: the index after it, or -1.
 */
function sameNodesTo(m: Machine): number {
  const r = tail;
  let i = 0;
  const nodes = m.nodes;
  if (r[i++] !== nodes.length) return -1;
  for (let ni = 0; ni < nodes.length; ni++) {
    const n = nodes[ni]!;
    if (r[i] !== (n.listLock === null ? 0 : 1) || r[i + 1] !== n.nrPartial)
      return -1;
    i = sameList(r, i + 2, n.partial);
    if (i < 0) return -1;
  }
  return i;
}

/** The actor's cpu slab it works on in place and its slabs in flight, as recorded. */
function sameActorSlabs(r: Float64Array | undefined, a: Actor): boolean {
  if (r === undefined || r[0] !== ref(a.ownsCpuSlab)) return false;
  // Past its chains and objects (each list preceded by its length).
  let i = 1;
  i += 1 + r[i]!;
  i += 1 + r[i]!;
  return sameList(r, i, a.ownedSlabs) >= 0;
}

/**
 * Whether the state of `m` is the recorded one: every page (`only` null) or only the pages
 * listed in `only`, every CPU or only those in `cpus` (the others known unchanged), and the tail
 * unless `tail` is false (known unchanged).
 */
function same(
  m: Machine,
  only: typeof stepPages | null,
  cpus: number,
  tail: boolean,
): boolean {
  if (!sameHead(m, cpus)) return false;
  const pages = m.pages;
  if (only === null) {
    for (let pi = 0; pi < pages.length; pi++)
      if (!samePage(pi, pages[pi]!)) return false;
  } else {
    const ids = only.ids;
    for (let j = 0; j < only.n; j++) {
      const pi = ids[j]!;
      if (!samePage(pi, pages[pi]!)) return false;
    }
  }
  return !tail || sameTail(m);
}

/**
 * Records the checked state of `m`: every page (`only` null) or only the pages in `only`, every
 * CPU or only those in `cpus`, and the tail (unless `tail` is false and only some pages are
 * recorded: the tail is then known unchanged).
 */
function record(
  m: Machine,
  only: typeof stepPages | null,
  cpus: number,
  tail: boolean,
): void {
  // Until `settled`, the record is of no machine's settled state.
  owner = null;
  const pages = m.pages;
  // A page count that changed is recorded in full.
  if (only !== null && head[0] !== pages.length) only = null;
  recordHead(m, cpus);
  if (only === null) {
    if (pageRecs.length > pages.length) pageRecs.length = pages.length;
    for (let pi = 0; pi < pages.length; pi++) recordPage(pi, pages[pi]!);
  } else {
    const ids = only.ids;
    for (let j = 0; j < only.n; j++) {
      const pi = ids[j]!;
      recordPage(pi, pages[pi]!);
    }
  }
  if (only === null || tail) recordTail(m);
}

/** The features with checked lists, as bits in `FEATURES` order. */
const LISTED_FEATURES = FEATURES.reduce(
  (bits, f, i) => (f.checkedLists ? bits | (1 << i) : bits),
  0,
);

/** Whether a feature with checked lists is active on `m` (the tail then holds lists no step list covers). */
function checkedFeatures(m: Machine): boolean {
  return (activeFeatures(m, FEATURES) & LISTED_FEATURES) !== 0;
}

// The actors' holdings and the slots, recorded apart, one record each: a step changes only the
// holdings of the actor that took it (the ownership primitives act on `k.a`), and only the
// slots it wrote (slots.ts `slotToWrite` lists them).
let actorRecs: Float64Array[] = [];
const slotRecs: Float64Array[] = [];
let ownerStep = -1;

function encodeActor(rec: Float64Array | undefined, a: Actor): Float64Array {
  const need =
    4 + a.ownedChains.length + a.ownedObjects.length + a.ownedSlabs.length;
  const r = rec && rec.length >= need ? rec : new Float64Array(need + 8);
  r[0] = ref(a.ownsCpuSlab);
  let i = encodeList(r, 1, a.ownedChains);
  i = encodeList(r, i, a.ownedObjects);
  encodeList(r, i, a.ownedSlabs);
  return r;
}

function sameActor(r: Float64Array | undefined, a: Actor): boolean {
  if (r === undefined || r[0] !== ref(a.ownsCpuSlab)) return false;
  let i = sameList(r, 1, a.ownedChains);
  if (i >= 0) i = sameList(r, i, a.ownedObjects);
  if (i >= 0) i = sameList(r, i, a.ownedSlabs);
  return i >= 0;
}

function recordSlot(s: number, list: readonly number[]): void {
  const rec = slotRecs[s];
  const r =
    rec !== undefined && rec.length > list.length
      ? rec
      : (slotRecs[s] = new Float64Array(list.length * 2 + 8));
  encodeList(r, 0, list);
}

function sameSlot(s: number, list: readonly number[]): boolean {
  const r = slotRecs[s];
  return r !== undefined && sameList(r, 0, list) >= 0;
}

/**
 * Indices of the slots a step wrote (the first `n` of `listed`), in `slots` (the machine's slot
 * arrays): null when one is not among them (then every slot is compared). Scratch, valid until
 * the next call; empty arrays are kept per length, so that no step allocates one.
 */
const written: number[][] = [[]];
function writtenSlots(
  listed: readonly number[][],
  n: number,
  slots: readonly number[][],
): number[] | null {
  while (written.length <= n) written.push(new Array<number>(written.length));
  const out = written[n]!;
  for (let j = 0; j < n; j++) {
    const s = slots.indexOf(listed[j]!);
    if (s < 0) return null;
    out[j] = s;
  }
  return out;
}

/** Whether the slots are as recorded: all of them (`only` null) or only those in `only`. */
function sameSlots(slots: readonly number[][], only: number[] | null): boolean {
  if (only !== null) {
    for (let j = 0; j < only.length; j++)
      if (!sameSlot(only[j]!, slots[only[j]!]!)) return false;
    return true;
  }
  if (slotRecs.length !== slots.length) return false;
  for (let s = 0; s < slots.length; s++)
    if (!sameSlot(s, slots[s]!)) return false;
  return true;
}

/** Records the slots: all of them (`only` null) or only those in `only`. */
function recordSlots(slots: readonly number[][], only: number[] | null): void {
  if (only !== null) {
    for (let j = 0; j < only.length; j++)
      recordSlot(only[j]!, slots[only[j]!]!);
    return;
  }
  if (slotRecs.length > slots.length) slotRecs.length = slots.length;
  for (let s = 0; s < slots.length; s++) recordSlot(s, slots[s]!);
}

/** Writes a list, preceded by its length, into `r` (which has room); returns the next index. */
function encodeList(
  r: Float64Array,
  i: number,
  xs: readonly (number | null)[],
): number {
  const n = xs.length;
  r[i++] = n;
  for (let j = 0; j < n; j++) {
    const v = xs[j];
    r[i++] = v === null ? NULL : v === undefined ? UNDEFINED : v;
  }
  return i;
}

/**
 * True when the checked state of `m` is the one the checks last settled for `m`; otherwise
 * records the current state and returns false (the caller then runs the full checks and calls
 * `settled`). `a` took the step just made. After a step the checks did not see (a machine
 * stepped with the checks off, a copy), every page, every actor and every slot are compared.
 */
export function checkedStateUnchanged(m: Machine, a: Actor): boolean {
  const actors = m.actors;
  const slots = slotLists(m);
  const next =
    owner === m &&
    ownerFindings === m.activeFindings &&
    ownerFindingsLength === m.activeFindings.length &&
    actorRecs.length === actors.length &&
    ownerStep + 1 === m.step &&
    actors[a.id] === a;
  if (next) {
    // The step that follows the last one checked on this machine: only `a`, and the pages,
    // CPUs and slots the step reached (all of them when it did not keep the lists).
    const sp = stepPages;
    const listed = sp.m === m && sp.step + 1 === m.step;
    const only = listed && !sp.all ? sp : null;
    const cpus = listed && !sp.allCpus ? sp.cpus : ALL_CPUS;
    const slotsOnly = listed ? writtenSlots(sp.slots, sp.slotN, slots) : null;
    // The actor's holdings as recorded: unless the ownership primitives wrote them.
    const heldSame = listed && !sp.held;
    // The tail as recorded: the step reached no node, and no feature's lists are checked.
    const tailSame = listed && sp.nodes === 0 && !checkedFeatures(m);
    if (
      (heldSame || sameActor(actorRecs[a.id], a)) &&
      same(m, only, cpus, !tailSame) &&
      sameSlots(slots, slotsOnly)
    ) {
      ownerStep = m.step;
      return true;
    }
    changedPages.base = settleSerial;
    changedPages.only = only;
    changedPages.cpus = cpus;
    changedPages.slotsSame = sameSlots(slots, slotsOnly);
    changedPages.slots = slotsOnly;
    const slabPages =
      sameSlabHead(m, cpus) &&
      (heldSame || sameActorSlabs(actorRecs[a.id], a)) &&
      (tailSame || sameNodesTo(m) >= 0)
        ? slabPagesAsRecorded(m, only)
        : PLACE_DIFFERS;
    changedPages.slabsSame = slabPages === SLAB_SAME;
    changedPages.placesSame = slabPages !== PLACE_DIFFERS;
    record(m, only, cpus, !tailSame);
    if (!heldSame) actorRecs[a.id] = encodeActor(actorRecs[a.id], a);
    recordSlots(slots, slotsOnly);
    return false;
  }
  if (
    owner === m &&
    ownerFindings === m.activeFindings &&
    ownerFindingsLength === m.activeFindings.length &&
    actorRecs.length === actors.length &&
    same(m, null, ALL_CPUS, true)
  ) {
    let ok = sameSlots(slots, null);
    for (let i = 0; ok && i < actors.length; i++)
      ok = sameActor(actorRecs[i], actors[i]!);
    if (ok) {
      ownerStep = m.step;
      return true;
    }
  }
  changedPages.base = -1;
  changedPages.only = null;
  changedPages.cpus = ALL_CPUS;
  changedPages.slotsSame = false;
  changedPages.slots = null;
  changedPages.slabsSame = false;
  changedPages.placesSame = false;
  record(m, null, ALL_CPUS, true);
  if (actorRecs.length !== actors.length) actorRecs = [];
  for (let i = 0; i < actors.length; i++)
    actorRecs[i] = encodeActor(actorRecs[i], actors[i]!);
  recordSlots(slots, null);
  return false;
}

/** The checks have settled the findings of the state just recorded. */
export function settled(m: Machine): void {
  settleSerial++;
  owner = m;
  ownerStep = m.step;
  ownerFindings = m.activeFindings;
  ownerFindingsLength = m.activeFindings.length;
}

/** Forgets the recorded state (the next check is a full one). */
export function forgetCheckedState(): void {
  owner = null;
}

/**
 * `to` is an exact copy of `from`, made after its last step: when the record is of `from`'s
 * settled state, it becomes `to`'s (whose next step then takes the fast path) and stops being
 * `from`'s. True when it did. Everything recorded is content, but for whose state it is.
 */
export function adoptRecord(from: Machine, to: Machine): boolean {
  if (
    owner !== from ||
    ownerStep !== from.step ||
    ownerFindings !== from.activeFindings ||
    ownerFindingsLength !== from.activeFindings.length ||
    to.step !== from.step
  )
    return false;
  owner = to;
  ownerFindings = to.activeFindings;
  return true;
}

/**
 * What the after-step checks read (checks.ts), remembered as flat arrays of numbers, so that a
 * step that changed none of it skips the checks: they are a function of this state alone, and
 * their findings for it are already settled (reported when they appeared, still active).
 *
 * The state read: every page's use and, for a slab page, its freelist, counters, partial-chain
 * link and totals, node, memcg vector and free pointers; every CPU's freelist, cpu slab and
 * partial chain; every node's lock (held or not) and partial list; every actor's in-flight
 * holdings; the slots, kfree_nolock's deferred list and the features' checked lists (feature.ts:
 * the percpu arrays). Each variable-length
 * list is preceded by its length, so two different states never read as the same sequence.
 *
 * Most micro-steps (lock operations, irq and preempt toggles, reads, failed cmpxchgs, steps on
 * locals) change none of it. On the step right after the last one checked on the same machine,
 * three parts are compared only where the step could have written them (what writes them, in
 * the engine and the kernel tables as they are):
 * - the actors' holdings: only the actor that stepped (the ownership primitives act on `k.a`,
 *   and so do the kernel's own writes of `ownsCpuSlab` and `finishOp`);
 * - the slots: where an operation starts or ends (the caller takes or stores its pointers), or
 *   under kmalloc_nolock (a re-entering BPF program stores its object mid-operation);
 * - the free pointers: after a `setFreepointer` (it counts its writes), at an operation's edge
 *   (the caller's data over an object), or with a feature that writes them (the percpu array),
 *   kmalloc_nolock or memcg (they write USER_DATA directly); otherwise only the identity of
 *   each page's array (a page handed out anew gets a new one).
 * Any other step (a copy of a machine, one stepped with the checks off, the first step) compares
 * everything. A new writer of these parts outside those places must be added here; the
 * equivalence guard (src/bench/equivalence.test.ts) catches a missed one on the runs it covers.
 */
import { FEATURES as FEATURES_IMPORT } from "./features";
import { freePointerWrites as freePointerWritesImport } from "./prims";
import type { Actor, Machine } from "./types";

// Read once: under CommonJS (tsx, vitest, the CLI) every read of an imported binding is a getter
// call, which costs more than the read itself on this per-step path.
const freePointerWrites = freePointerWritesImport;
const FEATURES = FEATURES_IMPORT;

// Slot names are fixed once a machine is loaded: cache their arrays rather than walk keys each step.
const slotCache = new WeakMap<Machine["slots"], number[][]>();
let lastSlots: Machine["slots"] | null = null;
let lastLists: number[][] = [];
export function slotLists(m: Machine): number[][] {
  if (m.slots === lastSlots) return lastLists;
  let lists = slotCache.get(m.slots);
  if (!lists) {
    lists = Object.values(m.slots);
    slotCache.set(m.slots, lists);
  }
  lastSlots = m.slots;
  lastLists = lists;
  return lists;
}

const NULL = -0.5;
const UNDEFINED = -0.25;
const FREE = 0;
const SLAB = 1;
const PAGECACHE = 2;

let owner: Machine | null = null;
/** Each slab page's free-pointer array as recorded (a page that is handed out anew gets a new one). */
const fpRefs: unknown[] = [];
/** `freePointerWrites.n` at the last look. */
let lastFpWrites = -1;
let ownerFindings: string[] | null = null;
let ownerFindingsLength = -1;
let sh = new Float64Array(4096);

function ref(v: number | null | undefined): number {
  return v === null ? NULL : v === undefined ? UNDEFINED : v;
}

/** The record with room for `n` more numbers from `i`. */
function room(i: number, n: number): Float64Array {
  if (i + n > sh.length) {
    const bigger = new Float64Array(Math.max(sh.length * 2, i + n + 256));
    bigger.set(sh);
    sh = bigger;
  }
  return sh;
}

/** Records a list, preceded by its length, at `i`; returns the next index. */
function putList(i: number, xs: readonly (number | null)[]): number {
  const n = xs.length;
  const r = room(i, n + 1);
  r[i++] = n;
  for (let j = 0; j < n; j++) {
    const v = xs[j];
    r[i++] = v === null ? NULL : v === undefined ? UNDEFINED : v;
  }
  return i;
}

/**
 * Records the checked state of `m` as a sequence of numbers, in a fixed order. `same` below
 * reads the same sequence: the two must stay in step (the tests hold them to it).
 */
function record(m: Machine): void {
  const pages = m.pages;
  const from = diffPage;
  diffPage = -1;
  let r: Float64Array;
  let i = diffAt;
  // What comes before the first difference `same` found is recorded already.
  if (from < 0) {
    r = room(0, 2);
    r[0] = pages.length;
    r[1] = m.cache.objects;
    i = 2;
    // The CPUs first: they change most often, and a comparison stops at the first difference.
    const cs = m.cpuSlab;
    r = room(i, 2 + 3 * cs.length);
    r[i++] = cs.length;
    for (let c = 0; c < cs.length; c++) {
      const x = cs[c]!;
      r[i++] = ref(x.freelist);
      r[i++] = ref(x.page);
      r[i++] = ref(x.partial);
    }
  }
  for (let pi = from < 0 ? 0 : from; pi < pages.length; pi++) {
    const p = pages[pi]!;
    r = room(i, 9);
    if (p.use !== "slab") {
      // The checks name a page's use when a list still holds it.
      r[i++] = p.use === "free" ? FREE : PAGECACHE;
      continue;
    }
    r[i] = SLAB;
    r[i + 1] = ref(p.freelist);
    r[i + 2] = p.inuse;
    r[i + 3] = p.objects;
    // frozen, and v6.8's on-node-list flag (checks.ts holds it against the node lists).
    r[i + 4] = (p.frozen ? 1 : 0) + (p.nodePartial === true ? 2 : 0);
    r[i + 5] = ref(p.next);
    r[i + 6] = p.node;
    r[i + 7] = p.pages;
    r[i + 8] = ref(p.objcgs);
    fpRefs[pi] = p.fp;
    i = putList(i + 9, p.fp);
  }
  const nodes = m.nodes;
  r = room(i, 1);
  r[i++] = nodes.length;
  for (let ni = 0; ni < nodes.length; ni++) {
    const n = nodes[ni]!;
    r = room(i, 2);
    r[i++] = n.listLock === null ? 0 : 1;
    r[i++] = n.nrPartial;
    i = putList(i, n.partial);
  }
  const nl = m.nolock;
  if (nl) i = putList(i, nl.deferFreeObjects);
  else room(i, 1)[i++] = NULL;
  // The features' checked lists (feature.ts), e.g. the percpu arrays.
  for (let fi = 0; fi < FEATURES.length; fi++) {
    const f = FEATURES[fi]!;
    const lists = f.checkedLists;
    if (!lists) continue;
    if (!f.active(m)) {
      room(i, 1)[i++] = NULL;
      continue;
    }
    const n = lists.count(m);
    room(i, 1)[i++] = n;
    for (let c = 0; c < n; c++) i = putList(i, lists.list(m, c));
  }
}

/** Whether `xs` is recorded at `i`: the index after it, or -1. */
function sameList(
  r: Float64Array,
  i: number,
  xs: readonly (number | null)[],
): number {
  const n = xs.length;
  if (r[i++] !== n) return -1;
  for (let j = 0; j < n; j++) {
    const v = xs[j];
    if (r[i++] !== (v === null ? NULL : v === undefined ? UNDEFINED : v))
      return -1;
  }
  return i;
}

/**
 * Where `same` last found a difference: the first page that differs (the page count when the
 * pages all agree) and its index in the record; -1 when the difference comes before the pages
 * (or `same` did not run). The record up to there stands, so `record` resumes from it.
 */
let diffPage = -1;
let diffAt = 0;

/** Whether the state of `m` is the recorded one (the same sequence as `record`). */
function same(m: Machine, fpMayChange: boolean): boolean {
  const r = sh;
  let i = 0;
  diffPage = -1;
  const pages = m.pages;
  if (r[i++] !== pages.length || r[i++] !== m.cache.objects) return false;
  const cs = m.cpuSlab;
  if (r[i++] !== cs.length) return false;
  for (let c = 0; c < cs.length; c++) {
    const x = cs[c]!;
    if (
      r[i] !== ref(x.freelist) ||
      r[i + 1] !== ref(x.page) ||
      r[i + 2] !== ref(x.partial)
    )
      return false;
    i += 3;
  }
  for (let pi = 0; pi < pages.length; pi++) {
    const p = pages[pi]!;
    diffPage = pi;
    diffAt = i;
    if (p.use !== "slab") {
      if (r[i++] !== (p.use === "free" ? FREE : PAGECACHE)) return false;
      continue;
    }
    if (
      r[i] !== SLAB ||
      r[i + 1] !== ref(p.freelist) ||
      r[i + 2] !== p.inuse ||
      r[i + 3] !== p.objects ||
      r[i + 4] !== (p.frozen ? 1 : 0) + (p.nodePartial === true ? 2 : 0) ||
      r[i + 5] !== ref(p.next) ||
      r[i + 6] !== p.node ||
      r[i + 7] !== p.pages ||
      r[i + 8] !== ref(p.objcgs)
    )
      return false;
    if (fpMayChange) {
      i = sameList(r, i + 9, p.fp);
      if (i < 0) return false;
      // The same contents: a new array of them is the one to expect from now on.
      fpRefs[pi] = p.fp;
    } else if (p.fp !== fpRefs[pi]) return false;
    // The same array, and nothing wrote into one: skip its recorded contents.
    else i += 10 + r[i + 9]!;
  }
  diffPage = pages.length;
  diffAt = i;
  const nodes = m.nodes;
  if (r[i++] !== nodes.length) return false;
  for (let ni = 0; ni < nodes.length; ni++) {
    const n = nodes[ni]!;
    if (r[i] !== (n.listLock === null ? 0 : 1) || r[i + 1] !== n.nrPartial)
      return false;
    i = sameList(r, i + 2, n.partial);
    if (i < 0) return false;
  }
  const nl = m.nolock;
  if (nl) i = sameList(r, i, nl.deferFreeObjects);
  else if (r[i++] !== NULL) return false;
  if (i < 0) return false;
  for (let fi = 0; fi < FEATURES.length; fi++) {
    const f = FEATURES[fi]!;
    const lists = f.checkedLists;
    if (!lists) continue;
    if (!f.active(m)) {
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

// The actors' holdings and the slots, recorded apart: a step changes only the holdings of the
// actor that took it (the ownership primitives and the kernel's own writes act on `k.a`), and
// the slots only where an operation starts or ends (the caller takes or stores its pointers), or
// inside kmalloc_nolock's re-entry (a BPF program storing its object), which needs `m.nolock`.
let actorRecs: Float64Array[] = [];
let slotRec: Float64Array = new Float64Array(256);
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

function encodeSlots(
  rec: Float64Array,
  slots: readonly number[][],
): Float64Array {
  let need = 1 + slots.length;
  for (let s = 0; s < slots.length; s++) need += slots[s]!.length;
  const r = rec.length >= need ? rec : new Float64Array(need * 2);
  r[0] = slots.length;
  let i = 1;
  for (let s = 0; s < slots.length; s++) i = encodeList(r, i, slots[s]!);
  return r;
}

function sameSlots(r: Float64Array, slots: readonly number[][]): boolean {
  if (r[0] !== slots.length) return false;
  let i = 1;
  for (let s = 0; s < slots.length; s++) {
    i = sameList(r, i, slots[s]!);
    if (i < 0) return false;
  }
  return true;
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

/** Whether an active feature writes free pointers directly (feature.ts). */
function featuresWriteFreePointers(m: Machine): boolean {
  for (let fi = 0; fi < FEATURES.length; fi++) {
    const f = FEATURES[fi]!;
    if (f.writesFreePointers && f.active(m)) return true;
  }
  return false;
}

/**
 * True when the checked state of `m` is the one the checks last settled for `m`; otherwise
 * records the current state and returns false (the caller then runs the full checks and calls
 * `settled`). `a` took the step just made; `opBoundary`: an operation started or ended in it.
 * After a step the checks did not see (a machine stepped with the checks off, a copy), every
 * actor and the slots are compared.
 */
export function checkedStateUnchanged(
  m: Machine,
  a: Actor,
  opBoundary: boolean,
): boolean {
  const actors = m.actors;
  const slots = slotLists(m);
  diffPage = -1;
  const slotsMayChange = opBoundary || m.nolock !== undefined;
  // The step that follows the last one checked on this machine: only `a` and maybe the slots.
  const writes = freePointerWrites.n;
  // Free pointers change through setFreepointer, where an operation starts or ends (the caller's
  // data over an allocated object), and in the features that say so (the percpu array),
  // kmalloc_nolock and memcg paths.
  const fpMayChange =
    writes !== lastFpWrites ||
    opBoundary ||
    m.nolock !== undefined ||
    featuresWriteFreePointers(m) ||
    m.config.memcg;
  lastFpWrites = writes;
  const next =
    owner === m &&
    ownerFindings === m.activeFindings &&
    ownerFindingsLength === m.activeFindings.length &&
    actorRecs.length === actors.length &&
    ownerStep + 1 === m.step &&
    actors[a.id] === a;
  if (next) {
    if (
      sameActor(actorRecs[a.id], a) &&
      same(m, fpMayChange) &&
      (!slotsMayChange || sameSlots(slotRec, slots))
    ) {
      ownerStep = m.step;
      return true;
    }
    record(m);
    actorRecs[a.id] = encodeActor(actorRecs[a.id], a);
    if (slotsMayChange) slotRec = encodeSlots(slotRec, slots);
    return false;
  }
  if (
    owner === m &&
    ownerFindings === m.activeFindings &&
    ownerFindingsLength === m.activeFindings.length &&
    actorRecs.length === actors.length &&
    same(m, true)
  ) {
    let ok = sameSlots(slotRec, slots);
    for (let i = 0; ok && i < actors.length; i++)
      ok = sameActor(actorRecs[i], actors[i]!);
    if (ok) {
      ownerStep = m.step;
      return true;
    }
  }
  record(m);
  if (actorRecs.length !== actors.length) actorRecs = [];
  for (let i = 0; i < actors.length; i++)
    actorRecs[i] = encodeActor(actorRecs[i], actors[i]!);
  slotRec = encodeSlots(slotRec, slots);
  return false;
}

/** The checks have settled the findings of the state just recorded. */
export function settled(m: Machine): void {
  owner = m;
  ownerStep = m.step;
  ownerFindings = m.activeFindings;
  ownerFindingsLength = m.activeFindings.length;
}

/** Forgets the recorded state (the next check is a full one). */
export function forgetCheckedState(): void {
  owner = null;
}

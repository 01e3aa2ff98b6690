/**
 * Copying and fingerprinting a machine state for the search (search.ts).
 *
 * A machine is plain JSON data (types.ts), so a structural copy that skips `undefined` fields is
 * the same as the engine's JSON round trip (`cloneMachine`), only several times faster.
 *
 * The fingerprint is a 53-bit hash of everything that decides what the machine can do next. It
 * leaves out what is history or display only and never read by a kernel step or a check
 * (and the kernel config, which never changes):
 * the step counter, the SLUB_STATS counters, the findings list (the search stops a schedule at
 * its first finding that counts, and which state-based findings are already reported is in
 * `activeFindings`, which is kept) and the actors' notes.
 */
import type {
  Actor,
  Cpu,
  CpuSlab,
  Frame,
  GlobalLocks,
  KmemCacheNode,
  Lockdep,
  Machine,
  Page,
} from "../engine";

/** A deep copy of plain JSON data (objects, arrays, strings, numbers, booleans, null). */
export function copyState<T>(v: T): T {
  return copy(v) as T;
}

function copy(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      out[i] = x === null || typeof x !== "object" ? x : copy(x);
    }
    return out;
  }
  // A spread copies an object's own fields in one go, faster than adding them one by one (and
  // the copy keeps the original's shape); the values that are objects are then copied in turn.
  // An undefined field (which the JSON round trip drops) takes the field-by-field way.
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const k in out) {
    const x = out[k];
    if (x === null || typeof x !== "object") {
      if (x === undefined) return copyFields(v as Record<string, unknown>);
      continue;
    }
    out[k] = copy(x);
  }
  return out;
}

/** An object's copy, field by field, leaving out undefined fields. */
function copyFields(src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in src) {
    const x = src[k];
    if (x === undefined) continue;
    out[k] = x === null || typeof x !== "object" ? x : copy(x);
  }
  return out;
}

/**
 * Every field of a page, an actor and a CPU, in the order the engine creates them (optional ones
 * last). The machine's copy and fingerprint below handle these objects field by field, which is
 * several times faster than walking their keys; the tests (state.test.ts) hold every state the
 * library reaches to these lists, so a new field must be added here.
 */
export const PAGE_FIELDS = [
  "id",
  "use",
  "gen",
  "node",
  "pfmemalloc",
  "freelist",
  "inuse",
  "objects",
  "frozen",
  "next",
  "pages",
  "pobjects",
  "fp",
  "objcgs",
  "nodePartial",
  "pgLocked",
  "slabLockOwner",
] as const satisfies readonly (keyof Page)[];
export const ACTOR_FIELDS = [
  "id",
  "name",
  "kind",
  "cpu",
  "pinned",
  "system",
  "ops",
  "op",
  "frames",
  "preemptCount",
  "migrateDisable",
  "wait",
  "held",
  "ownedChains",
  "ownedObjects",
  "ownedSlabs",
  "ownsCpuSlab",
  "status",
  "note",
  "unboundFrom",
] as const satisfies readonly (keyof Actor)[];
export const CPU_FIELDS = [
  "id",
  "node",
  "online",
  "irqsOff",
  "current",
  "irq",
  "nmi",
] as const satisfies readonly (keyof Cpu)[];

/**
 * The same for the fingerprint's other per-state objects it hashes field by field: a CPU's
 * kmem_cache_cpu, a node and the global locks (held to these lists by the same tests).
 */
export const CPUSLAB_FIELDS = [
  "freelist",
  "tid",
  "page",
  "partial",
  "lock",
] as const satisfies readonly (keyof CpuSlab)[];
export const NODE_FIELDS = [
  "id",
  "listLock",
  "partial",
  "nrPartial",
] as const satisfies readonly (keyof KmemCacheNode)[];
export const LOCKS_FIELDS = [
  "slabMutex",
  "flushLock",
  "cpuHotplugWriter",
  "cpuHotplugReaders",
  "pcpBatchHighLock",
  "memoryChainWriter",
  "memoryChainReaders",
] as const satisfies readonly (keyof GlobalLocks)[];

function copyPage(p: Page): Page {
  const out: Page = {
    id: p.id,
    use: p.use,
    gen: p.gen,
    node: p.node,
    pfmemalloc: p.pfmemalloc,
    freelist: p.freelist,
    inuse: p.inuse,
    objects: p.objects,
    frozen: p.frozen,
    next: p.next,
    pages: p.pages,
    pobjects: p.pobjects,
    fp: p.fp.slice(),
    objcgs: p.objcgs,
  };
  if (p.nodePartial !== undefined) out.nodePartial = p.nodePartial;
  if (p.pgLocked !== undefined) out.pgLocked = p.pgLocked;
  if (p.slabLockOwner !== undefined) out.slabLockOwner = p.slabLockOwner;
  return out;
}

function copyFrames(fs: readonly Frame[]): Frame[] {
  const n = fs.length;
  const out = new Array<Frame>(n);
  for (let i = 0; i < n; i++) {
    const f = fs[i]!;
    out[i] = { fn: f.fn, pc: f.pc, L: copyFields(f.L) as Frame["L"] };
  }
  return out;
}

function copyActor(a: Actor): Actor {
  const out: Actor = {
    id: a.id,
    name: a.name,
    kind: a.kind,
    cpu: a.cpu,
    pinned: a.pinned,
    system: a.system,
    // The operations are never changed once queued (a kworker's list only grows): share them.
    ops: a.ops.slice(),
    op: a.op,
    frames: a.frames.length === 0 ? [] : copyFrames(a.frames),
    preemptCount: a.preemptCount,
    migrateDisable: a.migrateDisable,
    wait: a.wait === null ? null : (copy(a.wait) as Actor["wait"]),
    held: a.held.length === 0 ? [] : (copy(a.held) as Actor["held"]),
    ownedChains: a.ownedChains.slice(),
    ownedObjects: a.ownedObjects.slice(),
    ownedSlabs: a.ownedSlabs.slice(),
    ownsCpuSlab: a.ownsCpuSlab,
    status: a.status,
    note: a.note,
  };
  if (a.unboundFrom !== undefined) out.unboundFrom = a.unboundFrom;
  return out;
}

function copyCpu(c: Cpu): Cpu {
  return {
    id: c.id,
    node: c.node,
    online: c.online,
    irqsOff: c.irqsOff,
    current: c.current,
    irq: c.irq,
    nmi: c.nmi,
  };
}

/**
 * A copy of a machine for the search: the same as `copyState` (and so as the JSON round trip),
 * except that what the engine never changes in place is shared rather than copied: the kernel
 * config, the cache's record (types.ts `KmemCache`), the findings reported so far (the list is
 * copied, the findings are not) and the actors' operations (each list is copied, the operations
 * are not).
 */
export function copyMachine(m: Machine): Machine {
  const out: Record<string, unknown> = {};
  const src = m as unknown as Record<string, unknown>;
  for (const k in src) {
    const x = src[k];
    if (x === undefined) continue;
    switch (k) {
      case "config":
      case "cache":
        out[k] = x;
        break;
      case "findings":
        out[k] = (x as unknown[]).slice();
        break;
      case "pages": {
        const ps = x as Page[];
        const n = ps.length;
        const o = new Array<Page>(n);
        for (let i = 0; i < n; i++) o[i] = copyPage(ps[i]!);
        out[k] = o;
        break;
      }
      case "actors": {
        const as = x as Actor[];
        const n = as.length;
        const o = new Array<Actor>(n);
        for (let i = 0; i < n; i++) o[i] = copyActor(as[i]!);
        out[k] = o;
        break;
      }
      case "cpus": {
        const cs = x as Cpu[];
        const n = cs.length;
        const o = new Array<Cpu>(n);
        for (let i = 0; i < n; i++) o[i] = copyCpu(cs[i]!);
        out[k] = o;
        break;
      }
      case "cpuSlab": {
        const cs = x as CpuSlab[];
        const n = cs.length;
        const o = new Array<CpuSlab>(n);
        for (let i = 0; i < n; i++) {
          const c = cs[i]!;
          o[i] = {
            freelist: c.freelist,
            tid: c.tid,
            page: c.page,
            partial: c.partial,
            lock: c.lock,
          };
        }
        out[k] = o;
        break;
      }
      case "nodes": {
        const ns = x as KmemCacheNode[];
        const n = ns.length;
        const o = new Array<KmemCacheNode>(n);
        for (let i = 0; i < n; i++) {
          const c = ns[i]!;
          o[i] = {
            id: c.id,
            listLock: c.listLock,
            partial: c.partial.slice(),
            nrPartial: c.nrPartial,
          };
        }
        out[k] = o;
        break;
      }
      case "locks": {
        const l = x as GlobalLocks;
        out[k] = {
          slabMutex: l.slabMutex,
          flushLock: l.flushLock,
          cpuHotplugWriter: l.cpuHotplugWriter,
          cpuHotplugReaders: l.cpuHotplugReaders.slice(),
          pcpBatchHighLock: l.pcpBatchHighLock,
          memoryChainWriter: l.memoryChainWriter,
          memoryChainReaders: l.memoryChainReaders.slice(),
        } satisfies GlobalLocks;
        break;
      }
      // Lists of numbers or strings, and records of them: a slice or a spread is their copy.
      case "freePages":
      case "activeFindings":
        out[k] = (x as unknown[]).slice();
        break;
      case "stats": {
        const ss = x as Record<string, number>[];
        const n = ss.length;
        const o = new Array<Record<string, number>>(n);
        for (let i = 0; i < n; i++) o[i] = { ...ss[i]! };
        out[k] = o;
        break;
      }
      case "slots":
      case "pageSlots": {
        const r: Record<string, number[]> = {
          ...(x as Record<string, number[]>),
        };
        for (const name in r) r[name] = r[name]!.slice();
        out[k] = r;
        break;
      }
      default:
        out[k] = x === null || typeof x !== "object" ? x : copy(x);
    }
  }
  return out as unknown as Machine;
}

let h1 = 0;
let h2 = 0;

function mix(x: number): void {
  h1 = Math.imul(h1 ^ x, 0x01000193);
  h2 = Math.imul(h2 ^ x, 0x5bd1e995);
  h2 ^= h2 >>> 15;
}

/** Two independent 32-bit hashes of a string's characters, into `pair`. */
function hashChars(s: string, pair: Int32Array, at: number): void {
  let x = 0x2f1b3c5d ^ s.length;
  let y = 0x6b43a9b5 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    x = Math.imul(x ^ c, 0x01000193);
    y = Math.imul(y ^ c, 0x5bd1e995);
    y ^= y >>> 15;
  }
  pair[at] = x;
  pair[at + 1] = y;
}

/**
 * Each short string's two 32-bit hashes, computed once (the same few names come back in every
 * state: a page's use, an actor's status, function names in the frames, operation kinds, slot
 * names, lock classes, and the keys of the objects walked), kept side by side in one array so
 * that a string costs one map lookup. Two words per string keep the fingerprint's 2^-53
 * collision bound.
 */
const stringIndex = new Map<string, number>();
let stringPairs = new Int32Array(2 * 256);
const scratch = new Int32Array(2);
const MAX_STRINGS = 4096;

function mixValueString(s: string): void {
  const at = stringIndex.get(s);
  mix(0x5f3759df);
  if (at !== undefined) {
    mix(stringPairs[at]!);
    mix(stringPairs[at + 1]!);
    return;
  }
  // Long or open-ended strings: keep the table small.
  if (stringIndex.size >= MAX_STRINGS || s.length > 64) {
    hashChars(s, scratch, 0);
    mix(scratch[0]!);
    mix(scratch[1]!);
    return;
  }
  const i = 2 * stringIndex.size;
  if (i + 2 > stringPairs.length) {
    const bigger = new Int32Array(stringPairs.length * 2);
    bigger.set(stringPairs);
    stringPairs = bigger;
  }
  hashChars(s, stringPairs, i);
  stringIndex.set(s, i);
  mix(stringPairs[i]!);
  mix(stringPairs[i + 1]!);
}

/**
 * A key's hash. Keys are short identifiers (field and local-variable names), so hashing their
 * characters costs less than looking the hash up in a map.
 */
function keyHash(k: string): number {
  let x = 0x1505;
  for (let i = 0; i < k.length; i++) x = Math.imul(x ^ k.charCodeAt(i), 33);
  return (x ^ k.length) | 0;
}

function walk(v: unknown): void {
  if (v === null) return mix(1);
  switch (typeof v) {
    case "number":
      if ((v | 0) === v) return mix(v ^ 0x2c1b3c6d);
      // Not a small integer: both halves of the float.
      mix(0x3f1);
      mix(Math.floor(v / 4294967296) | 0);
      return mix(v >>> 0);
    case "boolean":
      return mix(v ? 3 : 5);
    case "string":
      return mixValueString(v);
    case "undefined":
      return mix(7);
    case "object":
      break;
    default:
      return mix(11);
  }
  if (Array.isArray(v)) return walkArray(v);
  mix(0x61);
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (x === undefined) continue;
    mix(keyHash(k));
    // Most values are small integers, null or booleans: no call for them.
    if (x === null) mix(1);
    else if (typeof x === "number" && (x | 0) === x) mix(x ^ 0x2c1b3c6d);
    else if (typeof x === "boolean") mix(x ? 3 : 5);
    else walk(x);
  }
  mix(0x63);
}

function walkArray(v: readonly unknown[]): void {
  const n = v.length;
  mix(0x51 ^ n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x === null) mix(1);
    else if (typeof x === "number" && (x | 0) === x) mix(x ^ 0x2c1b3c6d);
    else walk(x);
  }
  mix(0x53);
}

/**
 * A field, as the generic walk hashes it. Most fields are small integers: that case is kept
 * small enough to be inlined at every call site, the others are in `otherField`.
 */
function field(x: unknown): void {
  if (typeof x === "number" && (x | 0) === x) mix(x ^ 0x2c1b3c6d);
  else otherField(x);
}

function otherField(x: unknown): void {
  if (x === null) mix(1);
  else if (typeof x === "boolean") mix(x ? 3 : 5);
  else walk(x);
}

/** An array of small integers (free pointers, owned objects), or anything else. */
function ints(xs: readonly unknown[]): void {
  mix(0x51 ^ xs.length);
  for (let i = 0; i < xs.length; i++) field(xs[i]);
  mix(0x53);
}

/**
 * Each queued operation's hash, computed once: an operation is never changed once queued (the
 * copy shares them, see copyActor), and the same few come back in every state. Its two words
 * are those of the generic walk of it, hashed on their own.
 */
const opHashes = new WeakMap<object, Int32Array>();

/**
 * The generic walk's two words for `v` on its own (lanes from fixed seeds), into `pair`; the
 * lanes of the hash being computed are left as they were.
 */
function walkApart(v: unknown, pair: Int32Array): void {
  const s1 = h1;
  const s2 = h2;
  h1 = 0x3c6ef372;
  h2 = 0x1b873593;
  walk(v);
  pair[0] = h1;
  pair[1] = h2;
  h1 = s1;
  h2 = s2;
}

function mixOp(op: unknown): void {
  if (op === null || typeof op !== "object") return walk(op);
  let pair = opHashes.get(op);
  if (pair === undefined) {
    pair = new Int32Array(2);
    walkApart(op, pair);
    opHashes.set(op, pair);
  }
  mix(0x75);
  mix(pair[0]!);
  mix(pair[1]!);
}

/**
 * The cache's record, as the generic walk hashes it, on its own: its two words are kept for the
 * last record hashed (when `keep`). The record is never changed in place (a change replaces it)
 * and the search's copies share it, so the same record comes back at nearly every lookup.
 * `fingerprint` hashes it afresh every time, so that the tests' comparison of the two
 * (`checkSearchFingerprints`) would catch a write in place.
 */
let cacheHashOf: object | null = null;
const cacheHash = new Int32Array(2);

function mixCache(c: object, keep: boolean): void {
  if (c !== cacheHashOf || !keep) {
    walkApart(c, cacheHash);
    cacheHashOf = c;
  }
  mix(0x7d);
  mix(cacheHash[0]!);
  mix(cacheHash[1]!);
}

/** A page, field by field (PAGE_FIELDS; an optional field is tagged when present). */
function hashPage(p: Page): void {
  mix(0x65);
  field(p.id);
  mixValueString(p.use);
  field(p.gen);
  field(p.node);
  field(p.pfmemalloc);
  field(p.freelist);
  field(p.inuse);
  field(p.objects);
  field(p.frozen);
  field(p.next);
  field(p.pages);
  field(p.pobjects);
  ints(p.fp);
  field(p.objcgs);
  if (p.nodePartial !== undefined) {
    mix(0x67);
    field(p.nodePartial);
  }
  // The slab_lock() bit and its owner (v6.8 without cmpxchg_double).
  if (p.pgLocked !== undefined) {
    mix(0x6b);
    field(p.pgLocked);
  }
  if (p.slabLockOwner !== undefined) {
    mix(0x6d);
    field(p.slabLockOwner);
  }
  mix(0x63);
}

/** An actor, field by field, leaving out what is display only or never changes (note, name, kind, system). */
function hashActor(a: Actor): void {
  mix(0x69);
  field(a.id);
  field(a.cpu);
  field(a.pinned);
  const ops = a.ops;
  mix(0x51 ^ ops.length);
  for (let i = 0; i < ops.length; i++) mixOp(ops[i]);
  mix(0x53);
  field(a.op);
  const fs = a.frames;
  mix(0x51 ^ fs.length);
  for (let i = 0; i < fs.length; i++) {
    const f = fs[i]!;
    mixValueString(f.fn);
    field(f.pc);
    walk(f.L);
  }
  field(a.preemptCount);
  field(a.migrateDisable);
  field(a.wait);
  walkArray(a.held);
  ints(a.ownedChains);
  ints(a.ownedObjects);
  ints(a.ownedSlabs);
  field(a.ownsCpuSlab);
  mixValueString(a.status);
  if (a.unboundFrom !== undefined) {
    mix(0x6b);
    field(a.unboundFrom);
  }
  mix(0x63);
}

function hashCpuSlabs(cs: readonly CpuSlab[]): void {
  mix(0x51 ^ cs.length);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    mix(0x77);
    field(c.freelist);
    field(c.tid);
    field(c.page);
    field(c.partial);
    field(c.lock);
  }
  mix(0x53);
}

function hashNodes(ns: readonly KmemCacheNode[]): void {
  mix(0x51 ^ ns.length);
  for (let i = 0; i < ns.length; i++) {
    const n = ns[i]!;
    mix(0x79);
    field(n.id);
    field(n.listLock);
    ints(n.partial);
    field(n.nrPartial);
  }
  mix(0x53);
}

function hashLocks(l: GlobalLocks): void {
  mix(0x7b);
  field(l.slabMutex);
  field(l.flushLock);
  field(l.cpuHotplugWriter);
  ints(l.cpuHotplugReaders);
  field(l.pcpBatchHighLock);
  field(l.memoryChainWriter);
  ints(l.memoryChainReaders);
  mix(0x63);
}

function hashCpu(c: Cpu): void {
  mix(0x6d);
  field(c.id);
  field(c.node);
  field(c.online);
  field(c.irqsOff);
  field(c.current);
  field(c.irq);
  field(c.nmi);
  mix(0x63);
}

// --- Hashes of the pages and actors, kept from fingerprint to fingerprint -------------------
//
// The search fingerprints the machine it is stepping at every branch point, and between two of
// them a few steps change a few pages and actors. So each page and each actor is hashed on its
// own (its two 32-bit hashes, from fixed seeds) and the fingerprint mixes those in order; the
// search keeps them for the machine it steps (`fingerprintCached`) and says after each step what
// the step may have written (`fingerprintStepped`): the pages it reached (the engine lists them,
// prims.ts `stepPages`, as the after-step checks use them) and the actor that stepped, or every
// actor after a step that wrote other actors (queued work, hotplug, a crash: the engine bumps
// `schedWrites.n` for those). Everything else (CPUs, kmem_cache_cpu, nodes, locks, slots...) is
// small and hashed every time. `fingerprint` hashes everything and keeps nothing; both give the
// same number (tests run the search with `checkFingerprints` on, comparing them at every lookup).

const PAGE_SEED1 = 0x2545f491;
const PAGE_SEED2 = 0x4f6cdd1d;
const ACTOR_SEED1 = 0x1b873593;
const ACTOR_SEED2 = 0x68e31da4;

/** The machine the kept hashes describe (null: none), and the hashes with whether each is valid. */
let cacheOf: Machine | null = null;
let pageHash = new Int32Array(0);
let pageOk = new Uint8Array(0);
let actorHash = new Int32Array(0);
let actorOk = new Uint8Array(0);

function cacheFor(m: Machine): void {
  const np = m.pages.length;
  const na = m.actors.length;
  if (cacheOf === m && pageOk.length === np && actorOk.length === na) return;
  cacheOf = m;
  if (pageOk.length !== np) {
    pageHash = new Int32Array(2 * np);
    pageOk = new Uint8Array(np);
  } else pageOk.fill(0);
  if (actorOk.length !== na) {
    actorHash = new Int32Array(2 * na);
    actorOk = new Uint8Array(na);
  } else actorOk.fill(0);
}

/**
 * After a step of `m` by actor `actor`: the pages it reached and the actor (every actor when
 * `othersWritten`) are hashed again at the next fingerprint. `reached` is the engine's list of
 * the step's pages, or null when it kept none (then every page is).
 */
export function fingerprintStepped(
  m: Machine,
  actor: number,
  othersWritten: boolean,
  reached: { readonly n: number; readonly ids: Int32Array } | null,
): void {
  if (m !== cacheOf) return;
  if (othersWritten) actorOk.fill(0);
  else actorOk[actor] = 0;
  if (reached === null) pageOk.fill(0);
  else {
    const ids = reached.ids;
    for (let j = 0; j < reached.n; j++) pageOk[ids[j]!] = 0;
  }
}

/** The kept hashes as they are now (for an exact copy of `m` made now), or null. */
export interface FingerprintSnapshot {
  pageHash: Int32Array;
  pageOk: Uint8Array;
  actorHash: Int32Array;
  actorOk: Uint8Array;
}
export function fingerprintSnapshot(m: Machine): FingerprintSnapshot | null {
  if (m !== cacheOf) return null;
  return {
    pageHash: pageHash.slice(),
    pageOk: pageOk.slice(),
    actorHash: actorHash.slice(),
    actorOk: actorOk.slice(),
  };
}

/** `m` is an exact copy of the machine `snap` was taken of, as it was then: its hashes are those. */
export function fingerprintRestore(
  snap: FingerprintSnapshot | null,
  m: Machine,
): void {
  if (
    snap === null ||
    snap.pageOk.length !== m.pages.length ||
    snap.actorOk.length !== m.actors.length
  ) {
    if (cacheOf === m) cacheOf = null;
    return;
  }
  cacheFor(m);
  pageHash.set(snap.pageHash);
  pageOk.set(snap.pageOk);
  actorHash.set(snap.actorHash);
  actorOk.set(snap.actorOk);
}

/** Forgets the kept hashes (the machine was changed some other way). */
export function fingerprintForget(): void {
  cacheOf = null;
}

/**
 * Mixes part `i`'s two hashes (a page or an actor: `hash` hashes one, from `seed1` and `seed2`),
 * from the kept ones in `kept` and `ok` when `keep` and valid; a fresh hash is kept there.
 */
function mixPart<T>(
  x: T,
  i: number,
  keep: boolean,
  kept: Int32Array,
  ok: Uint8Array,
  seed1: number,
  seed2: number,
  hash: (x: T) => void,
): void {
  let a: number;
  let b: number;
  if (keep && ok[i] === 1) {
    a = kept[2 * i]!;
    b = kept[2 * i + 1]!;
  } else {
    const s1 = h1;
    const s2 = h2;
    h1 = seed1;
    h2 = seed2;
    hash(x);
    a = h1;
    b = h2;
    h1 = s1;
    h2 = s2;
    if (keep) {
      kept[2 * i] = a;
      kept[2 * i + 1] = b;
      ok[i] = 1;
    }
  }
  mix(a);
  mix(b);
}

/**
 * The state's fingerprint (`salt` is mixed in first: the search adds who took the last step): a
 * whole number below 2^53. Equal states (built the same way) give equal fingerprints; different
 * states collide with a probability of about 2^-53 per pair. Left out: the top-level fields that
 * are history or display only (step, stats, findings) and the config, which never changes.
 */
export function fingerprint(m: Machine, salt = 0): number {
  return computeFingerprint(m, salt, false);
}

/**
 * `fingerprint`, with the pages' and actors' hashes kept for `m` from the last call on it: the
 * search's, which tells after each step what it may have written (`fingerprintStepped`).
 */
export function fingerprintCached(m: Machine, salt = 0): number {
  cacheFor(m);
  return computeFingerprint(m, salt, true);
}

/** The hashes of the machine's own keys, computed once. */
const KEY = {
  actors: keyHash("actors"),
  pages: keyHash("pages"),
  cpus: keyHash("cpus"),
  cpuSlab: keyHash("cpuSlab"),
  nodes: keyHash("nodes"),
  locks: keyHash("locks"),
  cache: keyHash("cache"),
  freePages: keyHash("freePages"),
  slots: keyHash("slots"),
  pageSlots: keyHash("pageSlots"),
  lockdep: keyHash("lockdep"),
  activeFindings: keyHash("activeFindings"),
};

/** A list of strings (lock classes, finding keys). */
function strings(xs: readonly string[]): void {
  mix(0x55 ^ xs.length);
  for (let i = 0; i < xs.length; i++) mixValueString(xs[i]!);
  mix(0x57);
}

/** Named slots: each name and its objects (or pages). */
function hashSlots(r: Readonly<Record<string, readonly number[]>>): void {
  mix(0x61);
  for (const name in r) {
    const xs = r[name];
    if (xs === undefined) continue;
    mix(keyHash(name));
    ints(xs);
  }
  mix(0x63);
}

function hashLockdep(l: Lockdep): void {
  mix(0x81);
  const es = l.edges;
  mix(0x51 ^ es.length);
  for (let i = 0; i < es.length; i++) {
    const e = es[i]!;
    mixValueString(e[0]);
    mixValueString(e[1]);
  }
  strings(l.inHardirq);
  strings(l.hardirqOn);
}

function computeFingerprint(m: Machine, salt: number, keep: boolean): number {
  h1 = 0x811c9dc5;
  h2 = 0x9747b28c;
  mix(0x71 ^ salt);
  const o = m as unknown as Record<string, unknown>;
  for (const k in o) {
    switch (k) {
      case "step":
      case "stats":
      case "findings":
      case "config":
        continue;
      case "actors": {
        mix(KEY.actors);
        const as = m.actors;
        for (let i = 0; i < as.length; i++)
          mixPart(
            as[i]!,
            i,
            keep,
            actorHash,
            actorOk,
            ACTOR_SEED1,
            ACTOR_SEED2,
            hashActor,
          );
        continue;
      }
      case "pages": {
        mix(KEY.pages);
        const ps = m.pages;
        mix(0x51 ^ ps.length);
        for (let i = 0; i < ps.length; i++)
          mixPart(
            ps[i]!,
            i,
            keep,
            pageHash,
            pageOk,
            PAGE_SEED1,
            PAGE_SEED2,
            hashPage,
          );
        continue;
      }
      case "cpus": {
        mix(KEY.cpus);
        const cs = m.cpus;
        mix(0x51 ^ cs.length);
        for (let i = 0; i < cs.length; i++) hashCpu(cs[i]!);
        continue;
      }
      case "cpuSlab":
        mix(KEY.cpuSlab);
        hashCpuSlabs(m.cpuSlab);
        continue;
      case "nodes":
        mix(KEY.nodes);
        hashNodes(m.nodes);
        continue;
      case "locks":
        mix(KEY.locks);
        hashLocks(m.locks);
        continue;
      case "cache":
        mix(KEY.cache);
        mixCache(m.cache, keep);
        continue;
      case "freePages":
        mix(KEY.freePages);
        ints(m.freePages);
        continue;
      case "slots":
        mix(KEY.slots);
        hashSlots(m.slots);
        continue;
      case "pageSlots":
        mix(KEY.pageSlots);
        hashSlots(m.pageSlots);
        continue;
      case "lockdep":
        mix(KEY.lockdep);
        hashLockdep(m.lockdep);
        continue;
      case "activeFindings":
        mix(KEY.activeFindings);
        strings(m.activeFindings);
        continue;
    }
    const x = o[k];
    if (x === undefined) continue;
    mix(keyHash(k));
    walk(x);
  }
  // A final mix of each lane, so that the last words reach every bit.
  let a = h1;
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  let b = h2;
  b ^= b >>> 16;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 13;
  return (a >>> 0) * 2097152 + (b >>> 11);
}

/**
 * Primitives the kernel step programs are written in: memory access with use-after-free
 * detection, free pointers, SLUB_STATS, irq / preempt / migrate state, and the locks with their
 * !RT and PREEMPT_RT semantics (include/linux/local_lock.h, spinlock_rt.c, percpu-rwsem),
 * plus the lockdep checks made at acquire time (kernel/locking/lockdep.c, much simplified:
 * one class per lock kind; a new dependency only on the lock taken last, like lockdep's `prev`;
 * one report per cycle; hardirq usage only; rwsem readers may recurse), and the alignment rule
 * of this_cpu_cmpxchg_double on kmem_cache_cpu (x86_64 cmpxchg16b, see layout.ts). They also
 * record each step's cost (StepCost: cmpxchg_double, list_lock, failed trylocks, slabs touched)
 * for the era comparison (cost.ts); the cost never feeds back into a step.
 *
 * Each primitive is part of exactly one micro-step; none of them steps on its own.
 */
import { cpuSlabPairAligned, kmemCacheCpuLayout } from "./layout";
import { hardKind } from "./actorKinds";
import { LOCK_KINDS, lockKind } from "./locks";
import {
  touchActor as touchActorImport,
  touchCpu as touchCpuImport,
  touchLockWaiters as touchLockWaitersImport,
} from "./schedWrites";
import type { K } from "./program";
import { sysfsName, type StatItem } from "./stats";
import type {
  Actor,
  Cpu,
  CpuSlab,
  Finding,
  FindingCode,
  FindingForm,
  KmemCacheNode,
  StepCost,
  StepOutcome,
  LockClass,
  LockRef,
  Machine,
  ObjRef,
  Page,
  Word,
} from "./types";
import { LRU_GARBAGE, USER_DATA } from "./types";

// Read once (a getter call per use under CommonJS otherwise): written on every micro-step.
const touchCpu = touchCpuImport;
const touchActor = touchActorImport;
const touchLockWaiters = touchLockWaitersImport;

// ---------------------------------------------------------------------------------------------
// Addresses

export function pageOf(m: Machine, obj: ObjRef): number {
  return Math.floor(obj / m.cache.objects);
}
export function indexOf(m: Machine, obj: ObjRef): number {
  return obj % m.cache.objects;
}
export function objAt(m: Machine, page: number, index: number): ObjRef {
  return page * m.cache.objects + index;
}
export function fmtObj(m: Machine, obj: ObjRef | null): string {
  if (obj === null) return "NULL";
  if (obj === USER_DATA) return "<user data>";
  return `P${pageOf(m, obj)}#${indexOf(m, obj)}`;
}
export function fmtPage(page: number | null): string {
  return page === null ? "NULL" : `P${page}`;
}

/** The shared empty list a step event starts with (frozen, so a stray push fails loudly). */
export const NOTHING = Object.freeze([]) as unknown as never[];

// ---------------------------------------------------------------------------------------------
// Findings

export function actorName(m: Machine, id: number | null): string | null {
  return id === null ? null : (m.actors[id]?.name ?? null);
}

/**
 * The message of a double free, as the kernel would give it: KASAN reports it; without KASAN (and
 * without slub_debug, not modelled) the free silently links the object into a freelist again.
 */
export function doubleFreeMessage(
  k: K,
  fnName: string,
  obj: ObjRef,
): FindingText {
  return k.m.config.kasan
    ? kernelLog(
        `BUG: KASAN: double-free or invalid-free in ${fnName}: object ${fmtObj(k.m, obj)}`,
      )
    : modelOnly(
        `slabscope: ${fnName} frees object ${fmtObj(k.m, obj)}, which is already free (no kernel report without KASAN: the object goes on a freelist a second time)`,
      );
}

/** A finding's message with its form (see FindingForm); a plain string is a "detail". */
export type FindingText = string | { text: string; form: FindingForm };

/** The kernel's own report line, as it would log it. */
export function kernelLog(text: string): FindingText {
  return { text, form: "log" };
}

/** The model's own report of something the kernel would not log. */
export function modelOnly(text: string): FindingText {
  return { text, form: "model" };
}

/** Reports a finding at the current step, once per key while it stays present. */
export function report(
  k: K,
  code: FindingCode,
  text: FindingText,
  slabs: number[] = [],
  objects: ObjRef[] = [],
  key: string | null = null,
): void {
  const m = k.m;
  const message = typeof text === "string" ? text : text.text;
  const form = typeof text === "string" ? "detail" : text.form;
  if (key !== null) {
    if (m.activeFindings.includes(key)) return;
    m.activeFindings.push(key);
  }
  const f: Finding = {
    code,
    // The step being executed (checks run after the counter has moved on).
    step: k.ev.step,
    actor: k.a.name,
    slabs,
    objects,
    message,
    form,
  };
  m.findings.push(f);
  if (k.ev.findings === NOTHING) k.ev.findings = [];
  k.ev.findings.push(f);
}

export function stat(k: K, item: StatItem): void {
  // stat() is raw_cpu_inc on whatever CPU the context runs on: racy, unprotected, on purpose.
  const name = sysfsName(item);
  const s = k.m.stats[k.cpu]!;
  s[name] = (s[name] ?? 0) + 1;
  if (!k.detail) return;
  if (k.ev.stats === NOTHING) k.ev.stats = [];
  k.ev.stats.push(name);
}

export function note(k: K, text: string): void {
  if (!k.detail) return;
  if (k.ev.notes === NOTHING) k.ev.notes = [];
  k.ev.notes.push(text);
}

function emptyCost(): StepCost {
  return {
    cpuCmpxchg: 0,
    cpuCmpxchgFail: 0,
    slabCmpxchg: 0,
    slabCmpxchgFail: 0,
    listLock: 0,
    barnLock: 0,
    trylockFail: 0,
    slabs: [],
  };
}

/** Where the counts of a step whose cost record is not kept go (`K.detail`). */
const noCost = emptyCost();

/** The step's cost record (StepCost), created on its first entry. */
function cost(k: K): StepCost {
  if (!k.detail) return noCost;
  return (k.ev.cost ??= emptyCost());
}

/** The step touched slab `pid` (its struct or its objects' memory). */
function touch(k: K, pid: number): void {
  if (!k.detail) return;
  const c = cost(k);
  if (!c.slabs.includes(pid)) c.slabs.push(pid);
}

/** Counts a this_cpu_cmpxchg_double on `{c->freelist, c->tid}` (written inline in the fast paths). */
export function countCpuCmpxchg(k: K, ok: boolean): void {
  const c = cost(k);
  if (ok) c.cpuCmpxchg++;
  else c.cpuCmpxchgFail++;
}

/** Counts a failed local_trylock / spin_trylock (the caller notes it as before). */
export function countTrylockFail(k: K): void {
  cost(k).trylockFail++;
}

/** The note each outcome adds (display text). */
const OUTCOME_NOTE = {
  spun: "spin",
  blocked: "block",
  cmpxchgFailed: "cmpxchg-fail",
} as const satisfies Record<Exclude<StepOutcome, "ran">, string>;

/**
 * The step did not get through: it spun, blocked, or lost a cmpxchg (with its note). Spinning
 * or blocking wins over a failed cmpxchg earlier in the same step.
 */
export function stepOutcome(k: K, o: Exclude<StepOutcome, "ran">): void {
  if (o !== "cmpxchgFailed" || k.ev.outcome === "ran") k.ev.outcome = o;
  note(k, OUTCOME_NOTE[o]);
}

/** VM_BUG_ON: live only with CONFIG_DEBUG_VM. Returns true when the actor must stop (BUG()). */
export function vmBugOn(
  k: K,
  cond: boolean,
  what: string,
  slabs: number[] = [],
): boolean {
  if (!cond || !k.m.config.debugVm) return false;
  report(
    k,
    "vm-bug-on",
    kernelLog(`kernel BUG at mm/slub.c: VM_BUG_ON(${what})`),
    slabs,
  );
  return true;
}

// ---------------------------------------------------------------------------------------------
// Memory: slab pages and objects

/**
 * A read or write of a slab page's struct page fields (freelist, counters, next, pages,
 * pobjects), or with `memory` "object" of the objects in the page. Touching either on a page
 * that is no longer a slab is a use-after-free, but the kernel reports only some of them: KASAN
 * does not check struct page at all (a read silently gets whatever the page's new user keeps
 * there), and it checks the page's memory only while the page is free (freeing poisons it,
 * allocating it again unpoisons it). The model reports every one; the message says which the
 * kernel would report.
 */
export function slabPage(
  k: K,
  id: number,
  what: string | ((m: Machine) => string),
  memory: "struct page" | "object" = "struct page",
): Page {
  const p = pageAt(k.m, id);
  if (!p) throw new Error(`no page ${id}`);
  touch(k, id);
  if (p.use !== "slab") {
    // A description that names an object is built only here, when there is something to report.
    if (typeof what !== "string") what = what(k.m);
    const where =
      p.use === "free" ? "back in the page allocator" : "reused as page cache";
    const kasan = memory === "object" && k.m.config.kasan && p.use === "free";
    report(
      k,
      "uaf-slab",
      kasan
        ? kernelLog(
            `BUG: KASAN: use-after-free in ${k.f.fn}: ${what} of page P${id}, which is ${where}`,
          )
        : memory === "object"
          ? modelOnly(
              `slabscope: ${what} (in ${k.f.fn}) touches the memory of page P${id}, which is ${where} (no kernel report${
                k.m.config.kasan
                  ? ": KASAN unpoisoned the page when it was reused"
                  : " without KASAN"
              }; the value is garbage)`,
            )
          : modelOnly(
              `slabscope: ${what} (in ${k.f.fn}) touches a struct page field of P${id}, which is ${where} (no kernel report: KASAN does not check struct page; a read gets garbage)`,
            ),
      [id],
      [],
      `uaf:${k.a.id}:${id}:${p.gen}:${k.f.fn}`,
    );
  }
  return p;
}

/**
 * The pages the step in progress may have written: every page a step reaches goes through
 * `pageAt` (or `slabPage` and the free-pointer primitives, which call it), so a page not listed
 * here is as the step found it. The after-step checks (checkInputs.ts) compare only these pages
 * with their record. `applyChoice` starts the list for each step (`beginStepPages`); a step that
 * reaches the pages another way (walking the whole pool) calls `allPagesReached`. Code that
 * reads or writes `m.pages[...]` directly inside a step would be missed: the engine's tests hold
 * the step code to these helpers (test/stepPages.test.ts).
 */
export const stepPages = {
  /** The machine and step (its number before the step) the list is for. */
  m: null as Machine | null,
  step: -1,
  /** Every page may have changed (the list is not kept). */
  all: true,
  n: 0,
  ids: new Int32Array(64),
  mark: new Uint8Array(64),
  /**
   * The CPUs whose kmem_cache_cpu the step reached, as bits (`cpuSlab`: every step reaches one
   * through it); `allCpus`: every CPU may have changed (the list is not kept).
   */
  cpus: 0,
  allCpus: true,
  /**
   * The slots (the caller's pointer arrays) the step wrote, the first `slotN` of `slots`:
   * slots.ts `slotToWrite` lists each one a step writes.
   */
  slots: [] as ObjRef[][],
  slotN: 0,
  /**
   * The stepping actor's holdings (its chains, objects and slabs in flight, the cpu slab it works
   * on in place) may have changed: the ownership primitives below say so.
   */
  held: true,
  /**
   * The nodes (kmem_cache_node: list_lock, nr_partial, partial) the step reached, as bits
   * (`nodeAt`, and a list_lock changing hands); -1: every node may have changed.
   */
  nodes: -1,
};

/** Starts the list of pages (and kmem_cache_cpu) reached for the step `m` is about to take. */
export function beginStepPages(m: Machine): void {
  const sp = stepPages;
  sp.cpus = 0;
  // Entries past slotN are stale: counted, not truncated (a length store is a slow path).
  sp.slotN = 0;
  sp.held = false;
  // One bit per CPU and per node: a machine with more than bits compares every one.
  sp.allCpus = m.cpus.length > 31;
  sp.nodes = m.nodes.length > 31 ? -1 : 0;
  const ids = sp.ids;
  const mark = sp.mark;
  for (let i = 0; i < sp.n; i++) mark[ids[i]!] = 0;
  sp.n = 0;
  sp.all = false;
  sp.m = m;
  sp.step = m.step;
  const n = m.pages.length;
  if (mark.length < n) {
    sp.mark = new Uint8Array(n * 2);
    sp.ids = new Int32Array(n * 2);
  }
}

/** `m.pages[pid]` for step code: the page is listed as reached by the step. */
export function pageAt(m: Machine, pid: number): Page | undefined {
  const p = m.pages[pid];
  const sp = stepPages;
  if (p !== undefined && !sp.all) {
    if (sp.mark[pid] !== 1) {
      if (sp.m !== m || pid >= sp.mark.length) sp.all = true;
      else {
        sp.mark[pid] = 1;
        sp.ids[sp.n++] = pid;
      }
    }
  }
  return p;
}

/** The step reached every page (a walk of the whole pool). */
export function allPagesReached(): void {
  stepPages.all = true;
}

/** `m.nodes[node]` for step code: the node is listed as reached by the step. */
export function nodeAt(m: Machine, node: number): KmemCacheNode | undefined {
  nodeReached(m, node);
  return m.nodes[node];
}

function nodeReached(m: Machine, node: number): void {
  const sp = stepPages;
  sp.nodes |= sp.m === m && node >= 0 && node < 31 ? 1 << node : -1;
}

/** The step writes the slot array `list` (the step's list of slots). */
export function slotWritten(list: ObjRef[]): void {
  const sp = stepPages;
  const listed = sp.slots;
  for (let i = 0; i < sp.slotN; i++) if (listed[i] === list) return;
  listed[sp.slotN++] = list;
}

/** The step wrote CPU `cpu`'s kmem_cache_cpu (or may have: the step's list of CPUs). */
function cpuSlabReached(cpu: number): void {
  stepPages.cpus |= 1 << cpu;
}

/** `page->pages` / `page->pobjects`: on a non-slab page these are halves of `lru.prev`. */
export function partialTotals(
  k: K,
  id: number,
): { pages: number; pobjects: number } {
  const p = slabPage(k, id, "read page->pages/pobjects");
  if (p.use !== "slab") return { ...LRU_GARBAGE };
  return { pages: p.pages, pobjects: p.pobjects };
}

/** `get_freepointer(s, object)`: read the free pointer stored inside an object. */
export function getFreepointer(k: K, obj: ObjRef, safe = false): ObjRef | null {
  const m = k.m;
  const pid = pageOf(m, obj);
  const p = pageAt(m, pid);
  if (!p || obj < 0) {
    report(
      k,
      "freelist-corrupt",
      `freelist corrupt: bad pointer ${obj}`,
      [],
      [obj],
    );
    return null;
  }
  if (p.use !== "slab") {
    // get_freepointer_safe: a non-faulting read of whatever the page now holds, garbage in the
    // kernel. The model returns NULL. The value matters only if the cmpxchg that installs it
    // succeeds, which needs a tid nobody bumped (R18's missing bump): the kernel then makes the
    // garbage c->freelist, where the model makes it NULL (an empty freelist).
    if (safe) return null;
    slabPage(k, pid, `read free pointer of ${fmtObj(m, obj)}`, "object");
    return null;
  }
  touch(k, pid);
  const w: Word = p.fp[indexOf(m, obj)] ?? null;
  if (w === USER_DATA) {
    if (safe) return null;
    report(
      k,
      "freelist-corrupt",
      `Freelist Pointer check fails: ${fmtObj(m, obj)} is allocated, its free pointer is user data`,
      [pid],
      [obj],
      `fpuser:${obj}`,
    );
    return null;
  }
  return w;
}

// The descriptions of the hot primitives' page accesses, built only when one is reported: the
// primitive leaves its operand here rather than build the text (or a closure) on every call.
let describedObj: ObjRef = 0;
let describedWho = "";
const writeFpWhat = (m: Machine): string =>
  `write free pointer of ${fmtObj(m, describedObj)}`;
const cmpxchgWhat = (): string =>
  `${describedWho}: cmpxchg_double on freelist/counters`;

/** `set_freepointer(s, object, fp)`. */
export function setFreepointer(k: K, obj: ObjRef, fp: ObjRef | null): void {
  const m = k.m;
  const pid = pageOf(m, obj);
  describedObj = obj;
  const p = slabPage(k, pid, writeFpWhat, "object");
  p.fp[indexOf(m, obj)] = fp;
  freePointerWrites.n++;
}

/**
 * How many times `setFreepointer` has written (a count for tests and tools; the checks go by
 * the pages a step reached, `stepPages`).
 */
export const freePointerWrites = { n: 0 };

/** The counters word of a page as one comparable value (inuse, objects, frozen). */
export function counters(p: Page): number {
  return p.inuse * 2 + (p.frozen ? 1 : 0) + p.objects * 0x20000;
}

export interface Counters {
  inuse: number;
  objects: number;
  frozen: boolean;
}
export function unpackCounters(c: number): Counters {
  return {
    inuse: Math.floor(c / 2) % 0x10000,
    objects: Math.floor(c / 0x20000),
    frozen: c % 2 === 1,
  };
}
export function packCounters(c: Counters): number {
  return c.inuse * 2 + (c.frozen ? 1 : 0) + c.objects * 0x20000;
}

/**
 * `cmpxchg_double(&page->freelist, &page->counters, ...)`: one atomic compare-and-swap on the
 * slab's freelist and counters. Without `__CMPXCHG_DOUBLE` the kernel takes slab_lock instead;
 * the engine models only the cmpxchg form (x86_64).
 */
export function cmpxchgDoubleSlab(
  k: K,
  pid: number,
  oldFreelist: ObjRef | null,
  oldCounters: number,
  newFreelist: ObjRef | null,
  newCounters: number,
  who: string,
): boolean {
  describedWho = who;
  const p = slabPage(k, pid, cmpxchgWhat);
  if (p.freelist === oldFreelist && counters(p) === oldCounters) {
    p.freelist = newFreelist;
    // unpackCounters' fields, without the object (this runs on every slow-path cmpxchg).
    p.inuse = Math.floor(newCounters / 2) % 0x10000;
    p.frozen = newCounters % 2 === 1;
    cost(k).slabCmpxchg++;
    return true;
  }
  cost(k).slabCmpxchgFail++;
  stat(k, "CMPXCHG_DOUBLE_FAIL");
  stepOutcome(k, "cmpxchgFailed");
  return false;
}

// ---------------------------------------------------------------------------------------------
// Per-CPU data

/** `this_cpu_ptr(s->cpu_slab)`: the CPU the context runs on right now. */
export function thisCpu(k: K): number {
  return k.cpu;
}
/**
 * CPU `cpu`'s kmem_cache_cpu for step code: the CPU is listed as reached by the step (see
 * `stepPages`), as `pageAt` lists pages. Step code reaches a kmem_cache_cpu only through this
 * (src/bench/stepPages.test.ts holds it to that).
 */
export function cpuSlab(k: K, cpu: number): CpuSlab {
  const c = k.m.cpuSlab[cpu];
  if (!c) throw new Error(`no cpu ${cpu}`);
  cpuSlabReached(cpu);
  return c;
}
export function cpuOf(k: K): Cpu {
  return k.m.cpus[k.cpu]!;
}

export function tidStep(m: Machine): number {
  let s = 1;
  while (s < m.config.cpus) s *= 2;
  return s;
}
export function nextTid(m: Machine, tid: number): number {
  return tid + tidStep(m);
}

/**
 * The alignment rule of `this_cpu_cmpxchg_double(s->cpu_slab->freelist, s->cpu_slab->tid, ...)`:
 * on x86_64 it is cmpxchg16b, which faults unless its operand is 16-byte aligned. Whether the
 * pair is aligned depends only on the variant's kmem_cache_cpu layout and the config, so it is
 * computed once per variant (layout.ts). With CONFIG_DEBUG_VM the VM_BUG_ON in
 * __pcpu_double_call_return_bool fires first (seed 002 L7667-7669, L7716-7723). Returns true when
 * the context oopses here (the caller halts it).
 */
export function cmpxchgDoubleCpuFaults(k: K): boolean {
  const m = k.m;
  const order = k.variant.spec.cpuSlabOrder;
  if (cpuSlabPairAligned(order, m.config)) return false;
  const layout = kmemCacheCpuLayout(order, m.config);
  const off = layout.freelistOffset;
  const hex = (n: number) => `0x${n.toString(16)}`;
  if (m.config.debugVm) {
    report(
      k,
      "vm-bug-on",
      kernelLog(
        `kernel BUG at include/linux/percpu-defs.h: VM_BUG_ON(&pcp1 % (2 * sizeof(pcp1))) in __pcpu_double_call_return_bool: s->cpu_slab->freelist is at offset ${off} of kmem_cache_cpu`,
      ),
    );
    return true;
  }
  report(
    k,
    "cmpxchg16b-misaligned",
    kernelLog(
      `general protection fault in ${k.f.fn}: cmpxchg16b ${hex(off)}(%rdi) on s->cpu_slab->{freelist, tid}, which is at offset ${off} of kmem_cache_cpu: not 16-byte aligned`,
    ),
  );
  return true;
}

/** The 2022 stable fix: a slow path that clears c->page also bumps c->tid. */
export function bumpTidIfFixed(k: K, c: CpuSlab): void {
  if (k.m.config.fixes.includes("tid-on-deactivation"))
    c.tid = nextTid(k.m, c.tid);
}

// ---------------------------------------------------------------------------------------------
// Ownership in flight: what an actor holds outside every shared structure. The checks use it to
// tell an object or slab that is merely in a local variable from one that is lost.

/**
 * Takes a detached freelist into the actor's hands. It is recorded as (head, tail): once the
 * actor splices the tail onto another freelist, the chain it owns still ends at that tail.
 */
export function ownChain(k: K, head: ObjRef | null): void {
  if (head === null) return;
  const m = k.m;
  let x: ObjRef = head;
  for (let guard = 0; guard <= m.cache.objects; guard++) {
    const p = pageAt(m, pageOf(m, x));
    const nx = p && p.use === "slab" ? p.fp[indexOf(m, x)] : null;
    if (
      nx === null ||
      nx === undefined ||
      nx === USER_DATA ||
      pageOf(m, nx) !== pageOf(m, head)
    )
      break;
    x = nx;
  }
  k.a.ownedChains.push(head, x);
  stepPages.held = true;
}
/** Removes `n` entries at `i` in place (splice without the array of removed entries it builds). */
function removeAt<T>(xs: T[], i: number, n: number): void {
  const len = xs.length;
  for (let j = i + n; j < len; j++) xs[j - n] = xs[j]!;
  // pop rather than a length store, which is a slow path.
  for (let j = 0; j < n; j++) xs.pop();
}

export function disownChain(k: K, head: ObjRef | null): void {
  if (head === null) return;
  const c = k.a.ownedChains;
  for (let i = 0; i < c.length; i += 2) {
    if (c[i] === head) {
      removeAt(c, i, 2);
      stepPages.held = true;
      return;
    }
  }
}
export function ownObject(k: K, obj: ObjRef): void {
  k.a.ownedObjects.push(obj);
  stepPages.held = true;
}
export function disownObject(k: K, obj: ObjRef): void {
  const i = k.a.ownedObjects.indexOf(obj);
  if (i < 0) return;
  removeAt(k.a.ownedObjects, i, 1);
  stepPages.held = true;
}
export function ownSlab(k: K, pid: number | null): void {
  if (pid === null || k.a.ownedSlabs.includes(pid)) return;
  k.a.ownedSlabs.push(pid);
  stepPages.held = true;
}
export function disownSlab(k: K, pid: number | null): void {
  if (pid === null) return;
  const i = k.a.ownedSlabs.indexOf(pid);
  if (i < 0) return;
  removeAt(k.a.ownedSlabs, i, 1);
  stepPages.held = true;
}

/**
 * The CPU whose kmem_cache_cpu pointers the actor works on in place (null: none), as the fast
 * paths' cmpxchg-free sections and the RT local-lock paths do.
 */
export function setOwnsCpuSlab(k: K, cpu: number | null): void {
  k.a.ownsCpuSlab = cpu;
  stepPages.held = true;
}

// ---------------------------------------------------------------------------------------------
// irq, preempt, migrate

export function inHardirq(k: K): boolean {
  return isHardContext(k.m, k.a);
}
export function isHardContext(m: Machine, a: Actor): boolean {
  // On PREEMPT_RT device interrupts run as threads; only the NMI stays a hard context.
  return hardKind(a.kind, m.config.preemptRt);
}
export function inAtomic(k: K): boolean {
  return inHardirq(k) || k.a.preemptCount > 0 || cpuOf(k).irqsOff;
}

/** `local_irq_save(flags)`: saves into local `name`. */
export function irqSave(k: K, name = "flags"): void {
  const c = cpuOf(k);
  k.L[name] = c.irqsOff;
  c.irqsOff = true;
  touchCpu(k.cpu);
}
export function irqRestore(k: K, name = "flags"): void {
  cpuOf(k).irqsOff = k.L[name] === true;
  touchCpu(k.cpu);
}
export function irqDisable(k: K): void {
  cpuOf(k).irqsOff = true;
  touchCpu(k.cpu);
}
export function irqEnable(k: K): void {
  cpuOf(k).irqsOff = false;
  touchCpu(k.cpu);
}
export function preemptDisable(k: K): void {
  k.a.preemptCount++;
  touchCpu(k.a.cpu);
}
export function preemptEnable(k: K): void {
  k.a.preemptCount--;
  touchCpu(k.a.cpu);
}
export function migrateDisable(k: K): void {
  k.a.migrateDisable++;
  touchCpu(k.a.cpu);
}
export function migrateEnable(k: K): void {
  k.a.migrateDisable--;
  touchCpu(k.a.cpu);
}

/** Sets what `a` waits for (null: nothing), for the steps that write a wait themselves. */
export function setWait(a: Actor, w: Actor["wait"]): void {
  a.wait = w;
  touchActor(a.id);
  touchCpu(a.cpu);
}

// ---------------------------------------------------------------------------------------------
// Locks

export function lockClass(ref: LockRef): LockClass {
  return LOCK_KINDS[ref.kind].cls;
}

export function lockName(ref: LockRef): string {
  return lockKind(ref).name(ref);
}

function sameLock(a: LockRef, b: LockRef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "cpuSlab" && b.kind === "cpuSlab") return a.cpu === b.cpu;
  if (a.kind === "listLock" && b.kind === "listLock") return a.node === b.node;
  return true;
}

/** Current holders of a lock instance (several readers for cpu_hotplug_lock). */
export function lockOwners(m: Machine, ref: LockRef): number[] {
  return lockKind(ref).owners(m, ref);
}

/** Whether `who` could take the lock now. */
export function lockAvailable(m: Machine, ref: LockRef, who: number): boolean {
  void who;
  return lockKind(ref).free(m, ref);
}

function setOwner(m: Machine, ref: LockRef, who: number | null): void {
  // A list_lock held or not is part of its node's checked state; a slab_lock() bit is in its
  // page (not checked, but part of the page's state: its page is listed as reached).
  if (ref.kind === "listLock") nodeReached(m, ref.node);
  else if (ref.kind === "slabLock") pageAt(m, ref.page);
  lockKind(ref).setOwner(m, ref, who);
  touchLockWaiters(m);
}

/** Sets a lock's owner for the kernel steps that take a lock themselves (bit spinlocks, trylocks). */
export function setLockOwner(m: Machine, ref: LockRef, who: number): void {
  setOwner(m, ref, who);
}

/** A reader-writer lock taken for read: several holders, and lockdep allows read recursion. */
function isRead(ref: LockRef): boolean {
  return (
    (ref.kind === "cpuHotplug" || ref.kind === "memoryChain") && !ref.write
  );
}

/** Sleeping locks: never taken in hardirq context, so lockdep's irq-safety rules do not apply. */
function isSleeping(ref: LockRef): boolean {
  return LOCK_KINDS[ref.kind].sleeping;
}

function reaches(
  edges: [LockClass, LockClass][],
  from: LockClass,
  to: LockClass,
): LockClass[] | null {
  // Depth-first search for a dependency path from -> ... -> to.
  const stack: { at: LockClass; path: LockClass[] }[] = [
    { at: from, path: [from] },
  ];
  const seen = new Set<LockClass>();
  while (stack.length > 0) {
    const { at, path } = stack.pop()!;
    if (at === to) return path;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const [a, b] of edges)
      if (a === at) stack.push({ at: b, path: [...path, b] });
  }
  return null;
}

/** lockdep's checks when a context is about to acquire `ref` (before it can block). */
/** Whether the dependency graph has the edge `from` -> `to` (checked on every acquire). */
function hasEdge(
  edges: readonly [LockClass, LockClass][],
  from: LockClass,
  to: LockClass,
): boolean {
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (e[0] === from && e[1] === to) return true;
  }
  return false;
}

function lockdepAcquire(k: K, ref: LockRef): void {
  const m = k.m;
  if (!m.config.lockdep) return;
  const cls = lockClass(ref);
  const a = k.a;
  const ld = m.lockdep;
  const readRecursive = isRead(ref);
  for (const h of a.held) {
    if (h.cls === cls && !readRecursive) {
      report(
        k,
        "lockdep-recursion",
        kernelLog(
          `WARNING: possible recursive locking detected: ${a.name} is trying to acquire ${lockName(ref)} but already holds ${lockName(h.ref)}`,
        ),
        [],
        [],
        `rec:${a.id}:${cls}:${m.step}`,
      );
    }
  }
  // The new dependency is on the lock taken last (lockdep's `prev`): the locks held before it
  // are already ordered before it, so their dependencies follow through the graph.
  const prev = a.held[a.held.length - 1];
  if (
    prev !== undefined &&
    prev.cls !== cls &&
    !hasEdge(ld.edges, prev.cls, cls)
  ) {
    const back = reaches(ld.edges, cls, prev.cls);
    ld.edges.push([prev.cls, cls]);
    if (back) {
      report(
        k,
        "lockdep-circular",
        kernelLog(
          `WARNING: possible circular locking dependency detected: ${a.name} is trying to acquire ${cls} while holding ${prev.cls}, but the existing dependency chain already takes ${prev.cls} after ${cls}: ${[...back, cls].join(" -> ")}`,
        ),
        [],
        [],
        // One report per cycle, however it is closed.
        `circ:${[...new Set(back)].sort().join(",")}`,
      );
    }
  }
  // irq-safety: a lock taken in hardirq context must never be taken with irqs enabled.
  if (!m.config.preemptRt || a.kind === "nmi") {
    const hard = inHardirq(k);
    const irqsOn = !cpuOf(k).irqsOff && !hard;
    if (hard && !ld.inHardirq.includes(cls)) ld.inHardirq.push(cls);
    if (irqsOn && !isSleeping(ref)) {
      if (!ld.hardirqOn.includes(cls)) ld.hardirqOn.push(cls);
    }
    if (ld.inHardirq.includes(cls) && ld.hardirqOn.includes(cls)) {
      report(
        k,
        "lockdep-irq-unsafe",
        kernelLog(
          `WARNING: inconsistent lock state: inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage: ${cls} is taken in hardirq context and with irqs enabled`,
        ),
        [],
        [],
        `irqsafe:${cls}`,
      );
    }
  }
}

/** Actors beneath `a` on its CPU's context stack (the ones it interrupted). */
function interruptedBy(m: Machine, a: Actor): number[] {
  const c = m.cpus[a.cpu]!;
  if (a.kind === "nmi")
    return [c.irq, c.current].filter((x): x is number => x !== null);
  if (a.kind === "irq" && !m.config.preemptRt)
    return c.current === null ? [] : [c.current];
  return [];
}

export type LockMode = "spin" | "sleep";

/**
 * Tries to acquire a lock in this micro-step. Returns false when the caller must retry the step
 * (spinning on !RT, sleeping on RT and for mutexes). Detects self-deadlock and a context that
 * spins on a lock held by the context it interrupted.
 */
export function acquire(k: K, ref: LockRef, mode: LockMode): boolean {
  const m = k.m;
  const a = k.a;
  const firstTry =
    a.wait === null || a.wait.kind !== "lock" || !sameLock(a.wait.ref, ref);
  if (firstTry) {
    lockdepAcquire(k, ref);
    if (mode === "sleep" && inAtomic(k)) {
      report(
        k,
        "sleep-in-atomic",
        kernelLog(
          `BUG: sleeping function called from invalid context: ${a.name} takes ${lockName(ref)} with ${
            inHardirq(k)
              ? "in hardirq"
              : cpuOf(k).irqsOff
                ? "irqs disabled"
                : "preemption disabled"
          }`,
        ),
        [],
        [],
        `sleep:${a.id}:${m.step}`,
      );
    }
  }
  if (lockAvailable(m, ref, a.id)) {
    setOwner(m, ref, a.id);
    a.held.push({ cls: lockClass(ref), ref });
    a.wait = null;
    if (ref.kind === "listLock") cost(k).listLock++;
    else if (ref.kind === "barnLock") cost(k).barnLock++;
    return true;
  }
  const owners = lockOwners(m, ref);
  // Retrying a lock it already waits for changes nothing the scheduler reads.
  if (firstTry) touchCpu(a.cpu);
  a.wait = { kind: "lock", ref, spinning: mode === "spin" };
  stepOutcome(k, mode === "spin" ? "spun" : "blocked");
  if (firstTry) {
    if (owners.includes(a.id)) {
      report(
        k,
        "deadlock",
        `deadlock: ${a.name} tries to take ${lockName(ref)}, which it already holds`,
        [],
        [],
        `selfdl:${a.id}:${lockName(ref)}`,
      );
    } else if (
      mode === "spin" &&
      owners.some((o) => interruptedBy(m, a).includes(o))
    ) {
      report(
        k,
        "deadlock",
        `deadlock: ${a.name} spins on ${lockName(ref)} held by ${owners
          .map((o) => actorName(m, o))
          .join(", ")}, the context it interrupted on cpu ${a.cpu}`,
        [],
        [],
        `irqdl:${a.id}:${lockName(ref)}`,
      );
    }
  }
  return false;
}

export function release(k: K, ref: LockRef): void {
  const m = k.m;
  const a = k.a;
  if (isRead(ref)) {
    const readers =
      ref.kind === "memoryChain"
        ? m.locks.memoryChainReaders
        : m.locks.cpuHotplugReaders;
    const i = readers.indexOf(a.id);
    if (i >= 0) readers.splice(i, 1);
    touchLockWaiters(m);
  } else {
    setOwner(m, ref, null);
  }
  // The innermost hold first: a read lock taken recursively is released in reverse order.
  for (let i = a.held.length - 1; i >= 0; i--) {
    if (sameLock(a.held[i]!.ref, ref)) {
      removeAt(a.held, i, 1);
      break;
    }
  }
}

/** Whether `a` still holds the lock (lockdep_assert_held). */
export function holds(a: Actor, ref: LockRef): boolean {
  return a.held.some((h) => sameLock(h.ref, ref));
}

// --- the lock operations the kernel code uses, with !RT / RT semantics ------------------------

/**
 * Takes this CPU's `s->cpu_slab->lock`. RT: migrate_disable + a sleeping lock with an owner.
 * !RT: `disable` (irq save, or preempt_disable) plus the lockdep annotation, and nothing else:
 * there is no lock word to spin on, so it never waits and never deadlocks. A context that nests
 * over the holder on the same CPU (an IRQ over a plain local_lock(), an NMI) gets in; lockdep
 * reports it (inconsistent lock state), and without lockdep nothing does.
 */
function takeLocalLock(k: K, irqs: boolean): boolean {
  const ref: LockRef = { kind: "cpuSlab", cpu: k.cpu };
  if (k.m.config.preemptRt) {
    if (!k.a.wait) migrateDisable(k);
    const ok = acquire(k, ref, "sleep");
    if (ok) k.L.__llcpu = k.cpu;
    return ok;
  }
  // A flag rather than a callback: a closure over `k` would be allocated on every lock taken.
  if (irqs) irqSave(k, "llflags");
  else preemptDisable(k);
  lockdepAcquire(k, ref);
  k.a.held.push({ cls: lockClass(ref), ref });
  k.a.wait = null;
  setOwner(k.m, ref, k.a.id);
  k.L.__llcpu = k.cpu;
  return true;
}

function dropLocalLock(k: K, irqs: boolean): void {
  const cpu = typeof k.L.__llcpu === "number" ? k.L.__llcpu : k.cpu;
  release(k, { kind: "cpuSlab", cpu });
  if (k.m.config.preemptRt) migrateEnable(k);
  else if (irqs) irqRestore(k, "llflags");
  else preemptEnable(k);
}

/** `local_lock_irqsave(&s->cpu_slab->lock, flags)`. !RT: irqs off. RT: migrate_disable + sleeping lock. */
export function localLockIrqsave(k: K): boolean {
  return takeLocalLock(k, true);
}

export function localUnlockIrqrestore(k: K): void {
  dropLocalLock(k, true);
}

/** `local_lock(&s->cpu_slab->lock)` (no irqsave). !RT: preempt_disable. RT: migrate_disable + lock. */
export function localLock(k: K): boolean {
  return takeLocalLock(k, false);
}

export function localUnlock(k: K): void {
  dropLocalLock(k, false);
}

/** `spin_lock_irqsave(&n->list_lock, flags)`; with `irqsave` false, plain `spin_lock`. */
export function spinLockNode(
  k: K,
  node: number,
  irqsave: boolean,
  flagsName = "nflags",
): boolean {
  const ref: LockRef = { kind: "listLock", node };
  if (k.m.config.preemptRt) {
    // RT spinlock_t: an rtmutex; the holder stays migratable-disabled and preemptible.
    const ok = acquire(k, ref, "sleep");
    if (ok) migrateDisable(k);
    return ok;
  }
  if (!k.a.wait) {
    if (irqsave) irqSave(k, flagsName);
    preemptDisable(k);
  }
  return acquire(k, ref, "spin");
}

export function spinUnlockNode(
  k: K,
  node: number,
  irqrestore: boolean,
  flagsName = "nflags",
): void {
  release(k, { kind: "listLock", node });
  if (k.m.config.preemptRt) {
    migrateEnable(k);
    return;
  }
  preemptEnable(k);
  if (irqrestore) irqRestore(k, flagsName);
}

export function mutexLock(k: K, ref: LockRef): boolean {
  return acquire(k, ref, "sleep");
}
export function mutexUnlock(k: K, ref: LockRef): void {
  release(k, ref);
}

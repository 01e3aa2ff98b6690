/**
 * The interpreter: builds a machine from a scenario and executes one micro-step at a time.
 *
 * `step(machine, choice)` is pure (it clones); `stepInPlace` mutates a machine the caller owns,
 * which is what the trace and the benchmarks use. A step refused by `enabled` throws.
 * Operations map to kernel entry points through opKinds.ts: alloc -> slab_alloc_node,
 * free -> do_slab_free (slab_free where the variant has one), flushAll -> flush_all, shrink ->
 * kmem_cache_shrink, cpuOffline / cpuOnline -> the hotplug thread's cpu_down / cpu_up,
 * destroy -> kmem_cache_destroy, memoryOffline -> offline_pages (memory hot-remove). The
 * features' operations (features/) hand their own locals to their entry functions.
 */
import { runChecks as runChecksImport } from "./checks";
import {
  NullDereference,
  type K,
  type KernelFn,
  type Next,
  type Variant,
} from "./program";
import {
  isHardContext as isHardContextImport,
  report,
  kernelLog,
} from "./prims";
import { cpuPartialObjects } from "./cacheSize";
import type { Scenario } from "./scenario";
import { choicesFor } from "./scheduler";
import {
  schedWrites as schedWritesImport,
  touchActor as touchActorImport,
  touchCpu as touchCpuImport,
} from "./schedWrites";
import type {
  Actor,
  Choice,
  Frame,
  KernelConfig,
  Locals,
  Machine,
  Op,
  StepEvent,
  Value,
} from "./types";
import {
  beginStepPages as beginStepPagesImport,
  fmtObj,
  NOTHING as NOTHING_IMPORT,
  stepPages as stepPagesImport,
} from "./prims";
import { fixesFor } from "./variants";
import { ACTOR_KINDS } from "./actorKinds";
import { opKind as opKindImport } from "./opKinds";
import type { EntryLocals, OpFinish } from "./feature";
import {
  FEATURE_ENTRY_LOCALS,
  FEATURE_FINISH,
  FEATURES,
  type FeatureOpKind,
} from "./features";
import { dangling, danglingTarget, freeLocals, storeAllocation } from "./slots";

// Read once (a getter call per use under CommonJS otherwise): written on every micro-step.
const schedWrites = schedWritesImport;
const touchCpu = touchCpuImport;
const touchActor = touchActorImport;

export { dangling, danglingTarget };

// Read once: under CommonJS (tsx, vitest, the CLI) every call through an imported binding is a
// getter call, which costs more than the call itself on this per-step path.
const runChecks = runChecksImport;
const isHardContext = isHardContextImport;
const NOTHING = NOTHING_IMPORT;
const beginStepPages = beginStepPagesImport;
const stepPages = stepPagesImport;
const opKind = opKindImport;

export class StepRefused extends Error {}
/** The model itself broke a rule it relies on: always a bug in the engine, never in the scenario. */
export class EngineBug extends Error {}

export function configOf(s: Scenario): KernelConfig {
  return {
    kernel: s.kernel.variant,
    preemptRt: s.kernel.preemptRt ?? false,
    cpuPartial: s.kernel.cpuPartial ?? true,
    debugVm: s.kernel.debugVm ?? false,
    lockdep: s.kernel.lockdep ?? true,
    lockStat: s.kernel.lockStat ?? false,
    memcg: s.kernel.memcg ?? false,
    kasan: s.kernel.kasan ?? false,
    slubDebug: s.kernel.slubDebug ?? false,
    cpus: s.kernel.cpus,
    nodes: s.kernel.nodes ?? 1,
    // Absent unless asked for, so that every other machine is what it was.
    ...(s.kernel.memorylessNodes !== undefined &&
    s.kernel.memorylessNodes.length > 0
      ? { memorylessNodes: [...s.kernel.memorylessNodes] }
      : {}),
    ...(s.kernel.freelistHardened === true
      ? { freelistHardened: true as const }
      : {}),
    pagePool: s.kernel.pagePool ?? 16,
    fixes: fixesFor(s.kernel.variant, s.kernel.fixes),
  };
}

function newActor(
  id: number,
  name: string,
  kind: Actor["kind"],
  cpu: number,
  pinned: boolean,
  system: boolean,
  ops: Op[],
): Actor {
  return {
    id,
    name,
    kind,
    cpu,
    pinned,
    system,
    ops,
    op: 0,
    frames: [],
    preemptCount: 0,
    migrateDisable: 0,
    wait: null,
    held: [],
    ownedChains: [],
    ownedObjects: [],
    ownedSlabs: [],
    ownsCpuSlab: null,
    status: "ready",
    note: null,
  };
}

/** Builds the machine at step 0 (after the prepared initial state, if any). */
export function load(
  s: Scenario,
  v: Variant,
  opts: { checks?: boolean } = {},
): Machine {
  const config = configOf(s);
  const cpuPartialObjs = cpuPartialObjects(s);
  const m: Machine = {
    config,
    cache: {
      name: s.cache.name ?? "kmalloc-64",
      objectSize: s.cache.objectSize ?? 64,
      objects: s.cache.objects,
      cpuPartial: cpuPartialObjs,
      minPartial: s.cache.minPartial ?? 1,
      ...(s.cache.cmpxchgDouble === false && v.spec.slabLockFallback === true
        ? { slabLock: true as const }
        : {}),
    },
    cpus: [],
    cpuSlab: [],
    pages: [],
    freePages: [],
    nodes: [],
    locks: {
      slabMutex: null,
      flushLock: null,
      cpuHotplugWriter: null,
      cpuHotplugReaders: [],
      pcpBatchHighLock: null,
      memoryChainWriter: null,
      memoryChainReaders: [],
    },
    actors: [],
    slots: {},
    pageSlots: {},
    stats: [],
    lockdep: { edges: [], inHardirq: [], hardirqOn: [] },
    findings: [],
    activeFindings: [],
    step: 0,
  };
  for (let i = 0; i < config.cpus; i++) {
    m.cpus.push({
      id: i,
      node: i % config.nodes,
      online: true,
      irqsOff: false,
      current: null,
      irq: null,
      nmi: null,
    });
    // init_tid(cpu) = cpu: the low bits of every tid name its CPU.
    m.cpuSlab.push({
      freelist: null,
      tid: i,
      page: null,
      partial: null,
      lock: null,
    });
    m.stats.push({});
  }
  // The features' state (feature.ts), e.g. the percpu arrays.
  for (const f of FEATURES) f.init(m, s);
  for (let n = 0; n < config.nodes; n++)
    m.nodes.push({ id: n, listLock: null, partial: [], nrPartial: 0 });
  // The pages go round the nodes that have memory.
  const withMemory = Array.from({ length: config.nodes }, (_, n) => n).filter(
    (n) => !(config.memorylessNodes ?? []).includes(n),
  );
  for (let p = 0; p < config.pagePool; p++) {
    m.pages.push({
      id: p,
      use: "free",
      gen: 0,
      node: withMemory[p % withMemory.length]!,
      pfmemalloc: false,
      freelist: null,
      inuse: 0,
      objects: 0,
      frozen: false,
      next: null,
      pages: 0,
      pobjects: 0,
      fp: [],
      objcgs: null,
    });
  }
  // The allocator hands out the last entry first: page 0 first on a fresh machine. The free
  // list links its pages through `lru.next`, which overlays `next` (see freeToPageAllocator).
  for (let p = config.pagePool - 1; p >= 0; p--) {
    m.pages[p]!.next = p + 1 < config.pagePool ? p + 1 : null;
    m.freePages.push(p);
  }

  for (const sa of s.actors) {
    m.actors.push(
      newActor(
        m.actors.length,
        sa.name,
        sa.kind,
        sa.cpu,
        sa.pinned ?? ACTOR_KINDS[sa.kind].pinned,
        false,
        sa.ops.map((o) => ({ ...o })),
      ),
    );
  }
  for (let i = 0; i < config.cpus; i++)
    m.actors.push(
      newActor(m.actors.length, `kworker/${i}`, "kworker", i, true, true, []),
    );
  for (let i = 0; i < config.cpus; i++)
    m.actors.push(
      newActor(m.actors.length, `ipi/${i}`, "irq", i, true, true, []),
    );
  for (const a of m.actors) for (const o of a.ops) ensureSlot(m, o);

  // Every slot exists from the start (the checks rely on the set of slots being fixed).
  for (const p of s.prepare ?? []) ensureSlot(m, p.op);
  if (s.prepare && s.prepare.length > 0)
    prepare(m, v, s.prepare, opts.checks ?? true);
  return m;
}

function ensureSlot(m: Machine, o: Op): void {
  const where = opKind(o).slot;
  if (where !== null && "slot" in o)
    (where === "objects" ? m.slots : m.pageSlots)[o.slot] ??= [];
  if (o.kind === "alloc" && o.reenter) m.slots[o.reenter.slot] ??= [];
}

/** Runs the prepared operations to completion, one at a time, with nothing interleaved. */
function prepare(
  m: Machine,
  v: Variant,
  ops: NonNullable<Scenario["prepare"]>,
  checks: boolean,
): void {
  for (const [i, p] of ops.entries()) {
    if (!m.cpus[p.cpu]!.online)
      throw new StepRefused(
        `prepare[${i}]: cpu ${p.cpu} is offline (an earlier prepared cpuOffline took it down)`,
      );
    ensureSlot(m, p.op);
    const a = newActor(
      m.actors.length,
      `prepare/${p.cpu}`,
      "task",
      p.cpu,
      true,
      true,
      [p.op],
    );
    m.actors.push(a);
    // The operation runs alone, except for the kernel's own helpers it waits for (the
    // kworkers of a flush on v5.15, the IPI handlers on v5.14), which run first.
    const helpers = m.actors.filter((x) => x.system && x !== a);
    let guard = 0;
    while (
      (a.status === "ready" && a.op < a.ops.length) ||
      helpers.some((h) => h.frames.length > 0 || h.op < h.ops.length)
    ) {
      const ch = [...helpers, a]
        .flatMap((x) => choicesFor(m, x, false))
        .find((c) => c.progress);
      if (!ch)
        throw new StepRefused(
          `prepared operation ${p.op.kind} on cpu ${p.cpu} cannot run`,
        );
      applyChoice(m, v, ch, { checks });
      if (++guard > 100_000)
        throw new EngineBug("prepared operation does not terminate");
    }
    m.actors.pop();
    // The actor may have moved: a prepared cpu_down of its own CPU migrates it away.
    for (const c of m.cpus) if (c.current === a.id) c.current = null;
  }
  m.step = 0;
  for (const f of m.findings) f.step = 0;
  schedWrites.n++;
}

/** The kernel function an operation enters (opKinds.ts: an accounted allocation goes through memcg's hook). */
export function entryOf(op: Op, v: Variant): string {
  return opKind(op).entry(op, v.spec.features);
}

const none = (): Locals => ({});
const onCpu = (_: K, op: { cpu: number }): Locals => ({ cpu: op.cpu });
const pageSlot = (_: K, op: { slot: string }): Locals => ({ slot: op.slot });

/** What a core operation hands to its entry function, by kind (the features' are in features/). */
const CORE_ENTRY_LOCALS: EntryLocals<Exclude<Op["kind"], FeatureOpKind>> = {
  alloc: (k, op) => ({
    gfp: op.gfp ?? (isHardContext(k.m, k.a) ? "GFP_ATOMIC" : "GFP_KERNEL"),
    node: op.node ?? null,
  }),
  free: (k, op) => freeLocals(k, op, "kmem_cache_free", 1),
  cpuOffline: onCpu,
  cpuOnline: onCpu,
  allocPageCache: pageSlot,
  freePageCache: pageSlot,
  flushCpuSlabWork: (_, op) => ({ requester: op.requester }),
  flushAll: none,
  shrink: none,
  destroy: none,
  memoryOffline: none,
};

/** What every operation hands to its entry function (a kind without one does not compile). */
const ENTRY_LOCALS: EntryLocals<Op["kind"]> = {
  ...CORE_ENTRY_LOCALS,
  ...FEATURE_ENTRY_LOCALS,
};

/** What the caller does with an operation's result, by kind (none: nothing). */
const OP_FINISH: OpFinish<Op["kind"]> = {
  alloc: (k, op, value) => storeAllocation(k, op.slot, value),
  ...FEATURE_FINISH,
};

/** Locals for an operation's entry function, or a note when the op has nothing to do. */
function entryLocals(k: K, op: Op): Locals | string {
  const m = k.m;
  if (m.cache.destroyed && opKind(op).usesCache)
    return `the cache ${m.cache.name} was destroyed (kmem_cache_destroy): nothing to ${op.kind}`;
  return (ENTRY_LOCALS[op.kind] as (k: K, op: Op) => Locals | string)(k, op);
}

/** What the caller does with an operation's result. */
function finishOp(k: K, value: Value): void {
  const m = k.m;
  const a = k.a;
  const op = a.ops[a.op]!;
  (OP_FINISH[op.kind] as ((k: K, op: Op, v: Value) => void) | undefined)?.(
    k,
    op,
    value,
  );
  k.ev.opEnd = true;
  a.op++;
  // Its own CPU (the actor, an interrupt's exit), and whoever waits for this operation to end.
  touchCpu(a.cpu);
  const actors = m.actors;
  for (let i = 0; i < actors.length; i++) {
    const w = actors[i]!.wait;
    if (
      w !== null &&
      (w.kind === "work" || w.kind === "ipi") &&
      w.actor === a.id
    ) {
      touchActor(i);
      touchCpu(actors[i]!.cpu);
    }
  }
  const cpu = m.cpus[a.cpu]!;
  if (isHardContext(m, a)) {
    // Interrupt exit: back to the interrupted context with its irq state.
    if (a.kind === "nmi") cpu.nmi = null;
    else {
      cpu.irq = null;
      cpu.irqsOff = false;
    }
  }
  const irqsLeft = !isHardContext(m, a) && cpu.irqsOff;
  if (
    a.preemptCount !== 0 ||
    a.migrateDisable !== 0 ||
    a.held.length > 0 ||
    irqsLeft
  ) {
    const leaks: string[] = [];
    if (a.preemptCount !== 0) leaks.push(`preempt count ${a.preemptCount}`);
    if (a.migrateDisable !== 0)
      leaks.push(`migrate_disable depth ${a.migrateDisable}`);
    if (a.held.length > 0)
      leaks.push(`locks held: ${a.held.map((h) => h.cls).join(", ")}`);
    if (irqsLeft) leaks.push("irqs left disabled");
    report(
      k,
      "preempt-leak",
      kernelLog(
        `BUG: ${a.name} returned from ${entryOf(op, k.variant)} with ${leaks.join("; ")}`,
      ),
    );
  }
  if (
    a.ownedChains.length + a.ownedObjects.length + a.ownedSlabs.length > 0 &&
    a.status === "ready"
  ) {
    // The operation returns while only its locals pointed at these (for example __flush_cpu_slab
    // of a dead CPU whose c->freelist outlived c->page: it deactivates nothing and drops the
    // freelist). Nothing refers to them any more: the checks report what is lost.
    const chains: string[] = [];
    for (let i = 0; i < a.ownedChains.length; i += 2)
      chains.push(fmtObj(m, a.ownedChains[i]!));
    const what = [
      ...chains.map((o) => `the freelist at ${o}`),
      ...a.ownedObjects.map((o) => `object ${fmtObj(m, o)}`),
      ...a.ownedSlabs.map((p) => `slab P${p}`),
    ];
    k.a.note = `${a.name} returned from ${entryOf(op, k.variant)} dropping ${what.join(", ")}`;
    a.ownedChains = [];
    a.ownedObjects = [];
    a.ownedSlabs = [];
    stepPages.held = true;
  }
  if (!a.system && a.op >= a.ops.length) a.status = "done";
}

export interface StepOptions {
  checks?: boolean;
  /**
   * The caller reads only the returned event's outcome, opStart, opEnd and findings, before the
   * next step, and keeps none of it: the engine reuses one event object and leaves its details
   * out (`K.detail`).
   */
  reuseEvent?: boolean;
}

const ctx: K = {
  m: undefined as unknown as Machine,
  a: undefined as unknown as Actor,
  f: undefined as unknown as K["f"],
  L: {},
  cpu: 0,
  ev: undefined as unknown as StepEvent,
  detail: true,
  variant: undefined as unknown as Variant,
};

/**
 * A step's event as it starts: written into `into` when given (the one event of the steps whose
 * caller keeps none of it, `StepOptions.reuseEvent`, so that a long run allocates no event per
 * step), or a new one.
 */
function startEvent(
  into: StepEvent | null,
  step: number,
  actor: number,
  cpu: number,
  via: Choice["via"],
): StepEvent {
  if (into === null)
    return {
      step,
      actor,
      cpu,
      fn: "",
      pc: 0,
      line: "",
      label: null,
      via,
      outcome: "ran",
      // Most steps add nothing to these: they share one empty array until the first push.
      notes: NOTHING,
      stats: NOTHING,
      findings: NOTHING,
      opStart: false,
      opEnd: false,
    };
  into.step = step;
  into.actor = actor;
  into.cpu = cpu;
  into.fn = "";
  into.pc = 0;
  into.line = "";
  into.label = null;
  into.via = via;
  into.outcome = "ran";
  into.notes = NOTHING;
  into.stats = NOTHING;
  into.findings = NOTHING;
  into.opStart = false;
  into.opEnd = false;
  return into;
}

const scratchEvent = startEvent(null, 0, 0, 0, "running");

/** Executes one micro-step for `choice` on a machine the caller owns; refuses one `enabled` does not allow. */
export function stepInPlace(
  m: Machine,
  v: Variant,
  choice: Pick<Choice, "actor" | "cpu">,
  opts: StepOptions = {},
): StepEvent {
  const a = m.actors[choice.actor];
  if (!a) throw new StepRefused(`no actor ${choice.actor}`);
  const ch = choicesFor(m, a).find((c) => c.cpu === choice.cpu);
  if (!ch)
    throw new StepRefused(
      `${a.name} may not take a step on cpu ${choice.cpu} now`,
    );
  return applyChoice(m, v, ch, opts);
}

// Each actor's top frame and its kernel function as last looked up: a frame's function never
// changes, so while an actor stays in one frame its steps skip the lookup by name (most steps).
let fnsOf: Variant | null = null;
let topFrame: (Frame | null)[] = [];
let topFn: KernelFn[] = [];

/** The kernel function of `a`'s top frame `f`. */
function frameFn(v: Variant, a: Actor, f: Frame): KernelFn {
  if (fnsOf === v && topFrame[a.id] === f) return topFn[a.id]!;
  const kfn = v.fns[f.fn];
  if (!kfn) throw new EngineBug(`variant ${v.name} has no function ${f.fn}`);
  if (fnsOf !== v) {
    fnsOf = v;
    topFrame = [];
    topFn = [];
  }
  topFrame[a.id] = f;
  topFn[a.id] = kfn;
  return kfn;
}

// The stepping actor's part of what the scheduler reads of it (scheduler.ts `progressParts`), as
// the step found it. The step may write any of it directly (an operation started or finished, a
// wait set, a depth changed), so the actor is recounted when one of them changed, and only then:
// most steps change none of it. (Its CPU's part is marked where it is written, `touchCpu`, and
// other actors' where their waits end.)
let schedStatus: Actor["status"] = "ready";
let schedIdle = false;
let schedOp = 0;
let schedOps = 0;
let schedWait: Actor["wait"] = null;
let schedCpu = 0;
let schedMigrate = 0;
let schedPreempt = 0;

function noteSchedState(a: Actor): void {
  schedStatus = a.status;
  schedIdle = a.frames.length === 0;
  schedOp = a.op;
  schedOps = a.ops.length;
  schedWait = a.wait;
  schedCpu = a.cpu;
  schedMigrate = a.migrateDisable;
  schedPreempt = a.preemptCount;
}

function touchIfSchedStateChanged(a: Actor): void {
  if (
    a.status !== schedStatus ||
    (a.frames.length === 0) !== schedIdle ||
    a.op !== schedOp ||
    a.ops.length !== schedOps ||
    a.wait !== schedWait ||
    a.cpu !== schedCpu ||
    a.migrateDisable !== schedMigrate ||
    a.preemptCount !== schedPreempt
  )
    touchActor(a.id);
}

/**
 * Executes a choice just computed by `choicesFor` on this very machine state (the runner's
 * path: it has already asked the scheduler, so it does not ask twice).
 */
export function applyChoice(
  m: Machine,
  v: Variant,
  ch: Choice,
  opts: StepOptions = {},
): StepEvent {
  const a = m.actors[ch.actor]!;
  noteSchedState(a);
  // The pages this step reaches are listed from here (the checks compare only those); a step
  // without the checks keeps no list.
  if (opts.checks !== false) beginStepPages(m);
  else {
    stepPages.all = true;
    stepPages.allCpus = true;
    stepPages.nodes = -1;
    // Nothing reads the list of slots written after such a step: without this it would grow
    // with every session's slots (each write searching it) and keep them alive.
    stepPages.slotN = 0;
  }
  // Give the actor the CPU.
  const cpu = m.cpus[ch.cpu]!;
  switch (ch.via) {
    case "migrate": {
      const old = m.cpus[a.cpu]!;
      if (old.current === a.id) old.current = null;
      touchCpu(old.id);
      a.cpu = ch.cpu;
      cpu.current = a.id;
      break;
    }
    case "switch":
    case "preempt":
      cpu.current = a.id;
      break;
    case "irq-entry":
      cpu.irq = a.id;
      cpu.irqsOff = true;
      break;
    case "nmi-entry":
      cpu.nmi = a.id;
      break;
    case "running":
      break;
  }
  if (ch.via !== "running") touchCpu(ch.cpu);

  const ev = startEvent(
    opts.reuseEvent === true ? scratchEvent : null,
    m.step,
    a.id,
    ch.cpu,
    ch.via,
  );
  const k = ctx;
  k.detail = opts.reuseEvent !== true;
  k.m = m;
  k.a = a;
  k.cpu = ch.cpu;
  k.ev = ev;
  k.variant = v;

  if (a.frames.length === 0) {
    const op = a.ops[a.op]!;
    a.note = null;
    ev.opStart = true;
    // Inside an operation from here (or done with it, below): the scheduler reads both.
    touchCpu(a.cpu);
    const entry = entryOf(op, v);
    k.f = { fn: entry, pc: 0, L: {} };
    const locals = v.fns[entry]
      ? entryLocals(k, op)
      : `${v.name} does not model ${entry}: nothing to do`;
    if (typeof locals === "string") {
      a.note = locals;
      ev.fn = entry;
      ev.line = locals;
      finishOp(k, null);
      touchIfSchedStateChanged(a);
      m.step++;
      if (opts.checks !== false) runChecks(m, k);
      return ev;
    }
    a.frames.push({ fn: entry, pc: 0, L: locals });
  }

  const f = a.frames[a.frames.length - 1]!;
  const kfn = frameFn(v, a, f);
  const sd = kfn.steps[f.pc];
  if (!sd) throw new EngineBug(`${f.fn} has no step ${f.pc}`);
  k.f = f;
  k.L = f.L;
  ev.fn = f.fn;
  ev.pc = f.pc;
  ev.line = sd.line;
  ev.label = sd.label ?? null;

  try {
    transfer(k, v, kfn, sd.run(k));
  } catch (e) {
    if (!(e instanceof NullDereference)) {
      touchActor(a.id);
      throw e;
    }
    oops(k, v, e);
  }
  touchIfSchedStateChanged(a);
  m.step++;
  if (opts.checks !== false) runChecks(m, k);
  return ev;
}

/** Control transfer after a step, possibly cascading through returns into callers' `after` hooks. */
function transfer(k: K, v: Variant, kfn: KernelFn, first: Next): void {
  const a = k.a;
  let next = first;
  for (;;) {
    if (next === undefined) {
      k.f.pc++;
      break;
    }
    if (next.kind === "goto") {
      // `kfn` is k.f's function: a goto ends the transfer, and a return moves on to the caller.
      const to = kfn.labels[next.label];
      if (to === undefined)
        throw new EngineBug(`${k.f.fn}: no label ${next.label}`);
      k.f.pc = to;
      break;
    }
    if (next.kind === "retry") break;
    if (next.kind === "halt") {
      a.status = "crashed";
      schedWrites.n++;
      a.note = `${a.name} hit BUG() in ${k.f.fn} and stopped`;
      break;
    }
    if (next.kind === "call") {
      if (!v.fns[next.fn])
        throw new EngineBug(`variant ${v.name} has no function ${next.fn}`);
      // Every call site builds its arguments afresh (program.ts `call`): they become the
      // callee's locals as they are.
      a.frames.push({ fn: next.fn, pc: 0, L: next.args });
      break;
    }
    // return
    a.frames.pop();
    const caller = a.frames[a.frames.length - 1];
    if (!caller) {
      finishOp(k, next.value);
      break;
    }
    k.f = caller;
    k.L = caller.L;
    kfn = v.fns[caller.fn]!;
    const cs = kfn.steps[caller.pc]!;
    next = cs.after ? cs.after(k, next.value) : undefined;
  }
}

/**
 * The step dereferenced a NULL pointer: the kernel oopses, the context dies where it stands
 * (with whatever it holds) and the rest of the machine carries on, as after BUG().
 */
function oops(k: K, v: Variant, e: NullDereference): void {
  const a = k.a;
  const line = v.fns[k.f.fn]?.steps[k.f.pc]?.line ?? k.ev.line;
  report(
    k,
    "oops",
    kernelLog(
      `BUG: kernel NULL pointer dereference in ${k.f.fn}: ${e.local} is NULL at "${line}"`,
    ),
  );
  a.status = "crashed";
  schedWrites.n++;
  a.note = `${a.name} oopsed in ${k.f.fn} (NULL pointer dereference) and stopped`;
}

/** State is plain JSON data, so a JSON round trip is a faithful deep copy. */
export function cloneMachine(m: Machine): Machine {
  return JSON.parse(JSON.stringify(m)) as Machine;
}

/** The pure form: returns the next machine and the event, leaving `m` untouched. */
export function step(
  m: Machine,
  v: Variant,
  choice: Pick<Choice, "actor" | "cpu">,
  opts: StepOptions = {},
): { machine: Machine; event: StepEvent } {
  const next = cloneMachine(m);
  const event = stepInPlace(next, v, choice, opts);
  return { machine: next, event };
}

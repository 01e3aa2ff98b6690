/**
 * Who may take the next micro-step. `enabled` is the single source of truth.
 *
 * Execution contexts (kernel/sched, kernel/softirq, arch irq entry): each CPU runs a task, with a
 * hardirq above it and an NMI above that; only the top context runs. An IRQ enters only while its
 * CPU's irqs are on; a task is preempted only while preemption is on (and irqs on); an unpinned task
 * migrates only while both preemption and migration are on; an NMI enters anywhere.
 * On PREEMPT_RT, device interrupts are threaded: an `irq` actor is scheduled like a pinned
 * high-priority task and preempts whatever task is preemptible.
 * Simplified: no priorities or fairness (any runnable context may be picked); softirqs are not
 * modelled separately from hardirqs; CPU hotplug waits for tasks on a dying CPU to be migratable.
 * CONFIG_PREEMPT (full preemption) is assumed on !RT: a task can be switched out at any micro-step
 * where preemption and irqs are on. On CONFIG_PREEMPT_NONE or _VOLUNTARY kernels a task gives up
 * its CPU only where it sleeps or reschedules, so most same-CPU task interleavings shown here
 * could not happen there (interrupts, and everything between CPUs, still can).
 */
import {
  isHardContext as isHardContextImport,
  lockAvailable as lockAvailableImport,
} from "./prims";
import { schedWrites as schedWritesImport } from "./schedWrites";
import type { Actor, Choice, Machine, Wait } from "./types";

// Read once: under CommonJS (tsx, vitest, the CLI) every call through an imported binding is a
// getter call, which costs more than the call itself on this per-step path.
const isHardContext = isHardContextImport;
const lockAvailable = lockAvailableImport;
const schedWrites = schedWritesImport;

/** A waiter that busy-waits (and so keeps its CPU) rather than sleeping. */
export function spins(w: Wait): boolean {
  return w.kind === "ipi" || (w.kind === "lock" && w.spinning);
}

export function hasWork(a: Actor): boolean {
  return a.status === "ready" && (a.frames.length > 0 || a.op < a.ops.length);
}

export function waitSatisfied(m: Machine, w: Wait, who: number): boolean {
  switch (w.kind) {
    case "lock":
      return lockAvailable(m, w.ref, who);
    case "work":
    case "ipi": {
      const t = m.actors[w.actor]!;
      return t.op > w.op;
    }
    case "cpuIdle":
      return canTakeDown(m, w.cpu, who);
  }
}

/**
 * A CPU can go offline once every context on it is idle or a task that can be moved away
 * (takedown_cpu / balance_push: a migrate-disabled or atomic task holds it up).
 */
export function canTakeDown(m: Machine, cpu: number, who: number): boolean {
  const c = m.cpus[cpu]!;
  if (c.irq !== null || c.nmi !== null) return false;
  for (const a of m.actors) {
    if (a.id === who || a.frames.length === 0 || a.status !== "ready") continue;
    // stop_machine(): every online CPU must reach a preemptible point first.
    const ac = m.cpus[a.cpu]!;
    if (a.cpu !== cpu) {
      if (!ac.online) continue;
      if (a.kind === "irq" || a.kind === "nmi" || a.preemptCount > 0)
        return false;
      if (ac.current === a.id && ac.irqsOff) return false;
      continue;
    }
    // Interrupts finish on their CPU. A task with affinity only for the dying CPU is moved
    // anyway (its affinity is broken), unless it disabled migration; so is a per-CPU kworker:
    // workqueue_offline_cpu() unbinds its pool's workers, which may then run on any online CPU.
    if (a.kind === "irq" || a.kind === "nmi") return false;
    if (a.migrateDisable > 0 || a.preemptCount > 0) return false;
    if (c.current === a.id && c.irqsOff) return false;
    if (a.wait && spins(a.wait)) return false;
  }
  return true;
}

/** A task is switched out only at a preemption point: preemption and irqs on, or asleep. */
function taskYields(m: Machine, t: Actor): boolean {
  if (t.status !== "ready" || !hasWork(t)) return true;
  if (t.frames.length === 0) return true;
  if (t.wait && !spins(t.wait) && !waitSatisfied(m, t.wait, t.id)) return true; // asleep
  return t.preemptCount === 0 && !m.cpus[t.cpu]!.irqsOff;
}

function isTaskLike(m: Machine, a: Actor): boolean {
  return !isHardContext(m, a);
}

/** How task-like `a` could run on `cpu` now, or null. */
function taskVia(m: Machine, a: Actor, cpu: number): Choice["via"] | null {
  const c = m.cpus[cpu]!;
  if (!c.online) return null;
  if (c.irq !== null || c.nmi !== null) return null;
  if (c.current === a.id) return "running";
  if (c.current === null) return "switch";
  const t = m.actors[c.current]!;
  if (!taskYields(m, t)) return null;
  return t.frames.length > 0 && t.status === "ready" ? "preempt" : "switch";
}

/** Every choice for one actor (without migrations when `migrations` is false: they are the costly part). */
export function choicesFor(m: Machine, a: Actor, migrations = true): Choice[] {
  const out: Choice[] = [];
  choicesInto(m, a, migrations, false, out, 0);
  return out;
}

/**
 * `choicesFor`'s choices (only those that make progress when `progressOnly`), written into
 * `out` from index `n` on, reusing the Choice objects already there (a caller that keeps none
 * past its next call allocates nothing per step); returns the index after the last one.
 */
export function choicesInto(
  m: Machine,
  a: Actor,
  migrations: boolean,
  progressOnly: boolean,
  out: Choice[],
  n: number,
): number {
  if (!hasWork(a)) return n;
  let progress = true;
  if (a.wait) {
    const ok = waitSatisfied(m, a.wait, a.id);
    if (!ok && !spins(a.wait)) return n; // asleep
    progress = ok;
  }
  if (progressOnly && !progress) return n;
  const c = m.cpus[a.cpu]!;
  if (!isTaskLike(m, a)) {
    if (!c.online) return n;
    if (a.kind === "nmi") {
      if (c.nmi === a.id) return put(out, n, a.id, a.cpu, progress, "running");
      if (c.nmi === null && a.frames.length === 0)
        return put(out, n, a.id, a.cpu, progress, "nmi-entry");
      return n;
    }
    if (c.nmi !== null) return n;
    if (c.irq === a.id) return put(out, n, a.id, a.cpu, progress, "running");
    if (c.irq === null && !c.irqsOff && a.frames.length === 0)
      return put(out, n, a.id, a.cpu, progress, "irq-entry");
    return n;
  }
  const here = taskVia(m, a, a.cpu);
  if (here) n = put(out, n, a.id, a.cpu, progress, here);
  // Migration: only an unpinned task at a point where it could be switched out.
  const movable =
    !a.pinned &&
    a.migrateDisable === 0 &&
    a.preemptCount === 0 &&
    (c.current !== a.id || a.frames.length === 0 || !c.irqsOff || !c.online);
  if (migrations && movable && !(a.wait && spins(a.wait))) {
    for (let cpu = 0; cpu < m.cpus.length; cpu++) {
      if (cpu === a.cpu) continue;
      if (taskVia(m, a, cpu)) n = put(out, n, a.id, cpu, progress, "migrate");
    }
  }
  return n;
}

/** Writes a choice at `out[n]` (into the object there, if any); returns n + 1. */
function put(
  out: Choice[],
  n: number,
  actor: number,
  cpu: number,
  progress: boolean,
  via: Choice["via"],
): number {
  out[n] = writeChoice(out[n], actor, cpu, progress, via);
  return n + 1;
}

/** A choice, written into `into` when given, else new. */
function writeChoice(
  into: Choice | undefined,
  actor: number,
  cpu: number,
  progress: boolean,
  via: Choice["via"],
): Choice {
  if (into === undefined) return { actor, cpu, progress, via };
  into.actor = actor;
  into.cpu = cpu;
  into.progress = progress;
  into.via = via;
  return into;
}

// --- Counting and picking without building the lists -------------------------------------------
//
// The runner asks every step for the choices that make progress, and picks one: these give the
// number of an actor's progressing choices and the n-th of them, in exactly the order
// `choicesFor` lists them, with no array or object built on the way (scratch arrays per CPU).

const NONE = 0;
const RUNNING = 1;
const SWITCH = 2;
const PREEMPT = 3;
const VIA_NAME: readonly (Choice["via"] | null)[] = [
  null,
  "running",
  "switch",
  "preempt",
];

/** Per CPU, for this scan: online with no irq or nmi on it (1), and how a task that is not its current one gets it. */
let cpuFree = new Uint8Array(8);
let cpuOther = new Uint8Array(8);
/** Per CPU, its current task's id (-1: none). */
let cpuCurrent = new Int32Array(8);
/**
 * Per CPU, the rest of what its actors read of it besides the scan, packed (`cpuState`): online,
 * irqs off, and which irq and nmi context is on it.
 */
let cpuSeen = new Int32Array(8);
/** Per CPU: its current task has another CPU as its own (`a.cpu`). */
let cpuStray = new Uint8Array(8);
/** Whether hardirqs are hard contexts (not threaded): !PREEMPT_RT, for this scan. */
let hardIrqs = true;
/** CPUs a task that is not their current one could take now (`cpuOther` not NONE), for this scan. */
let otherTargets = 0;
/** CPUs whose current task is stray (`cpuStray`). */
let strayCpus = 0;
/**
 * Some CPU's current task has another CPU as its own: then a task may be current on a CPU other
 * than its own, and migrations are counted CPU by CPU.
 */
let stray = false;

/**
 * Fills the per-CPU scratch for `m` as it is now (taskVia's answer for an actor that is not the
 * CPU's current task). Must be called before `progressCount` / `nthChoice` on a changed machine.
 */
export function scanCpus(m: Machine): void {
  // The scratch is shared: a scan of any machine ends what the counts below knew.
  memoM = null;
  const n = m.cpus.length;
  if (cpuFree.length < n) {
    cpuFree = new Uint8Array(n);
    cpuOther = new Uint8Array(n);
    cpuCurrent = new Int32Array(n);
    cpuStray = new Uint8Array(n);
    cpuSeen = new Int32Array(n);
  }
  hardIrqs = !m.config.preemptRt;
  cpuOther.fill(NONE, 0, n);
  cpuStray.fill(0, 0, n);
  otherTargets = 0;
  strayCpus = 0;
  for (let i = 0; i < n; i++) scanCpu(m, i);
  stray = strayCpus > 0;
}

/** What a rescan of a CPU found changed (`scanCpu`). */
const SAME = 0;
/** Only its current task: only the old and the new current task count differently. */
const CURRENT = 1;
/** Something every actor of the CPU reads. */
const CPU = 2;

function cpuState(c: Machine["cpus"][number]): number {
  return (
    (c.online ? 1 : 0) |
    (c.irqsOff ? 2 : 0) |
    ((c.irq === null ? 0 : c.irq + 1) << 2) |
    ((c.nmi === null ? 0 : c.nmi + 1) << 17)
  );
}

/**
 * Rescans CPU `i`, keeping `otherTargets` and `strayCpus` up to date; says what changed for the
 * CPU's actors (SAME, CURRENT or CPU).
 */
function scanCpu(m: Machine, i: number): number {
  const c = m.cpus[i]!;
  const wasFree = cpuFree[i];
  const wasOther = cpuOther[i];
  const wasCurrent = cpuCurrent[i];
  const wasStray = cpuStray[i];
  const wasSeen = cpuSeen[i];
  cpuSeen[i] = cpuState(c);
  if (cpuOther[i] !== NONE) otherTargets--;
  strayCpus -= cpuStray[i]!;
  cpuCurrent[i] = c.current === null ? -1 : c.current;
  cpuStray[i] = c.current !== null && m.actors[c.current]!.cpu !== i ? 1 : 0;
  strayCpus += cpuStray[i]!;
  let other = NONE;
  if (!c.online || c.irq !== null || c.nmi !== null) cpuFree[i] = 0;
  else {
    cpuFree[i] = 1;
    if (c.current === null) other = SWITCH;
    else {
      const t = m.actors[c.current]!;
      other = !taskYields(m, t)
        ? NONE
        : t.frames.length > 0 && t.status === "ready"
          ? PREEMPT
          : SWITCH;
    }
  }
  cpuOther[i] = other;
  if (other !== NONE) otherTargets++;
  if (
    cpuFree[i] !== wasFree ||
    other !== wasOther ||
    cpuStray[i] !== wasStray ||
    cpuSeen[i] !== wasSeen
  )
    return CPU;
  return cpuCurrent[i] !== wasCurrent ? CURRENT : SAME;
}

/** taskVia from the scratch. */
function viaAt(a: Actor, cpu: number): number {
  if (cpuFree[cpu] === 0) return NONE;
  return cpuCurrent[cpu] === a.id ? RUNNING : cpuOther[cpu]!;
}

/**
 * How many choices `choicesFor(m, a, migrations)` gives that make progress (an actor's choices
 * all make progress or none does). `scanCpus(m)` must describe `m`.
 */
export function progressCount(
  m: Machine,
  a: Actor,
  migrations: boolean,
): number {
  const parts = progressParts(m, a);
  let n = parts & HERE;
  if (migrations && (parts & MAY_MIGRATE) !== 0) {
    // Unless a task is current away from its own CPU, `a` is current on no other CPU, so
    // viaAt(a, cpu) there is cpuOther: the CPUs counted in the scan, less `a`'s own.
    if (!stray) n += otherTargets - (cpuOther[a.cpu] !== NONE ? 1 : 0);
    else {
      const cpus = m.cpus.length;
      for (let cpu = 0; cpu < cpus; cpu++)
        if (cpu !== a.cpu && viaAt(a, cpu) !== NONE) n++;
    }
  }
  return n;
}

/** `progressParts` bits: a progressing choice on its own CPU; it may migrate now. */
const HERE = 1;
const MAY_MIGRATE = 2;

/**
 * Whether `a` has a progressing choice on its own CPU (HERE) and whether it may migrate now
 * (MAY_MIGRATE: then each other CPU a task could take is one more choice).
 */
function progressParts(m: Machine, a: Actor): number {
  if (a.status !== "ready" || (a.frames.length === 0 && a.op >= a.ops.length))
    return 0;
  const w = a.wait;
  if (w && !waitSatisfied(m, w, a.id)) return 0;
  const c = m.cpus[a.cpu]!;
  // isHardContext(m, a), with the config read once per scan.
  if (a.kind === "nmi" || (a.kind === "irq" && hardIrqs)) {
    if (!c.online) return 0;
    if (a.kind === "nmi")
      return c.nmi === a.id || (c.nmi === null && a.frames.length === 0)
        ? HERE
        : 0;
    if (c.nmi !== null) return 0;
    return c.irq === a.id ||
      (c.irq === null && !c.irqsOff && a.frames.length === 0)
      ? HERE
      : 0;
  }
  const here = viaAt(a, a.cpu) !== NONE ? HERE : 0;
  return movable(a, c) && !(w && spins(w)) ? here | MAY_MIGRATE : here;
}

function movable(a: Actor, c: Machine["cpus"][number]): boolean {
  return (
    !a.pinned &&
    a.migrateDisable === 0 &&
    a.preemptCount === 0 &&
    (c.current !== a.id || a.frames.length === 0 || !c.irqsOff || !c.online)
  );
}

/**
 * The `n`-th progressing choice of `a` (0 <= n < progressCount), as `choicesFor` orders them;
 * written into `into` when given (a caller that keeps no choice past its step).
 */
export function nthChoice(
  m: Machine,
  a: Actor,
  n: number,
  into?: Choice,
): Choice {
  const c = m.cpus[a.cpu]!;
  if (isHardContext(m, a)) {
    const via: Choice["via"] =
      a.kind === "nmi"
        ? c.nmi === a.id
          ? "running"
          : "nmi-entry"
        : c.irq === a.id
          ? "running"
          : "irq-entry";
    return writeChoice(into, a.id, a.cpu, true, via);
  }
  const here = viaAt(a, a.cpu);
  if (here !== NONE) {
    if (n === 0) return writeChoice(into, a.id, a.cpu, true, VIA_NAME[here]!);
    n--;
  }
  const cpus = m.cpus.length;
  for (let cpu = 0; cpu < cpus; cpu++) {
    if (cpu === a.cpu || viaAt(a, cpu) === NONE) continue;
    if (n === 0) return writeChoice(into, a.id, cpu, true, "migrate");
    n--;
  }
  throw new Error(`${a.name} has fewer progressing choices than asked`);
}

// --- Counting every actor's progressing choices, kept between steps ----------------------------
//
// The random scheduler counts every actor's progressing choices before each pick. Most
// micro-steps write nothing those counts read, and most of the rest write only one CPU's part
// or one actor's (schedWrites.ts): the counts are kept between steps, and only the CPUs and the
// actors written are looked at again (every actor of a CPU whose rescan changed what they all
// read of it). Same counts as a full recount, so the same picks and schedules.
//
// An actor's choices are its own CPU's (0 or 1: `here`) and, when it may migrate now (`mov`),
// one per other CPU a task could take: `otherTargets` less its own CPU's part (`own`). So the
// total with migrations is the total without them plus movers x otherTargets less their `own`s,
// and a change to which CPUs can be taken costs nothing per actor. (While a task is current away
// from its own CPU, migrations are counted actor by actor instead.)

/** Per actor: progressing choices on its own CPU; whether it may migrate; its own CPU's target part. */
let here = new Uint8Array(64);
let mov = new Uint8Array(64);
let own = new Uint8Array(64);
/**
 * Bit sets over actors, 32 to a word: `hereBits` the actors with a progressing choice on their
 * own CPU (so that a pick without migrations finds the n-th set bit rather than walking every
 * actor), `cpuActors` per CPU the actors that were on it when last counted (so that a recount
 * visits only the actors of the CPUs written). `countedCpu`: each actor's CPU when last counted.
 * An actor changes CPU only by a migration (both CPUs are written, so it is recounted and moves
 * to its new CPU's set) or by hotplug (which recounts everything).
 */
let words = 1;
let hereBits = new Int32Array(2);
let cpuActors = new Int32Array(16);
let countedCpu = new Int32Array(64);
/** Sum of `here`; movers; sum of `own` over the movers. */
let hereTotal = 0;
let movers = 0;
let moverOwn = 0;
/** The machine, step and write count the counts describe (memoM null: none). */
let memoM: Machine | null = null;
let memoStep = -1;
let memoWrites = -1;
/**
 * Some actor waits for a CPU to go idle: canTakeDown reads every CPU's actors, so every step
 * is counted in full while it waits.
 */
let memoAll = false;
/** When on, every reuse is recounted and compared (tests: a writer that forgot to bump). */
let checkCounts = false;

/** Turns the self-check of kept counts on or off (src/bench/schedulerCounts.test.ts). */
export function checkSchedulerCounts(on: boolean): void {
  checkCounts = on;
}

/**
 * How many progressing choices every actor has, in all (with or without migrations), looking
 * again only at what was written since the last count of `m`. `pickProgressing` then finds the
 * n-th of them.
 */
export function progressing(m: Machine, migrations: boolean): number {
  const valid =
    memoM === m &&
    !memoAll &&
    memoWrites === schedWrites.n &&
    !stray &&
    (m.step === memoStep || m.step === memoStep + 1);
  if (!valid) {
    scanCpus(m);
    countAll(m);
    memoM = m;
    memoWrites = schedWrites.n;
    schedWrites.cpus = 0;
    schedWrites.actors.fill(0);
  } else if (schedWrites.cpus !== 0 || schedWrites.any) {
    recountTouched(m);
  } else if (checkCounts) recheck(m);
  schedWrites.any = false;
  memoStep = m.step;
  if (!migrations) return hereTotal;
  if (stray) {
    let total = 0;
    const actors = m.actors;
    for (let j = 0; j < actors.length; j++)
      total += progressCount(m, actors[j]!, true);
    return total;
  }
  return hereTotal + movers * otherTargets - moverOwn;
}

/** Counts actor `j` into the sums (`scanCpus` describes its CPU). */
function countActor(m: Machine, j: number): void {
  const a = m.actors[j]!;
  const parts = progressParts(m, a);
  const h = parts & HERE;
  const mv = (parts & MAY_MIGRATE) !== 0 ? 1 : 0;
  const o = cpuOther[a.cpu] !== NONE ? 1 : 0;
  here[j] = h;
  mov[j] = mv;
  own[j] = o;
  const w = j >> 5;
  const bit = 1 << (j & 31);
  if (h !== 0) hereBits[w]! |= bit;
  else hereBits[w]! &= ~bit;
  const was = countedCpu[j]!;
  if (was !== a.cpu) {
    if (was >= 0) cpuActors[was * words + w]! &= ~bit;
    cpuActors[a.cpu * words + w]! |= bit;
    countedCpu[j] = a.cpu;
  }
  hereTotal += h;
  movers += mv;
  moverOwn += mv * o;
  if (a.wait !== null && a.wait.kind === "cpuIdle") memoAll = true;
}

function uncountActor(j: number): void {
  hereTotal -= here[j]!;
  movers -= mov[j]!;
  moverOwn -= mov[j]! * own[j]!;
}

function countAll(m: Machine): void {
  const n = m.actors.length;
  if (here.length < n) {
    here = new Uint8Array(n * 2);
    mov = new Uint8Array(n * 2);
    own = new Uint8Array(n * 2);
  }
  words = (n + 31) >> 5 || 1;
  if (hereBits.length < words) hereBits = new Int32Array(words);
  else hereBits.fill(0);
  const cells = m.cpus.length * words;
  if (cpuActors.length < cells) cpuActors = new Int32Array(cells);
  else cpuActors.fill(0);
  if (countedCpu.length < n) countedCpu = new Int32Array(n * 2);
  countedCpu.fill(-1);
  hereTotal = 0;
  movers = 0;
  moverOwn = 0;
  memoAll = false;
  for (let j = 0; j < n; j++) countActor(m, j);
}

/** The index of the lowest set bit of `x` (not 0). */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** How many bits of `x` are set. */
function popCount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 63;
}

/** Actors to recount (scratch of `recountTouched`), as bits. */
let due = new Int32Array(2);

/**
 * Rescans the CPUs written since the last count and recounts the actors whose counts may have
 * changed: those written themselves (`touchActor`), and on a rescanned CPU either every actor
 * counted there (something they all read changed) or only its old and new current task (only
 * which task is current changed) or none.
 */
function recountTouched(m: Machine): void {
  const touched = schedWrites.cpus;
  schedWrites.cpus = 0;
  if (due.length < words) due = new Int32Array(words);
  const written = schedWrites.actors;
  for (let w = 0; w < words; w++) {
    due[w] = written[w]!;
    written[w] = 0;
  }
  for (let t = touched; t !== 0; t &= t - 1) {
    const i = lowestBit(t);
    const was = cpuCurrent[i]!;
    const change = scanCpu(m, i);
    if (change === CPU)
      for (let w = 0; w < words; w++) due[w]! |= cpuActors[i * words + w]!;
    else if (change === CURRENT) {
      if (was >= 0) due[was >> 5]! |= 1 << (was & 31);
      const now = cpuCurrent[i]!;
      if (now >= 0) due[now >> 5]! |= 1 << (now & 31);
    }
  }
  stray = strayCpus > 0;
  for (let w = 0; w < words; w++)
    for (let bits = due[w]!; bits !== 0; bits &= bits - 1) {
      const j = (w << 5) | lowestBit(bits);
      uncountActor(j);
      countActor(m, j);
    }
  if (checkCounts) recheck(m);
}

/** The self-check: every kept count against a count from scratch. */
function recheck(m: Machine): void {
  const actors = m.actors;
  const kept = actors.map((_, j) => [here[j]!, mov[j]!, own[j]!].join());
  const keptSums = [hereTotal, movers, moverOwn, otherTargets].join();
  const keptAll = memoAll;
  const keptBits = [...hereBits.subarray(0, words)].join();
  const keptSets = [...cpuActors.subarray(0, m.cpus.length * words)].join();
  scanCpus(m);
  countAll(m);
  if ([...hereBits.subarray(0, words)].join() !== keptBits)
    throw new Error(
      `step ${m.step}: the set of actors with a choice on their own CPU was kept as ${keptBits}, counted as ${[...hereBits.subarray(0, words)].join()}`,
    );
  if ([...cpuActors.subarray(0, m.cpus.length * words)].join() !== keptSets)
    throw new Error(
      `step ${m.step}: the actors per CPU were kept as ${keptSets}, counted as ${[...cpuActors.subarray(0, m.cpus.length * words)].join()}`,
    );
  for (let j = 0; j < actors.length; j++) {
    const now = [here[j]!, mov[j]!, own[j]!].join();
    if (now !== kept[j])
      throw new Error(
        `step ${m.step}: ${actors[j]!.name} counts ${now} (here, may migrate, own CPU takeable) but the scheduler kept ${kept[j]}: a write to scheduler state did not reach schedWrites`,
      );
  }
  for (let j = 0; !stray && j < actors.length; j++) {
    const withMigrations = here[j]! + mov[j]! * (otherTargets - own[j]!);
    if (withMigrations !== progressCount(m, actors[j]!, true))
      throw new Error(
        `step ${m.step}: ${actors[j]!.name} has ${progressCount(m, actors[j]!, true)} choices with migrations, counted as ${withMigrations}`,
      );
  }
  const sums = [hereTotal, movers, moverOwn, otherTargets].join();
  if (sums !== keptSums)
    throw new Error(
      `step ${m.step}: scheduler sums ${sums} but kept ${keptSums}`,
    );
  memoAll = memoAll || keptAll;
  memoM = m;
}

/**
 * The `pick`-th progressing choice over every actor, in actor order (after `progressing`);
 * written into `into` when given.
 */
export function pickProgressing(
  m: Machine,
  migrations: boolean,
  pick: number,
  into?: Choice,
): Choice {
  const actors = m.actors;
  if (!migrations) {
    // The pick-th actor in `hereBits`: whole words first, then bit by bit.
    for (let w = 0; w < words; w++) {
      let bits = hereBits[w]!;
      const c = popCount(bits);
      if (pick >= c) {
        pick -= c;
        continue;
      }
      for (; pick > 0; pick--) bits &= bits - 1;
      return nthChoice(m, actors[(w << 5) | lowestBit(bits)]!, 0, into);
    }
    throw new Error("the progressing choices changed while picking one");
  }
  for (let j = 0; j < actors.length; j++) {
    const a = actors[j]!;
    const c = !migrations
      ? here[j]!
      : stray
        ? progressCount(m, a, true)
        : here[j]! + mov[j]! * (otherTargets - own[j]!);
    if (pick < c) return nthChoice(m, a, pick, into);
    pick -= c;
  }
  throw new Error("the progressing choices changed while picking one");
}

export function enabled(m: Machine): Choice[] {
  const out: Choice[] = [];
  for (const a of m.actors) {
    const cs = choicesFor(m, a);
    for (const c of cs) out.push(c);
  }
  return out;
}

/** True when some actor still has work but none can make progress. */
export function stuck(m: Machine): boolean {
  let work = false;
  for (const a of m.actors) {
    if (!hasWork(a)) continue;
    // Idle contexts bound to an offline CPU wait for it to come back: not a deadlock.
    if (
      a.frames.length === 0 &&
      !m.cpus[a.cpu]!.online &&
      (a.pinned || a.kind !== "task")
    )
      continue;
    work = true;
    if (choicesFor(m, a).some((c) => c.progress)) return false;
  }
  return work;
}

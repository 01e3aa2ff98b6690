/**
 * The race explorer's search: given a scenario's actors and operations (its schedule is ignored),
 * it walks the interleavings the engine allows, depth first, and stops at the first one whose run
 * produces a finding. Pure and deterministic like the engine: no clock, no randomness; the same
 * scenario and options always walk the same schedules in the same order.
 *
 * Preemption bounding. Schedules are ordered by how many preemptions they need, and the search
 * runs with a bound of 0, then 1, 2, ... up to the bound asked for. A preemption is a step by
 * another actor while the actor that took the last step could still take one; when that actor
 * blocks (sleeps on a lock, waits for work) or finishes its operations, switching to anyone is
 * free. A bound of K covers every schedule with at most K preemptions: races that need one to
 * three preemptions followed by long uninterrupted runs are found at a small bound, where random
 * schedules (which switch almost every step) rarely hit them.
 *
 * Which choices are explored. At each point the explorer considers, for every actor, the step the
 * engine allows on its own CPU (`choicesFor` without migrations): a task running or taking its
 * CPU, an IRQ or NMI entering or running, a kworker or IPI handler the kernel queued work for.
 * Left out:
 *  - steps that make no progress (spinning on a held lock, re-blocking): they change nothing the
 *    kernel reads, so every behaviour is reached without them;
 *  - migrations, except for a task whose own CPU is offline (the only way it can go on; option
 *    `migrations: "all"` explores every migration `choicesFor` lists, at the price of a much wider
 *    tree). Moving a task to another CPU makes it another scenario; the library's races keep their
 *    actors on the CPUs the scenario gives them.
 * When nothing can make progress and some actor still has work, the schedule ends in a deadlock,
 * reported as the `deadlock` finding exactly as a run does (run.ts).
 *
 * Snapshots. The machine is copied at branch points (copyState, a structural copy of the plain
 * data): each child of a branch point gets its own copy, the last child the original. Between
 * branch points the machine is stepped in place. The after-step checks keep a record of the
 * last state they checked (engine checkInputs.ts); the first copy made at a branch point adopts
 * it (`adoptCheckedState`), so that its steps are checked as the original's would have been.
 *
 * State pruning. At every branch point (and, on a stretch with one way on, where an operation
 * has just ended while other actors wait) the search looks up the pair (state fingerprint, actor
 * that took the last step) in a visited map that keeps, per pair, the largest preemption budget
 * it was explored with. If the pair was explored with at least the budget left now, the subtree
 * is skipped. Sound because what can happen from a branch point depends only on the machine
 * state, on who took the last step (it decides which switches are preemptions) and on the budget,
 * and the schedules of a smaller budget are a subset of those of a larger one: the skipped
 * subtree's schedules were all run, without a finding (the search stops at the first). Two
 * caveats, both stated in the report: the fingerprint is a 53-bit hash (state.ts), so two
 * different states collide with a probability of about 2^-53 per pair; and the per-schedule step
 * limit is counted from step 0, so a state reached later has fewer steps left (the limit is far
 * above the length of any schedule that ends, and only a livelock reaches it).
 * The fingerprint keeps each page's and each actor's hash from lookup to lookup (state.ts); after
 * every step the search tells it what the step may have written, and a copy made at a branch
 * point starts from the hashes of the state it copies.
 *
 * Splitting across workers. With `split: { index, count, depth }`, every worker walks the same
 * tree down to the `depth`-th branch point of each path (no pruning above it, so that the walk
 * is the same in every worker), numbers the subtrees found at that depth in walk order, and
 * explores the ones whose number is `index` modulo `count` (or, with `claims`, the ones it
 * claims first in a table the workers share: each subtree is still explored by exactly one
 * worker, and a faster worker takes more of them). The visited map of a worker only
 * holds states of its own subtrees, so the pruning argument above holds in each worker. Workers
 * may also share one visited map (`sharedVisited`, the CLI's threads): a worker then skips a
 * state another has taken on, which that worker explores completely (visited.ts
 * `SharedVisited`); the schedule counts then depend on the workers' timing.
 *
 * Engine errors. A step that throws (an EngineBug, or any other error from the engine) ends that
 * schedule: it is counted, the first few are kept with their schedule, and the search goes on.
 */
import {
  adoptCheckedState,
  applyChoice,
  buildVariant,
  choicesInto,
  configOf,
  deadlockFinding,
  hasWork,
  schedWrites as schedWritesImport,
  start,
  stepPages as stepPagesImport,
  stuck,
  type Choice,
  type Finding,
  type FindingCode,
  type Machine,
  type Scenario,
  type Session,
  type StepEvent,
} from "../engine";

type Variant = Session["variant"];

// Read once: the hot loop calls these millions of times, and a module namespace read per call
// costs more than the call itself once the modules are compiled to CommonJS (tsx, vitest).
const choicesOf = choicesInto;
const hasWorkLeft = hasWork;
const applyOne = applyChoice;
const stepPages = stepPagesImport;
const schedWrites = schedWritesImport;
import {
  copyMachine,
  fingerprint,
  fingerprintCached,
  fingerprintForget,
  fingerprintRestore,
  fingerprintSnapshot,
  fingerprintStepped,
} from "./state";

/** When on, every lookup's kept fingerprint is compared with one from scratch (tests). */
let checkFingerprints = false;
export function checkSearchFingerprints(on: boolean): void {
  checkFingerprints = on;
}
import { SharedVisited, Visited } from "./visited";

/** One step of a schedule: who, on which CPU, and how it got the CPU. */
export interface PathStep {
  actor: number;
  cpu: number;
  via: Choice["via"];
}

export interface ExploreOptions {
  /** The largest number of preemptions (default 3). Bounds 0, 1, ... up to it run in turn. */
  bound?: number;
  /** Stop after this many schedules (default: no limit). */
  maxSchedules?: number;
  /** Steps in one schedule before it is cut off (default 20,000). */
  maxSteps?: number;
  /** "offline" (default): migrate only a task whose CPU is offline; "all": every migration. */
  migrations?: "offline" | "all";
  /** The findings that count (default: any finding). Others are ignored and the schedule goes on. */
  codes?: readonly FindingCode[] | null;
  /** Skip states already explored with at least the same budget (default true). */
  pruning?: boolean;
  /** The after-step checks (default true: most findings come from them). */
  checks?: boolean;
  /**
   * Explore only this worker's share of the tree: the subtrees at the `depth`-th branch point
   * whose number is `index` modulo `count`, or, with `claims` (made with `claimsBuffer()` and
   * shared by every worker), those this worker claims first.
   */
  split?: {
    index: number;
    count: number;
    depth: number;
    claims?: SharedArrayBuffer;
  };
  /**
   * A visited map shared with the other workers' searches (visited.ts `SharedVisited`, made
   * with `SharedVisited.buffer()`); with `split`.
   */
  sharedVisited?: SharedArrayBuffer;
  /** Called every `progressEvery` schedules (default 1024); returning true stops the search. */
  onProgress?: (s: ExploreStats) => boolean | void;
  progressEvery?: number;
  /** Executes one step (default: the engine's `applyChoice`). For tests and instrumentation. */
  applyStep?: (m: Machine, v: Variant, ch: Choice) => StepEvent;
}

export interface ExploreStats {
  /** Schedules run to an end: done, deadlock, finding, step limit, engine error, or cut by pruning. */
  schedules: number;
  /** Of those, schedules cut at a state already explored with at least the same budget. */
  pruned: number;
  /** Of those, schedules that hit the step limit. */
  stepLimited: number;
  /** Micro-steps executed. */
  steps: number;
  /** Machine copies made at branch points. */
  copies: number;
  /** Schedules that ended in an internal engine error. */
  engineErrors: number;
  /** The bound being explored now (or last). */
  bound: number;
  /** The largest bound explored completely with no finding (-1: none yet). */
  boundDone: number;
}

export interface EngineErrorReport {
  /** The schedule up to and including the step that threw. */
  path: PathStep[];
  message: string;
}

export interface ExploreFinding {
  finding: Finding;
  /** The bound in force when it was found (the schedule needs at most that many preemptions). */
  bound: number;
  path: PathStep[];
}

export interface ExploreResult {
  stats: ExploreStats;
  found: ExploreFinding | null;
  /** found | every schedule within the bound explored | schedule limit | stopped by onProgress. */
  end: "found" | "exhausted" | "max-schedules" | "stopped";
  errors: EngineErrorReport[];
}

/** The scenario with its schedule removed, its kernel built and its initial state prepared once. */
export interface Prepared {
  scenario: Scenario;
  variant: Variant;
  initial: Machine;
  /** Findings already present after the prepared operations: they do not count. */
  initialFindings: number;
}

/** Builds the initial state once (throws the engine's StepRefused when the prepared ops cannot run). */
export function prepare(
  s: Scenario,
  opts: { checks?: boolean } = {},
): Prepared {
  const scenario: Scenario = { ...s };
  delete scenario.schedule;
  delete scenario.narration;
  delete scenario.cursor;
  const sess = start(scenario, { checks: opts.checks ?? true });
  return {
    scenario,
    variant: sess.variant,
    initial: sess.machine,
    initialFindings: sess.machine.findings.length,
  };
}

/**
 * The same, from an initial state prepared elsewhere (a worker gets the state built once by the
 * main thread; the kernel's code, which is not data, is built again here).
 */
export function prepareFrom(
  scenario: Scenario,
  initial: Machine,
  initialFindings: number,
): Prepared {
  return {
    scenario,
    variant: buildVariant(configOf(scenario)),
    initial,
    initialFindings,
  };
}

const MAX_ERRORS_KEPT = 5;

class Stop {
  constructor(readonly why: ExploreResult["end"]) {}
}

/** The search over one prepared scenario; `run()` does the iterative bounds. */
/** Counters at zero; `boundDone` is -1 until a bound is finished. */
export function emptyStats(): ExploreStats {
  return {
    schedules: 0,
    pruned: 0,
    stepLimited: 0,
    steps: 0,
    copies: 0,
    engineErrors: 0,
    bound: 0,
    boundDone: -1,
  };
}

class Search {
  readonly stats: ExploreStats = emptyStats();
  readonly errors: EngineErrorReport[] = [];
  found: ExploreFinding | null = null;
  /** The last step ended an operation. */
  private opEnded = false;
  private visited = new Visited();
  private readonly shared: SharedVisited | null;
  private readonly claims: Int32Array | null;
  // The current path, one entry per step in three parallel arrays (no object per step); made
  // into PathStep objects only for a finding or an engine error.
  private pathActor: number[] = [];
  private pathCpu: number[] = [];
  private pathVia: Choice["via"][] = [];
  private plen = 0;
  /** The choices of a step with one way on, reused from step to step. */
  private scratch: Choice[] = [];
  private subtree = 0;
  private readonly bound: number;
  private readonly maxSchedules: number;
  private readonly maxSteps: number;
  private readonly allMigrations: boolean;
  private readonly codes: ReadonlySet<FindingCode> | null;
  private readonly pruning: boolean;
  private readonly stepOpts: { checks: boolean; reuseEvent: true };
  private readonly splitDepth: number;
  private readonly every: number;
  private nextProgress: number;
  private readonly apply:
    ((m: Machine, v: Variant, ch: Choice) => StepEvent) | undefined;

  constructor(
    private readonly p: Prepared,
    private readonly o: ExploreOptions,
  ) {
    this.bound = o.bound ?? 3;
    this.maxSchedules = o.maxSchedules ?? Number.POSITIVE_INFINITY;
    this.maxSteps = o.maxSteps ?? 20_000;
    this.allMigrations = o.migrations === "all";
    this.codes = o.codes ? new Set(o.codes) : null;
    this.pruning = o.pruning ?? true;
    // Only the event's opEnd is read, before the next step.
    this.stepOpts = { checks: o.checks ?? true, reuseEvent: true };
    this.splitDepth = o.split ? o.split.depth : 0;
    this.every = o.progressEvery ?? 1024;
    this.nextProgress = this.every;
    this.apply = o.applyStep;
    this.shared = o.sharedVisited ? new SharedVisited(o.sharedVisited) : null;
    this.claims = o.split?.claims ? new Int32Array(o.split.claims) : null;
  }

  run(): ExploreResult {
    let end: ExploreResult["end"] = "exhausted";
    try {
      for (let b = 0; b <= this.bound; b++) {
        this.stats.bound = b;
        this.visited = new Visited();
        this.subtree = 0;
        this.plen = 0;
        if (this.dfs(copyMachine(this.p.initial), -1, b, 0)) {
          end = "found";
          break;
        }
        this.stats.boundDone = b;
      }
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      end = e.why;
    }
    this.o.onProgress?.(this.stats);
    return { stats: this.stats, found: this.found, end, errors: this.errors };
  }

  /** A schedule ended: counts it, and stops the search at a limit or when asked. */
  private leaf(branchDepth: number): void {
    // Above the split depth every worker walks the same paths: count them once.
    if (
      this.o.split &&
      branchDepth <= this.splitDepth &&
      this.o.split.index !== 0
    )
      return;
    const s = this.stats;
    s.schedules++;
    if (s.schedules >= this.maxSchedules) throw new Stop("max-schedules");
    if (s.schedules >= this.nextProgress) {
      this.nextProgress += this.every;
      if (this.o.onProgress?.(s) === true) throw new Stop("stopped");
    }
  }

  /** The path so far as PathStep objects. */
  private pathNow(): PathStep[] {
    const n = this.plen;
    const out = new Array<PathStep>(n);
    for (let i = 0; i < n; i++)
      out[i] = {
        actor: this.pathActor[i]!,
        cpu: this.pathCpu[i]!,
        via: this.pathVia[i]!,
      };
    return out;
  }

  /**
   * The choices that make progress now (see the module comment for which ones), written into
   * `this.scratch` from index 0 on (what lies past the count is stale); returns their count.
   */
  private choices(m: Machine): number {
    const out = this.scratch;
    let n = 0;
    const actors = m.actors;
    for (let i = 0; i < actors.length; i++) {
      const a = actors[i]!;
      if (!hasWorkLeft(a)) continue;
      const all = this.allMigrations || !m.cpus[a.cpu]!.online;
      n = choicesOf(m, a, all, true, out, n);
    }
    return n;
  }

  /**
   * Whether actor `a` has exactly one choice that makes progress (then it is `scratch[0]`): the
   * same choice `choices` would list for it.
   */
  private onlyChoice(m: Machine, a: Machine["actors"][number]): boolean {
    const all = this.allMigrations || !m.cpus[a.cpu]!.online;
    return choicesOf(m, a, all, true, this.scratch, 0) === 1;
  }

  /** A finding that counts among those from index `from` on, or null. */
  private counting(m: Machine, from: number): Finding | null {
    for (let i = from; i < m.findings.length; i++) {
      const f = m.findings[i]!;
      if (this.codes === null || this.codes.has(f.code)) return f;
    }
    return null;
  }

  /**
   * Explores every schedule from `m` (which this call owns), where `last` took the previous step
   * and `budget` preemptions are left. Returns true when a finding stopped the search.
   */
  private dfs(
    m: Machine,
    last: number,
    budget: number,
    depth: number,
  ): boolean {
    const base = this.plen;
    try {
      for (;;) {
        if (m.step >= this.maxSteps) {
          this.stats.stepLimited++;
          this.leaf(depth);
          return false;
        }
        // No preemption left: the last actor goes on if it can, and the others' choices matter
        // only for an operation-end lookup (there must be others waiting) or when the last actor
        // has no single way on. Asked alone first: most steps are taken here.
        if (budget === 0 && last >= 0 && !(this.opEnded && this.pruning)) {
          const a = m.actors[last]!;
          if (hasWorkLeft(a) && this.onlyChoice(m, a)) {
            const only = this.scratch[0]!;
            if (this.step(m, only)) {
              this.leaf(depth);
              return this.found !== null;
            }
            continue;
          }
        }
        const n = this.choices(m);
        const cs = this.scratch;
        if (n === 0) {
          if (stuck(m)) {
            const f = deadlockFinding(m);
            if (this.codes === null || this.codes.has("deadlock")) {
              this.found = {
                finding: f,
                bound: this.stats.bound,
                path: this.pathNow(),
              };
              this.leaf(depth);
              return true;
            }
          }
          this.leaf(depth);
          return false;
        }
        // The children allowed: the last actor going on (free), others (a preemption) while
        // budget is left; anyone, free, when the last actor cannot go on.
        // In that order: the last actor's choices first, unless every choice is a child and the
        // list already starts with one of them. Counted first: a list is made only at a branch
        // point.
        let nLast = 0;
        let firstLast: Choice | null = null;
        if (last >= 0)
          for (let i = 0; i < n; i++) {
            const c = cs[i]!;
            if (c.actor === last) {
              if (nLast++ === 0) firstLast = c;
            }
          }
        const lastGoesOn = nLast > 0;
        const reorder = lastGoesOn && (budget === 0 || cs[0]!.actor !== last);
        const count = reorder ? (budget > 0 ? n : nLast) : n;
        if (count === 1) {
          const only = reorder ? firstLast! : cs[0]!;
          // Where an operation just ended, with other actors waiting, is where schedules that
          // ordered independent work differently meet again: look the state up there too.
          if (
            this.opEnded &&
            n > 1 &&
            this.pruning &&
            (this.o.split === undefined || depth > this.splitDepth) &&
            this.seen(m, last, budget)
          ) {
            this.stats.pruned++;
            this.leaf(depth);
            return false;
          }
          if (this.step(m, only)) {
            if (this.found) {
              this.leaf(depth);
              return true;
            }
            this.leaf(depth);
            return false;
          }
          last = only.actor;
          continue;
        }
        // A branch point.
        const split = this.o.split;
        if (split && depth === this.splitDepth && !this.mine(split))
          return false;
        if (this.pruning && depth >= this.splitDepth) {
          if (this.seen(m, last, budget)) {
            this.stats.pruned++;
            this.leaf(depth);
            return false;
          }
        }
        // The children below reuse the scratch list and its choices: this point keeps copies.
        const kids = new Array<Choice>(count);
        if (!reorder) for (let i = 0; i < n; i++) kids[i] = { ...cs[i]! };
        else {
          let k = 0;
          for (let i = 0; i < n; i++)
            if (cs[i]!.actor === last) kids[k++] = { ...cs[i]! };
          if (budget > 0)
            for (let i = 0; i < n; i++)
              if (cs[i]!.actor !== last) kids[k++] = { ...cs[i]! };
        }
        const here = this.plen;
        // The fingerprint's kept hashes of m as it is here, for each child's copy (and m itself,
        // last: the children before it step copies).
        const hashes = fingerprintSnapshot(m);
        for (let i = 0; i < kids.length; i++) {
          const ch = kids[i]!;
          const own = i === kids.length - 1;
          const mm = own ? m : copyMachine(m);
          if (!own) {
            this.stats.copies++;
            // The checks' record of m, if it is still m's, goes to the copy stepped first.
            adoptCheckedState(m, mm);
          }
          fingerprintRestore(hashes, mm);
          const cost = lastGoesOn && ch.actor !== last ? 1 : 0;
          const ended = this.step(mm, ch);
          if (ended) {
            this.leaf(depth + 1);
            if (this.found) return true;
          } else if (this.dfs(mm, ch.actor, budget - cost, depth + 1))
            return true;
          this.plen = here;
        }
        return false;
      }
    } finally {
      this.plen = base;
    }
  }

  /**
   * Whether the next subtree at the split depth is this worker's: claimed first in the shared
   * table, or (past the table, or without one) numbered `index` modulo `count`.
   */
  private mine(split: NonNullable<ExploreOptions["split"]>): boolean {
    const k = this.subtree++;
    const at = this.stats.bound * CLAIMS_PER_BOUND + k;
    if (this.claims !== null && k < CLAIMS_PER_BOUND && at < this.claims.length)
      return Atomics.compareExchange(this.claims, at, 0, 1) === 0;
    return k % split.count === split.index;
  }

  /** Whether (state, last actor) was explored with at least `budget`; records it if not. */
  private seen(m: Machine, last: number, budget: number): boolean {
    const fp = fingerprintCached(m, last + 1);
    if (checkFingerprints && fp !== fingerprint(m, last + 1))
      throw new Error(
        `step ${m.step}: the kept fingerprint differs from the state's (a write the search was not told of)`,
      );
    if (this.shared !== null) {
      const s = this.shared.seen(fp, this.stats.bound, budget);
      if (s !== null) return s;
    }
    return this.visited.seen(fp, budget);
  }

  /**
   * Takes one step on `m`. Returns true when the schedule ends here: a finding that counts (then
   * `found` is set), or an engine error (counted).
   */
  private step(m: Machine, ch: Choice): boolean {
    const n = this.plen++;
    this.pathActor[n] = ch.actor;
    this.pathCpu[n] = ch.cpu;
    this.pathVia[n] = ch.via;
    const before = m.findings.length;
    this.stats.steps++;
    const writes = schedWrites.n;
    try {
      const apply = this.apply;
      if (apply === undefined) {
        this.opEnded = applyOne(m, this.p.variant, ch, this.stepOpts).opEnd;
        // What the step may have written, for the fingerprint's kept hashes: the pages it
        // reached (when the engine kept the list) and the actor, or every actor.
        const sp = stepPages;
        fingerprintStepped(
          m,
          ch.actor,
          schedWrites.n !== writes,
          sp.m === m && sp.step + 1 === m.step && !sp.all ? sp : null,
        );
      } else {
        this.opEnded = apply(m, this.p.variant, ch).opEnd;
        fingerprintForget();
      }
    } catch (e) {
      fingerprintForget();
      this.stats.engineErrors++;
      if (this.errors.length < MAX_ERRORS_KEPT)
        this.errors.push({
          path: this.pathNow(),
          message: e instanceof Error ? e.message : String(e),
        });
      return true;
    }
    if (m.findings.length > before) {
      const f = this.counting(m, before);
      if (f) {
        this.found = {
          finding: f,
          bound: this.stats.bound,
          path: this.pathNow(),
        };
        return true;
      }
    }
    return false;
  }
}

/** Subtrees per search bound a claims table holds; past them, subtrees are shared out by number. */
const CLAIMS_PER_BOUND = 1 << 14;

/**
 * A table for workers that claim the subtrees at the split depth as they reach them (`split.claims`),
 * for bounds 0 to `bounds`: a worker that runs faster takes more of them.
 */
export function claimsBuffer(bounds: number): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * CLAIMS_PER_BOUND * (bounds + 1));
}

/**
 * The split depth for workers that claim subtrees: deeper than a split by number needs, as
 * smaller subtrees let the claims balance the work (R1 fixed, 2 workers: 2.4 s at depth 5,
 * 3.4 s at depth 3).
 */
export const CLAIMED_SPLIT_DEPTH = 5;

/** Explores the prepared scenario's interleavings (see the module comment). */
export function explore(p: Prepared, o: ExploreOptions = {}): ExploreResult {
  return new Search(p, o).run();
}

/**
 * A path as schedule entries (`name`, `name*N`, `name@C*N` for a migration), the form of
 * `schedule.steps` in a scenario: consecutive steps of one actor are one entry.
 */
export function scheduleOf(m: Machine, path: readonly PathStep[]): string[] {
  const out: string[] = [];
  let token = "";
  let n = 0;
  for (const s of path) {
    const name = m.actors[s.actor]!.name;
    const t = s.via === "migrate" ? `${name}@${s.cpu}` : name;
    if (t === token) {
      n++;
      continue;
    }
    if (n > 0) out.push(n > 1 ? `${token}*${n}` : token);
    token = t;
    n = 1;
  }
  if (n > 0) out.push(n > 1 ? `${token}*${n}` : token);
  return out;
}

/** How many times a schedule switches from one actor to another. */
export function switchesOf(path: readonly PathStep[]): number {
  let n = 0;
  for (let i = 1; i < path.length; i++)
    if (path[i]!.actor !== path[i - 1]!.actor) n++;
  return n;
}

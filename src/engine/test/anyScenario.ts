/**
 * Random scenarios over every kernel variant, every config switch, every actor kind and every
 * operation a scenario may contain, prepared operations included: the input space of the
 * property that no internal error ever escapes the engine (robustness.test.ts, and the long sweep
 * in src/bench/sweep.ts). Unlike `randomScenario` in helpers.ts, these scenarios may well find bugs: findings
 * are results, only exceptions are failures.
 */
import {
  VARIANT_NAMES,
  VARIANTS,
  type VariantName,
  type VariantSpec,
} from "../variants";
import { rng, type Rng } from "../random";
import type { PrepareOp, Scenario, ScenarioActor } from "../scenario";
import type { ActorKind, Op } from "../types";

const KINDS: ActorKind[] = [
  "task",
  "task",
  "task",
  "irq",
  "nmi",
  "kworker",
  "hotplug",
  "kcompactd",
];
/** The calm mix: the contexts and operations the races of the library are made of. */
const CALM_KINDS: ActorKind[] = ["task", "task", "task", "irq", "hotplug"];
const SLOTS = ["a", "b", "c"];

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[r.int(xs.length)]!;
}

/** One operation of any kind a scenario may name (those a variant lacks become notes). */
function anyOp(
  r: Rng,
  cpus: number,
  pagePool: number,
  pca: boolean,
  nolock: boolean,
  calm: boolean,
): Op {
  const slot = pick(r, SLOTS);
  const gfp = r.int(3) === 0 ? "GFP_ATOMIC" : undefined;
  // Calm: allocations, frees, flushes and hotplug only, so runs go deep instead of dying early.
  const x = calm ? pick(r, [0, 10, 30, 40, 53, 56, 60, 64]) : r.int(100);
  if (x < 28) {
    const op: Op = { kind: "alloc", slot };
    if (gfp) op.gfp = gfp;
    if (r.int(6) === 0) op.account = true;
    if (r.int(8) === 0) op.node = r.int(2);
    if (nolock && r.int(6) === 0)
      op.reenter = {
        slot: pick(r, SLOTS),
        size: pick(r, [8, 64, 192]),
        at: r.int(2) === 0 ? "unlock" : "load",
      };
    return op;
  }
  if (x < 52)
    return r.int(8) === 0
      ? { kind: "free", slot, keep: true }
      : { kind: "free", slot };
  if (x < 55) return { kind: "flushAll" };
  if (x < 58) return { kind: "shrink" };
  if (x < 62) return { kind: "cpuOffline", cpu: r.int(cpus) };
  if (x < 66) return { kind: "cpuOnline", cpu: r.int(cpus) };
  if (x < 69) return { kind: "allocPageCache", slot };
  if (x < 72) return { kind: "freePageCache", slot };
  if (x < 73) return { kind: "destroy" };
  if (x < 75) return { kind: "memoryOffline" };
  if (x < 78) return { kind: "write", slot };
  if (x < 80) return { kind: "isolateMigratepages", pfn: r.int(pagePool) };
  if (x < 88)
    return nolock || r.int(4) === 0
      ? r.int(2) === 0
        ? { kind: "kmallocNolock", slot, size: pick(r, [8, 64, 100, 4096]) }
        : { kind: "kfreeNolock", slot }
      : { kind: "alloc", slot };
  if (!pca) return { kind: "free", slot };
  if (x < 92) {
    const op: Op = { kind: "allocBulk", slot, count: 1 + r.int(6) };
    if (gfp) op.gfp = gfp;
    return op;
  }
  if (x < 96) return { kind: "freeBulk", slot, count: 1 + r.int(6) };
  const op: Op = { kind: "prefill", count: 1 + r.int(8) };
  if (gfp) op.gfp = gfp;
  return op;
}

/**
 * The variants drawn when none is pinned: the newer eras (v6.8, v7.0) have their own
 * random-schedule properties (v68.test.ts, sheaves.test.ts), so the draws over the others, and
 * the equivalence digests taken from them, stay as they were.
 */
const DRAWN_VARIANTS = VARIANT_NAMES.filter((n) => {
  const spec: VariantSpec = VARIANTS[n];
  return !spec.features.sheaves && spec.unfrozenPartials !== true;
});

/**
 * A random valid scenario (see the module comment); `variant` pins the kernel variant. `calm`
 * draws only tasks, IRQs and hotplug threads doing allocations, frees, flushes and hotplug.
 */
export function anyScenario(
  seed: number,
  variant?: VariantName,
  calm = false,
): Scenario {
  const r = rng(seed);
  const name = variant ?? pick(r, DRAWN_VARIANTS);
  const info = VARIANTS[name];
  const pca = info.features.percpuArray;
  const nolock = info.features.nolock;
  const cpus = 1 + r.int(4);
  const nodes = 1 + r.int(2);
  const pagePool = 6 + r.int(20);
  const objects = 1 + r.int(5);
  const flag = (odds: number) => r.int(odds) === 0;
  const kernel: Scenario["kernel"] = { variant: name, cpus, nodes, pagePool };
  if (info.rtCapable && flag(2)) kernel.preemptRt = true;
  if (flag(5)) kernel.cpuPartial = false;
  if (flag(2)) kernel.debugVm = true;
  if (flag(5)) kernel.lockdep = false;
  if (flag(6)) kernel.lockStat = true;
  if (flag(4)) kernel.memcg = true;
  if (flag(4)) kernel.kasan = true;
  if (flag(4)) kernel.slubDebug = true;
  if (flag(2)) kernel.fixes = ["tid-on-deactivation"];
  const cache: Scenario["cache"] = {
    objects,
    cpuPartial: r.int(10),
    minPartial: r.int(3),
  };
  if (flag(8)) cache.cmpxchgDouble = false;
  if (pca && flag(4) === false) cache.percpuArray = { count: 2 + r.int(6) };
  const mkOp = () => {
    const op = anyOp(r, cpus, pagePool, pca, nolock, calm);
    // Node numbers must stay below kernel.nodes.
    if (op.kind === "alloc" && op.node !== undefined && op.node >= nodes)
      delete op.node;
    return op;
  };
  const prepare: PrepareOp[] = [];
  if (flag(3))
    for (let i = 1 + r.int(5); i > 0; i--)
      prepare.push({ cpu: r.int(cpus), op: mkOp() });
  const actors: ScenarioActor[] = [];
  for (let i = 1 + r.int(5); i > 0; i--) {
    let kind = pick(r, calm ? CALM_KINDS : KINDS);
    if (calm && kind === "hotplug" && cpus === 1) kind = "task";
    const ops: Op[] = [];
    for (let j = 1 + r.int(6); j > 0; j--) {
      if (calm && kind === "hotplug") {
        const c = r.int(cpus);
        ops.push({ kind: "cpuOffline", cpu: c }, { kind: "cpuOnline", cpu: c });
      } else if (calm && kind === "irq")
        ops.push(
          r.int(2) === 0
            ? { kind: "alloc", slot: pick(r, SLOTS) }
            : { kind: "free", slot: pick(r, SLOTS) },
        );
      else ops.push(mkOp());
    }
    const a: ScenarioActor = {
      name: `${kind}${actors.length}`,
      kind,
      cpu: r.int(cpus),
      ops,
    };
    if (flag(3)) a.pinned = flag(2);
    actors.push(a);
  }
  const s: Scenario = {
    format: "slabscope/scenario",
    version: 1,
    title: `any ${seed}`,
    kernel,
    cache,
    actors,
  };
  if (prepare.length > 0) s.prepare = prepare;
  return s;
}

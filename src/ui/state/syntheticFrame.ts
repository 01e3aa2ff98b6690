/**
 * Synthetic frames for the render benchmark: `cpus` CPUs, `slabs` slab pages of `objects`
 * objects, every kind of slot, freelist chains for the arrows, and a step-dependent shuffle so
 * consecutive frames differ. Deterministic (a small LCG), no engine run needed.
 */
import type { Frame, SlabView, SlotView } from "../../worker/frame";

export interface SyntheticSize {
  cpus: number;
  slabs: number;
  objects: number;
}

/** The benchmark page's phases (see renderBench.tsx); each answers one time per frame, in ms. */
export type BenchPhase =
  /** The first mount and the JIT; not reported. */
  | "warmUp"
  /** Commit + style + layout per frame, every slab changing each frame. */
  | "allChanged"
  /** The style and layout part of the last `allChanged`. */
  | "layout"
  /** The same as `allChanged` when two slabs change per frame, as in playback. */
  | "playback"
  /** Intervals between animation frames, rendering a new frame on each (includes paint). */
  | "rafInterval";

/** What the benchmark page puts on `window.__slabscopeBench`. */
export interface BenchApi {
  size: SyntheticSize;
  frames: number;
  run(phase: BenchPhase): Promise<number[]>;
}

function lcg(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/**
 * Frame `step`. With `changeAll` every slab differs from frame `step - 1`; otherwise only two
 * slabs do, as during playback, where one micro-step touches a slab or two.
 */
export function syntheticFrame(
  size: SyntheticSize,
  step: number,
  changeAll: boolean,
): Frame {
  const { cpus, slabs: n, objects } = size;
  const slabs: SlabView[] = [];
  const changed: number[] = [];
  for (let id = 0; id < n; id++) {
    const touched = changeAll || id % n === step % n || id === (step * 7) % n;
    // A slab's content depends on the last step that touched it.
    const rnd = lcg(1 + id * 977 + (touched ? step : 0) * 31);
    if (touched) changed.push(id);
    const cpu = id % cpus;
    const slots: SlotView[] = [];
    const free: number[] = [];
    const onCpu: number[] = [];
    for (let i = 0; i < objects; i++) {
      const r = rnd();
      if (r < 0.3) {
        slots.push({ kind: "free" });
        free.push(i);
      } else if (r < 0.45 && id < cpus) {
        slots.push({ kind: "cpuFree", cpu });
        onCpu.push(i);
      } else if (r < 0.5) {
        slots.push({ kind: "allocated", owner: "task", inFlight: true });
      } else {
        slots.push({
          kind: "allocated",
          owner: `slot${Math.floor(r * 8)}`,
          inFlight: false,
        });
      }
    }
    // Freelist order is not slot order: shuffle it.
    free.sort(() => rnd() - 0.5);
    const inuse = objects - free.length;
    const frozen = id < cpus * 3;
    slabs.push({
      id,
      frozen,
      inuse,
      objects,
      freelist: free.map((i) => `P${id}#${i}`),
      where: frozen ? `cpu ${cpu} partial` : "node 0 partial",
      node: 0,
      firstObj: id * objects,
      slots,
      pageOrder: free,
      cpuOrder: onCpu,
      place: frozen
        ? { kind: "cpuPartial", cpu }
        : { kind: "nodePartial", node: 0 },
    });
  }
  return {
    step,
    total: 1_000_000,
    event: null,
    cpus: Array.from({ length: cpus }, (_, c) => ({
      id: c,
      online: true,
      irqsOff: (step + c) % 3 === 0,
      context: ["task"],
      freelist: slabs[c]!.cpuOrder.map((i) => `P${c}#${i}`),
      freelistRefs: slabs[c]!.cpuOrder.map((i) => c * objects + i),
      tid: step * cpus + c,
      page: c,
      partial: [cpus + c, 2 * cpus + c],
      partialPages: 2,
      partialObjects: 9,
      lock: (step + c) % 4 === 0 ? "task" : null,
      preemptCount: (step + c) % 2,
      migrateDisable: 0,
      pca: null,
    })),
    nodes: [
      {
        id: 0,
        partial: slabs.filter((s) => !s.frozen).map((s) => s.id),
        nrPartial: n - cpus * 3,
        listLock: step % 5 === 0 ? "task" : null,
        full: [],
      },
    ],
    cache: { objects, cpuPartial: 13, minPartial: 5 },
    slabs,
    actors: [],
    stats: {},
    pagePool: {
      total: n + 16,
      free: Array.from({ length: 16 }, (_, i) => n + i),
      reused: [],
    },
    nolock: null,
    sheaves: null,
    changed: {
      cpus: [step % cpus],
      slabs: changed,
      nodes: [],
      actors: [],
      objects: changed.slice(0, 2).map((id) => id * objects + (step % objects)),
      pagePool: false,
      nolock: false,
      sheaves: false,
      fields: changed.map((id) => `slab:${id}:slots`),
    },
    enabled: [],
    findings: [],
    findingsTotal: 0,
    narration: null,
    stop: null,
    code: [],
  };
}

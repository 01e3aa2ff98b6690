/**
 * The metrics of the era comparison (cost.ts runs it): what is counted per operation, the
 * result's shape, and the table both the CLI and the app show. Data only, main-thread safe (no
 * kernel tables).
 */
import { cpuPartialObjects, sheafCapacityFor } from "./cacheSize";
import type { Scenario } from "./scenario";
import type { Op } from "./types";
import { variantSpec, type VariantName } from "./variants";

/** What is counted per operation, in the order the tables show it. */
export const COST_METRICS = [
  "steps",
  "cpuCmpxchg",
  "cpuCmpxchgFail",
  "slabCmpxchg",
  "slabCmpxchgFail",
  "listLock",
  "barnLock",
  "trylockFail",
  "slabs",
] as const;

export type CostMetric = (typeof COST_METRICS)[number];

/** Each metric's row label (kernel names). */
export const COST_LABELS: Record<CostMetric, string> = {
  steps: "micro-steps",
  cpuCmpxchg: "this_cpu_cmpxchg_double ok",
  cpuCmpxchgFail: "this_cpu_cmpxchg_double failed",
  slabCmpxchg: "cmpxchg_double (slab) ok",
  slabCmpxchgFail: "cmpxchg_double (slab) failed",
  listLock: "n->list_lock taken",
  barnLock: "barn->lock taken",
  trylockFail: "trylock failed",
  slabs: "slabs touched",
};

export type CostCounts = Record<CostMetric, number>;

/** How the operations were scheduled (see the header). */
export const REPLAY_SCHEDULE =
  "serial: each actor runs its operations to completion, in the scenario's actor order; another runs only while it waits (the scenario's own schedule is not used)";

/** One operation of one actor, as it ran on one era. */
export interface OpCost {
  actor: string;
  /** Its index in the actor's operations. */
  index: number;
  kind: Op["kind"];
  /** A kworker or IPI handler's operation, created by the kernel. */
  system: boolean;
  /** It ran to its end (not cut off by a deadlock, a BUG or the step limit). */
  completed: boolean;
  counts: CostCounts;
}

export type EraRun =
  | {
      kind: "ran";
      variant: VariantName;
      /** How the run stopped (as RunResult's stopReason). */
      stop: "done" | "deadlock" | "step-limit" | "crashed";
      steps: number;
      /** Finding codes, in order. */
      findings: string[];
      ops: OpCost[];
      totals: CostCounts;
      /** The run's choices as counted schedule entries (`name@cpu*n`): see `eraScenario`. */
      schedule: string[];
    }
  | { kind: "skipped"; variant: VariantName; reason: string };

export interface EraComparison {
  title: string;
  schedule: typeof REPLAY_SCHEDULE;
  eras: EraRun[];
  /** What an era changed in the scenario to run it (eraCache), one line each. */
  notes: string[];
}

export function zeroCounts(): CostCounts {
  const c = {} as CostCounts;
  for (const k of COST_METRICS) c[k] = 0;
  return c;
}

/** Per operation kind: how many ran on the era and their average counts. */
export function averagesByKind(
  run: Extract<EraRun, { kind: "ran" }>,
): Map<Op["kind"], { ops: number; avg: CostCounts }> {
  const out = new Map<Op["kind"], { ops: number; avg: CostCounts }>();
  for (const o of run.ops) {
    let e = out.get(o.kind);
    if (!e) {
      e = { ops: 0, avg: zeroCounts() };
      out.set(o.kind, e);
    }
    e.ops++;
    for (const k of COST_METRICS) e.avg[k] += o.counts[k];
  }
  for (const e of out.values()) for (const k of COST_METRICS) e.avg[k] /= e.ops;
  return out;
}

/** One row of the comparison table: a label and one cell per era (columns in `eras` order). */
export interface CompareRow {
  /** A metric's name, or `ops`, `stop`, `findings`. */
  key: string;
  label: string;
  cells: string[];
}

export interface CompareSection {
  /** `run`, `perOp`, `kind-<op kind>` or `totals`. */
  key: string;
  title: string;
  rows: CompareRow[];
}

/** An average as the tables print it: to two decimals at most (`12.21`, `0.5`, `3`). */
export function fmtCount(n: number): string {
  return String(Number(n.toFixed(2)));
}

type Ran = Extract<EraRun, { kind: "ran" }>;

/**
 * The comparison as a table: eras as columns; a header section (how each run ended), the average
 * per operation over all of them, the average per operation of each kind, and the totals.
 */
export function compareSections(c: EraComparison): CompareSection[] {
  const cell = (f: (r: Ran) => string) =>
    c.eras.map((r) => (r.kind === "ran" ? f(r) : "-"));
  const metricRows = (f: (r: Ran, k: CostMetric) => string) =>
    COST_METRICS.map((k) => ({
      key: k,
      label: COST_LABELS[k],
      cells: cell((r) => f(r, k)),
    }));
  const kinds: Op["kind"][] = [];
  for (const r of c.eras)
    if (r.kind === "ran")
      for (const o of r.ops) if (!kinds.includes(o.kind)) kinds.push(o.kind);
  const byKind = new Map(
    c.eras.map((r) => [r.variant, r.kind === "ran" ? averagesByKind(r) : null]),
  );
  return [
    {
      key: "run",
      title: "run",
      rows: [
        {
          key: "ops",
          label: "operations run",
          cells: cell((r) => String(r.ops.length)),
        },
        { key: "stop", label: "stop", cells: cell((r) => r.stop) },
        {
          key: "findings",
          label: "findings",
          cells: cell((r) => String(r.findings.length)),
        },
      ],
    },
    {
      key: "perOp",
      title: "per operation (average over all)",
      rows: metricRows((r, k) =>
        fmtCount(r.ops.length === 0 ? 0 : r.totals[k] / r.ops.length),
      ),
    },
    ...kinds.map((kind) => ({
      key: `kind-${kind}`,
      title: `per ${kind} (average)`,
      rows: [
        {
          key: "ops",
          label: "operations",
          cells: cell((r) =>
            String(byKind.get(r.variant)?.get(kind)?.ops ?? 0),
          ),
        },
        ...metricRows((r, k) => {
          const e = byKind.get(r.variant)?.get(kind);
          return e ? fmtCount(e.avg[k]) : "-";
        }),
      ],
    })),
    {
      key: "totals",
      title: "totals",
      rows: metricRows((r, k) => String(r.totals[k])),
    },
  ];
}

/**
 * The cache as an era runs it. Where sheaves are opt-in (v6.18) a cache that did not ask for
 * them gets them, with the capacity v7.0 would give it (half of `cpu_partial`, see
 * features/sheaves.ts `sheafCapacity`): otherwise that era's column would only repeat v6.8's.
 */
export function eraCache(s: Scenario, variant: VariantName): Scenario["cache"] {
  if (!variantSpec(variant).sheavesOptIn || (s.cache.sheafCapacity ?? 0) > 0)
    return s.cache;
  // The schema's limit on sheafCapacity is 64.
  const cap = sheafCapacityFor(cpuPartialObjects(s), s.cache.objects);
  return { ...s.cache, sheafCapacity: Math.min(64, cap) };
}

/** The scenario on another kernel, with no schedule (see the header) and no narration. */
export function onEra(s: Scenario, variant: VariantName): Scenario {
  const out: Scenario = {
    ...s,
    cache: eraCache(s, variant),
    kernel: { ...s.kernel, variant },
    schedule: { steps: [], rest: "round-robin" },
  };
  delete out.narration;
  delete out.anchoredNarration;
  delete out.cursor;
  return out;
}

/**
 * The scenario on the era with the replay's own schedule written out (counted entries), so that
 * it opens on the timeline exactly as it ran here.
 */
export function eraScenario(
  s: Scenario,
  run: Extract<EraRun, { kind: "ran" }>,
): Scenario {
  return {
    ...onEra(s, run.variant),
    schedule: { steps: run.schedule, rest: "stop" },
  };
}

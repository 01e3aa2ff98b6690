/**
 * Frames: what the UI draws for one step, built from the engine's machine in the worker.
 * Plain data, small (ids, short strings), so it posts cheaply.
 */
export type { NolockView } from "./features/nolock";
export type { PcaView } from "./features/pca";
export type { SheafView, SheavesView } from "./features/sheaves";
import { nolockView, type NolockView } from "./features/nolock";
import { pcaView, type PcaView } from "./features/pca";
import { sheavesView, type SheavesView } from "./features/sheaves";
import {
  fmtObj,
  totalStats,
  type Choice,
  type Finding,
  type FindingCode,
  type StepOutcome,
  type Machine,
  type StepEvent,
} from "../engine";
import {
  chainRefs,
  cpuPartialChain,
  describePage,
  objectPlaces,
  pagePlaces,
  slotOf,
  type PagePlace,
  type SlotView,
} from "./places";

export type { PagePlace, SlotView } from "./places";
import type { ActorCode } from "./panes";
import { opText } from "../engine/opKinds";
import { variantSpec } from "../engine/variants";

export interface CpuView {
  id: number;
  online: boolean;
  irqsOff: boolean;
  context: string[];
  freelist: string[];
  tid: number;
  page: number | null;
  partial: number[];
  lock: string | null;
  /** `c->freelist` as object refs (the engine's global object numbers), head first. */
  freelistRefs: number[];
  /** The running totals in the partial chain's head page (`pages`, `pobjects`), or null. */
  partialPages: number | null;
  partialObjects: number | null;
  /** preempt_count of the contexts on this CPU (task, irq, nmi), and the task's migrate_disable. */
  preemptCount: number;
  migrateDisable: number;
  /** This CPU's percpu array cache (RFC v3), when the cache opted in. */
  pca: PcaView | null;
}

export interface SlabView {
  id: number;
  frozen: boolean;
  inuse: number;
  objects: number;
  freelist: string[];
  where: string;
  node: number;
  /** Object ref of slot 0; slot i is `firstObj + i`. */
  firstObj: number;
  /** Every object, slot by slot. */
  slots: SlotView[];
  /** `page->freelist` order as slot indexes, while the chain stays in this slab. */
  pageOrder: number[];
  /** A CPU's `c->freelist` order over this slab's slots, when it points into it. */
  cpuOrder: number[];
  place: PagePlace;
  /** v6.8: the on-node-partial-list flag (PG_workingset); absent where the kernel has none. */
  nodePartial?: boolean;
}

export interface NodeView {
  id: number;
  partial: number[];
  nrPartial: number;
  listLock: string | null;
  /** Slabs of this node with every object allocated and on no list (SLUB keeps no full list). */
  full: number[];
}

/** The page allocator's pool: free pages (the next handed out last) and pages reused as page cache. */
export interface PagePoolView {
  total: number;
  free: number[];
  reused: { page: number; slot: string | null }[];
}

export interface ActorView {
  id: number;
  name: string;
  kind: string;
  cpu: number;
  status: string;
  op: string;
  stack: { fn: string; line: string }[];
  waiting: string | null;
}

/** The cache parameters the lists are measured against (`struct kmem_cache`). */
export interface CacheView {
  /** Objects per slab (`oo_objects(s->oo)`). */
  objects: number;
  /** `s->cpu_partial`: the `pobjects` a CPU's partial chain may reach before it is drained. */
  cpuPartial: number;
  /** `s->min_partial`: a node keeps at least this many partial slabs instead of freeing them. */
  minPartial: number;
  /** "slab" when the kernel's code says `struct slab` / `c->slab` (v6.8); absent: `c->page`. */
  slabStruct?: "slab";
  /** The kernel has no `struct kmem_cache_cpu` (v7.0): no cpu slab, cpu partial list or tid. */
  noCpuSlab?: true;
}

/** The state at one step, as the UI shows it. */
export interface StateView {
  cache: CacheView;
  cpus: CpuView[];
  nodes: NodeView[];
  slabs: SlabView[];
  actors: ActorView[];
  stats: Record<string, number>;
  pagePool: PagePoolView;
  nolock: NolockView | null;
  /** The percpu sheaves and node barns (v7.0), on a kernel that has them. */
  sheaves: SheavesView | null;
}

/** The micro-step that led to the frame's state (step `step` of the trace, 0-based). */
export interface EventView {
  step: number;
  actorId: number;
  actor: string;
  cpu: number;
  via: Choice["via"];
  fn: string;
  line: string;
  label: string | null;
  /** What the step came to (ran, spun, blocked, lost a cmpxchg). */
  outcome: StepOutcome;
  notes: string[];
  stats: string[];
  findings: FindingCode[];
  opStart: boolean;
  opEnd: boolean;
}

/** Who may take the next step at the cursor; `scheduled` marks the one the timeline takes. */
export interface ChoiceView {
  actor: number;
  name: string;
  cpu: number;
  via: Choice["via"];
  /** false when the step would only spin (the lock it wants is still held). */
  progress: boolean;
  scheduled: boolean;
}

/** What differs from the state one step earlier: CPU, slab (page) and node ids, actor names. */
export interface Changed {
  cpus: number[];
  slabs: number[];
  nodes: number[];
  actors: string[];
  /** Object refs whose place changed (free, on which freelist, allocated to whom). */
  objects: number[];
  /** The page pool changed (a page taken or given back). */
  pagePool: boolean;
  /** kmalloc_nolock's state changed (buckets, deferred list, page refcounts). */
  nolock: boolean;
  /** The sheaves or barns changed. */
  sheaves: boolean;
  /**
   * The fields that changed, so the view outlines just those: `cpu:<id>:<field>`,
   * `node:<id>:<field>` and `slab:<id>:<field>`, with the field names of CpuView, NodeView and
   * SlabView.
   */
  fields: string[];
}

/** At most this many findings travel in a frame (the newest); `findingsTotal` counts them all. */
export const FRAME_FINDINGS = 50;

export interface Frame extends StateView {
  /** Micro-steps taken: the cursor, 0 to `total`. */
  step: number;
  total: number;
  event: EventView | null;
  changed: Changed;
  enabled: ChoiceView[];
  findings: Finding[];
  findingsTotal: number;
  narration: string | null;
  /** Each actor's call stack with positions, for the code pane (see panes.ts). */
  code: ActorCode[];
  /** At the end of the trace: why it stops there. */
  stop: { reason: string; message: string | null } | null;
}

function chain(m: Machine, head: number | null): string[] {
  return chainRefs(m, head).map((x) => fmtObj(m, x));
}

export function buildView(
  m: Machine,
  fnLines: (fn: string, pc: number) => string,
): StateView {
  const name = (id: number | null) =>
    id === null ? null : (m.actors[id]?.name ?? null);
  const places = objectPlaces(m);
  const pages = pagePlaces(m);
  const per = m.cache.objects;
  // Slot indexes of a chain while it stays in page `id` (the first stray pointer ends it).
  const order = (refs: number[], id: number) => {
    const out: number[] = [];
    for (const x of refs) {
      if (Math.floor(x / per) !== id) break;
      out.push(x % per);
    }
    return out;
  };
  const cpuChains = m.cpuSlab.map((c) => chainRefs(m, c.freelist));
  return {
    cache: {
      objects: m.cache.objects,
      cpuPartial: m.cache.cpuPartial,
      minPartial: m.cache.minPartial,
      ...(variantSpec(m.config.kernel).slabStruct === "slab"
        ? { slabStruct: "slab" as const }
        : {}),
      ...(variantSpec(m.config.kernel).noCpuSlab
        ? { noCpuSlab: true as const }
        : {}),
    },
    cpus: m.cpus.map((c, i) => {
      const cs = m.cpuSlab[i]!;
      const partial = cpuPartialChain(m, i);
      const head = partial.length > 0 ? m.pages[partial[0]!] : undefined;
      const task = c.current === null ? undefined : m.actors[c.current];
      let preempt = 0;
      for (const id of [c.current, c.irq, c.nmi])
        if (id !== null) preempt += m.actors[id]?.preemptCount ?? 0;
      return {
        id: i,
        online: c.online,
        irqsOff: c.irqsOff,
        context: [name(c.current), name(c.irq), name(c.nmi)].filter(
          (x): x is string => x !== null,
        ),
        freelist: cpuChains[i]!.map((x) => fmtObj(m, x)),
        tid: cs.tid,
        page: cs.page,
        partial,
        lock: name(cs.lock),
        freelistRefs: cpuChains[i]!,
        partialPages: head ? head.pages : null,
        partialObjects: head ? head.pobjects : null,
        preemptCount: preempt,
        migrateDisable: task?.migrateDisable ?? 0,
        pca: pcaView(m, i, name),
      };
    }),
    nodes: m.nodes.map((n) => ({
      id: n.id,
      partial: [...n.partial],
      nrPartial: n.nrPartial,
      listLock: name(n.listLock),
      full: m.pages
        .filter((p) => p.node === n.id && pages.get(p.id)?.kind === "full")
        .map((p) => p.id),
    })),
    slabs: m.pages
      .filter((p) => p.use === "slab")
      .map((p) => {
        const place = pages.get(p.id)!;
        const first = p.id * per;
        const onCpu = cpuChains.find(
          (ch) => ch.length > 0 && Math.floor(ch[0]! / per) === p.id,
        );
        return {
          id: p.id,
          frozen: p.frozen,
          inuse: p.inuse,
          objects: p.objects,
          freelist: chain(m, p.freelist),
          where: describePage(place),
          node: p.node,
          firstObj: first,
          slots: Array.from({ length: p.objects }, (_, i) =>
            slotOf(places, first + i),
          ),
          pageOrder: order(chainRefs(m, p.freelist), p.id),
          cpuOrder: onCpu ? order(onCpu, p.id) : [],
          place,
          ...(p.nodePartial === undefined
            ? {}
            : { nodePartial: p.nodePartial }),
        };
      }),
    pagePool: {
      total: m.pages.length,
      free: [...m.freePages],
      reused: m.pages
        .filter((p) => p.use === "pagecache")
        .map((p) => {
          const pl = pages.get(p.id);
          return {
            page: p.id,
            slot: pl?.kind === "reused" ? pl.slot : null,
          };
        }),
    },
    nolock: nolockView(m),
    sheaves: sheavesView(m, name),
    actors: m.actors
      .filter((a) => !a.system || a.frames.length > 0 || a.op < a.ops.length)
      .map((a) => ({
        id: a.id,
        name: a.name,
        kind: a.kind,
        cpu: a.cpu,
        status:
          a.status === "ready" && a.frames.length === 0 && a.op >= a.ops.length
            ? "done"
            : a.status,
        op: opText(a.ops[a.op]),
        stack: a.frames.map((f) => ({ fn: f.fn, line: fnLines(f.fn, f.pc) })),
        waiting: a.wait ? a.wait.kind : null,
      })),
    stats: totalStats(m),
  };
}

export function eventView(m: Machine, ev: StepEvent): EventView {
  return {
    step: ev.step,
    actorId: ev.actor,
    actor: m.actors[ev.actor]?.name ?? "?",
    cpu: ev.cpu,
    via: ev.via,
    fn: ev.fn,
    line: ev.line,
    label: ev.label,
    outcome: ev.outcome,
    notes: [...ev.notes],
    stats: [...ev.stats],
    findings: ev.findings.map((f) => f.code),
    opStart: ev.opStart,
    opEnd: ev.opEnd,
  };
}

function changedIds<T>(
  before: readonly T[],
  after: readonly T[],
  key: (x: T) => number | string,
): (number | string)[] {
  const old = new Map(before.map((x) => [key(x), JSON.stringify(x)]));
  const out: (number | string)[] = [];
  for (const x of after) {
    const k = key(x);
    if (old.get(k) !== JSON.stringify(x)) out.push(k);
    old.delete(k);
  }
  // Gone since the previous step (a slab discarded, a helper done).
  for (const k of old.keys()) out.push(k);
  return out;
}

export function diffViews(before: StateView | null, after: StateView): Changed {
  if (!before)
    return {
      cpus: [],
      slabs: [],
      nodes: [],
      actors: [],
      objects: [],
      pagePool: false,
      nolock: false,
      sheaves: false,
      fields: [],
    };
  const cpus = changedIds(before.cpus, after.cpus, (c) => c.id) as number[];
  const slabs = changedIds(before.slabs, after.slabs, (s) => s.id) as number[];
  const nodes = changedIds(before.nodes, after.nodes, (n) => n.id) as number[];
  return {
    cpus,
    slabs,
    nodes,
    actors: changedIds(before.actors, after.actors, (a) => a.name) as string[],
    objects: changedObjects(before.slabs, after.slabs),
    pagePool:
      JSON.stringify(before.pagePool) !== JSON.stringify(after.pagePool),
    nolock: JSON.stringify(before.nolock) !== JSON.stringify(after.nolock),
    sheaves: JSON.stringify(before.sheaves) !== JSON.stringify(after.sheaves),
    fields: [
      ...changedFields("cpu", cpus, before.cpus, after.cpus),
      ...changedFields("node", nodes, before.nodes, after.nodes),
      ...changedFields("slab", slabs, before.slabs, after.slabs),
    ],
  };
}

/** `kind:id:field` for each field of a record that differs from the record with its id before. */
function changedFields<T extends { id: number }>(
  kind: string,
  ids: number[],
  before: readonly T[],
  after: readonly T[],
): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const x = after.find((y) => y.id === id);
    const b = before.find((y) => y.id === id);
    if (!x) continue;
    if (!b) continue;
    for (const k of Object.keys(x) as (keyof T & string)[])
      if (JSON.stringify(x[k]) !== JSON.stringify(b[k]))
        out.push(`${kind}:${x.id}:${k}`);
  }
  return out;
}

/** Objects whose slot view differs, or that appeared or vanished with their slab. */
function changedObjects(before: SlabView[], after: SlabView[]): number[] {
  const old = new Map(before.map((s) => [s.id, s]));
  const out: number[] = [];
  for (const s of after) {
    const b = old.get(s.id);
    old.delete(s.id);
    s.slots.forEach((v, i) => {
      const w = b?.slots[i];
      if (!w || JSON.stringify(w) !== JSON.stringify(v))
        out.push(s.firstObj + i);
    });
  }
  for (const s of old.values())
    s.slots.forEach((_, i) => out.push(s.firstObj + i));
  return out.sort((a, b) => a - b);
}

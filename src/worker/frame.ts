/**
 * Frames: what the UI draws for one step, built from the engine's machine in the worker.
 * Plain data, small (ids, short strings), so it posts cheaply.
 */
import {
  fmtObj,
  totalStats,
  type Choice,
  type Finding,
  type FindingCode,
  type Machine,
  type StepEvent,
} from "../engine";
import type { ActorCode } from "./panes";

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
}

export interface SlabView {
  id: number;
  frozen: boolean;
  inuse: number;
  objects: number;
  freelist: string[];
  where: string;
}

export interface NodeView {
  id: number;
  partial: number[];
  nrPartial: number;
  listLock: string | null;
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

/** The state at one step, as the UI shows it. */
export interface StateView {
  cpus: CpuView[];
  nodes: NodeView[];
  slabs: SlabView[];
  actors: ActorView[];
  stats: Record<string, number>;
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
  const out: string[] = [];
  for (
    let x = head, g = 0;
    x !== null && x >= 0 && g <= m.cache.objects * m.pages.length;
    g++
  ) {
    out.push(fmtObj(m, x));
    const p = m.pages[Math.floor(x / m.cache.objects)];
    if (!p || p.use !== "slab") break;
    x = p.fp[x % m.cache.objects] ?? null;
  }
  return out;
}

function opText(op: Machine["actors"][number]["ops"][number] | undefined) {
  if (!op) return "";
  return "slot" in op ? `${op.kind} ${op.slot}` : op.kind;
}

export function buildView(
  m: Machine,
  fnLines: (fn: string, pc: number) => string,
): StateView {
  const name = (id: number | null) =>
    id === null ? null : (m.actors[id]?.name ?? null);
  const where = new Map<number, string>();
  m.cpuSlab.forEach((c, i) => {
    if (c.page !== null) where.set(c.page, `cpu ${i} slab`);
    for (let x = c.partial, g = 0; x !== null && g < m.pages.length; g++) {
      where.set(x, `cpu ${i} partial`);
      x = m.pages[x]?.next ?? null;
    }
  });
  m.nodes.forEach((n) =>
    n.partial.forEach((p) => where.set(p, `node ${n.id} partial`)),
  );
  return {
    cpus: m.cpus.map((c, i) => {
      const cs = m.cpuSlab[i]!;
      const partial: number[] = [];
      for (let x = cs.partial, g = 0; x !== null && g < m.pages.length; g++) {
        partial.push(x);
        x = m.pages[x]?.next ?? null;
      }
      return {
        id: i,
        online: c.online,
        irqsOff: c.irqsOff,
        context: [name(c.current), name(c.irq), name(c.nmi)].filter(
          (x): x is string => x !== null,
        ),
        freelist: chain(m, cs.freelist),
        tid: cs.tid,
        page: cs.page,
        partial,
        lock: name(cs.lock),
      };
    }),
    nodes: m.nodes.map((n) => ({
      id: n.id,
      partial: [...n.partial],
      nrPartial: n.nrPartial,
      listLock: name(n.listLock),
    })),
    slabs: m.pages
      .filter((p) => p.use === "slab")
      .map((p) => ({
        id: p.id,
        frozen: p.frozen,
        inuse: p.inuse,
        objects: p.objects,
        freelist: chain(m, p.freelist),
        where:
          where.get(p.id) ??
          (p.inuse === p.objects ? "full, on no list" : "in flight"),
      })),
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
  if (!before) return { cpus: [], slabs: [], nodes: [], actors: [] };
  return {
    cpus: changedIds(before.cpus, after.cpus, (c) => c.id) as number[],
    slabs: changedIds(before.slabs, after.slabs, (s) => s.id) as number[],
    nodes: changedIds(before.nodes, after.nodes, (n) => n.id) as number[],
    actors: changedIds(before.actors, after.actors, (a) => a.name) as string[],
  };
}

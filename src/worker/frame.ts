/**
 * Frames: what the UI draws for one step, built from the engine's machine in the worker.
 * Plain data, small (ids, short strings), so it posts cheaply.
 */
import {
  fmtObj,
  totalStats,
  type Finding,
  type Machine,
  type StepEvent,
} from "../engine";

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

export interface ActorView {
  name: string;
  kind: string;
  cpu: number;
  status: string;
  op: string;
  stack: { fn: string; line: string }[];
  waiting: string | null;
}

export interface Frame {
  step: number;
  total: number;
  event: { actor: string; fn: string; line: string; notes: string[] } | null;
  cpus: CpuView[];
  nodes: {
    id: number;
    partial: number[];
    nrPartial: number;
    listLock: string | null;
  }[];
  slabs: SlabView[];
  actors: ActorView[];
  findings: Finding[];
  stats: Record<string, number>;
  narration: string | null;
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

export function buildFrame(
  m: Machine,
  fnLines: (fn: string, pc: number) => string,
  event: StepEvent | null,
  total: number,
  narration: string | null,
): Frame {
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
    step: m.step,
    total,
    event: event && {
      actor: name(event.actor) ?? "?",
      fn: event.fn,
      line: event.line,
      notes: event.notes,
    },
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
        name: a.name,
        kind: a.kind,
        cpu: a.cpu,
        status:
          a.status === "ready" && a.frames.length === 0 && a.op >= a.ops.length
            ? "done"
            : a.status,
        op: a.ops[a.op]
          ? `${a.ops[a.op]!.kind}${"slot" in a.ops[a.op]! ? ` ${(a.ops[a.op] as { slot: string }).slot}` : ""}`
          : "",
        stack: a.frames.map((f) => ({ fn: f.fn, line: fnLines(f.fn, f.pc) })),
        waiting: a.wait ? a.wait.kind : null,
      })),
    findings: [...m.findings],
    stats: totalStats(m),
    narration,
  };
}

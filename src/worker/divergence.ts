/**
 * Compare mode's reading of two traces of one schedule (a race on its own kernel and on the
 * fixed one): the first step where they part and why, and the cursor on one side that matches a
 * cursor on the other by operation (the k-th operation boundary of one matches the k-th of the
 * other; inside an operation, the same offset from its start, clamped to the operation).
 *
 * Pure: it reads timelines, it never changes them.
 */
import { choicesFor, hasWork, type Machine } from "../engine";
import { isHardContext, lockName } from "../engine/prims";
import type { Timeline } from "./timeline";

/** What a step did, as far as comparing two traces goes. */
interface StepSig {
  actor: string;
  fn: string;
  line: string;
  findings: string[];
}

export type DivergenceKind =
  /** The scripted entry names an actor that cannot run there on the fixed kernel. */
  | "refused"
  /** The schedule's entries run out at another point: another actor takes the step. */
  | "shifted"
  /** The same actor runs different code (another function or line). */
  | "code"
  /** The same step reports a finding on one side only. */
  | "finding"
  /** One trace ends before the other. */
  | "ended"
  /** The traces are step for step the same. */
  | "none";

export interface Divergence {
  kind: DivergenceKind;
  /** The step (j: from cursor j to j + 1) where they first differ; null for `none`. */
  step: number | null;
  /** One sentence for the banner. */
  text: string;
}

function signatures(tl: Timeline): StepSig[] {
  const out: StepSig[] = [];
  tl.replay(tl.total, (m, ev) =>
    out.push({
      actor: m.actors[ev.actor]?.name ?? "?",
      fn: ev.fn,
      line: ev.line,
      findings: ev.findings.map((f) => f.code),
    }),
  );
  return out;
}

/** Why `name` cannot take the next step of `m`, in a few words. */
export function whyNot(m: Machine, name: string): string {
  const a = m.actors.find((x) => x.name === name);
  if (!a) return `${name} does not exist there`;
  if (!hasWork(a))
    return a.status === "crashed" ? `${name} has crashed` : `${name} is done`;
  if (choicesFor(m, a).length > 0) return `${name} could run`;
  if (a.wait?.kind === "lock")
    return `${name} sleeps on ${lockName(a.wait.ref)}`;
  if (a.wait) return `${name} waits for another actor`;
  const c = m.cpus[a.cpu]!;
  if (!c.online) return `cpu ${a.cpu} is offline`;
  if (isHardContext(m, a)) {
    if (c.nmi !== null) return `an NMI runs on cpu ${a.cpu}`;
    if (c.irqsOff)
      return `interrupts are off on cpu ${a.cpu}: the ${a.kind === "irq" ? "IRQ" : "interrupt"} cannot enter`;
    return `cpu ${a.cpu} is already in an interrupt`;
  }
  if (c.irq !== null || c.nmi !== null)
    return `an interrupt runs on cpu ${a.cpu}`;
  const cur = c.current === null ? null : m.actors[c.current]!;
  if (cur && cur.id !== a.id) {
    if (c.irqsOff)
      return `${cur.name} runs on cpu ${a.cpu} with interrupts off and cannot be preempted`;
    if (cur.preemptCount > 0)
      return `${cur.name} runs on cpu ${a.cpu} with preemption off and cannot be preempted`;
    return `${cur.name} holds cpu ${a.cpu}`;
  }
  return `${name} cannot run there`;
}

/** The first step where `fixed` parts from `buggy`, and why. */
export function firstDivergence(buggy: Timeline, fixed: Timeline): Divergence {
  const a = signatures(buggy);
  const b = signatures(fixed);
  const n = Math.min(a.length, b.length);
  for (let j = 0; j < n; j++) {
    const x = a[j]!;
    const y = b[j]!;
    if (x.actor !== y.actor) {
      const m = fixed.machineAt(j);
      const who = m.actors.find((q) => q.name === x.actor);
      if (who && choicesFor(m, who).length > 0)
        return {
          kind: "shifted",
          step: j,
          text: `Step ${j}: the schedule moves on to ${y.actor} (${y.fn}) where ${x.actor} still ran on its own kernel: ${x.actor}'s code takes another number of steps on the fixed kernel.`,
        };
      const why = whyNot(m, x.actor);
      return {
        kind: "refused",
        step: j,
        text: `Step ${j}: the schedule gives it to ${x.actor}, which the fixed kernel refuses (${why}); ${y.actor} runs instead, in ${y.fn}.`,
      };
    }
    if (x.fn !== y.fn || x.line !== y.line) {
      return {
        kind: "code",
        step: j,
        text: `Step ${j}: ${x.actor} runs other code on the fixed kernel: ${y.fn} — ${y.line} (on its own kernel: ${x.fn} — ${x.line}).`,
      };
    }
    if (x.findings.join() !== y.findings.join()) {
      const only = x.findings.length > 0 ? x.findings : y.findings;
      const side =
        x.findings.length > 0 ? "its own kernel" : "the fixed kernel";
      return {
        kind: "finding",
        step: j,
        text: `Step ${j}: the same line (${x.actor}: ${x.fn}) finds ${only.join(", ")} on ${side} only.`,
      };
    }
  }
  if (a.length !== b.length) {
    const short = a.length < b.length ? "its own kernel" : "the fixed kernel";
    return {
      kind: "ended",
      step: n,
      text: `Step ${n}: the trace on ${short} ends here; the other goes on.`,
    };
  }
  return {
    kind: "none",
    step: null,
    text: "The two traces are the same step for step.",
  };
}

/** An operation boundary: an actor's n-th operation starts or has just ended at `cursor`. */
export interface OpMark {
  /** `actor#n:start` or `actor#n:end`: the same key names the same boundary on both sides. */
  key: string;
  cursor: number;
}

/** Every operation boundary of the trace, in cursor order. */
export function operationMarks(tl: Timeline): OpMark[] {
  const out: OpMark[] = [];
  const started = new Map<string, number>();
  tl.replay(tl.total, (m, ev) => {
    const name = m.actors[ev.actor]?.name ?? "?";
    if (ev.opStart) {
      const n = started.get(name) ?? 0;
      started.set(name, n + 1);
      out.push({ key: `${name}#${n}:start`, cursor: ev.step });
    }
    if (ev.opEnd)
      out.push({
        key: `${name}#${(started.get(name) ?? 1) - 1}:end`,
        cursor: ev.step + 1,
      });
  });
  return out;
}

/**
 * The cursor on the other side that matches `cursor` on this side by operation: the last
 * operation boundary at or before `cursor` (an actor's n-th operation starting or ending) is
 * found on the other side, and the cursor keeps its offset from it, clamped to the other
 * side's next boundary and to `toTotal`. A boundary the other side never reaches falls back to
 * the one before it.
 */
export function alignByOperation(
  cursor: number,
  from: readonly OpMark[],
  to: readonly OpMark[],
  toTotal: number,
): number {
  const clamp = (x: number) => Math.max(0, Math.min(x, toTotal));
  const where = new Map<string, number>();
  to.forEach((m, i) => {
    if (!where.has(m.key)) where.set(m.key, i);
  });
  let k = -1;
  for (let i = 0; i < from.length && from[i]!.cursor <= cursor; i++) k = i;
  for (; k >= 0; k--) {
    const j = where.get(from[k]!.key);
    if (j === undefined) continue;
    const start = to[j]!.cursor;
    let end = toTotal;
    for (let q = j + 1; q < to.length; q++)
      if (to[q]!.cursor > start) {
        end = to[q]!.cursor;
        break;
      }
    return clamp(Math.min(start + (cursor - from[k]!.cursor), end));
  }
  return clamp(cursor);
}

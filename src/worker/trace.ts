/**
 * The storage of a timeline: the choice taken at every step, in typed arrays, and keyframes of
 * the machine every K steps. Pure data and functions (no DOM), so the benchmarks run it in Node.
 *
 * A keyframe is the machine as a list of JSON strings, one per part (the small shared state,
 * each page, each actor). A part equal to the same part of the previous keyframe is stored as
 * that same string, so a keyframe costs only what changed in its K steps. The operations of the
 * scenario's actors never change and can be long (thousands of operations in a busy scenario):
 * they are left out of keyframes and shared, frozen, by every restored machine.
 */
import type { Choice, Machine } from "../engine";

const VIA: readonly Choice["via"][] = [
  "running",
  "switch",
  "preempt",
  "irq-entry",
  "nmi-entry",
  "migrate",
];
const VIA_CODE = new Map(VIA.map((v, i) => [v, i]));

export const FLAG_PROGRESS = 1;
export const FLAG_OP_START = 2;
export const FLAG_OP_END = 4;
export const FLAG_FINDING = 8;

/** No kernel function: the step only started an operation the variant does not model. */
export const NO_FN = 0xffff;

/**
 * The choice of every step, and the kernel line it ran (the function's index in the timeline's
 * function table and the step's pc), eight bytes per step.
 */
export class StepLog {
  length = 0;
  actor: Uint8Array;
  cpu: Uint8Array;
  via: Uint8Array;
  flags: Uint8Array;
  fn: Uint16Array;
  pc: Uint16Array;

  constructor(capacity = 1024) {
    this.actor = new Uint8Array(capacity);
    this.cpu = new Uint8Array(capacity);
    this.via = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.fn = new Uint16Array(capacity);
    this.pc = new Uint16Array(capacity);
  }

  push(ch: Choice, flags: number, fn = NO_FN, pc = 0): void {
    if (this.length === this.actor.length) this.grow(this.length * 2);
    const i = this.length++;
    this.actor[i] = ch.actor;
    this.cpu[i] = ch.cpu;
    this.via[i] = VIA_CODE.get(ch.via)!;
    this.flags[i] = flags | (ch.progress ? FLAG_PROGRESS : 0);
    this.fn[i] = fn;
    this.pc[i] = pc;
  }

  choice(i: number): Choice {
    return {
      actor: this.actor[i]!,
      cpu: this.cpu[i]!,
      via: VIA[this.via[i]!]!,
      progress: (this.flags[i]! & FLAG_PROGRESS) !== 0,
    };
  }

  /** A copy of the first `n` steps, with room to grow. */
  prefix(n: number): StepLog {
    const out = new StepLog(Math.max(1024, n * 2));
    out.actor.set(this.actor.subarray(0, n));
    out.cpu.set(this.cpu.subarray(0, n));
    out.via.set(this.via.subarray(0, n));
    out.flags.set(this.flags.subarray(0, n));
    out.fn.set(this.fn.subarray(0, n));
    out.pc.set(this.pc.subarray(0, n));
    out.length = n;
    return out;
  }

  /** Drops the spare capacity (once the trace is complete). */
  trim(): void {
    if (this.actor.length !== this.length) this.grow(this.length);
  }

  bytes(): number {
    return this.actor.byteLength * 4 + this.fn.byteLength + this.pc.byteLength;
  }

  private grow(capacity: number): void {
    const copy = (a: Uint8Array) => {
      const b = new Uint8Array(capacity);
      b.set(a.subarray(0, Math.min(a.length, capacity)));
      return b;
    };
    const copy16 = (a: Uint16Array) => {
      const b = new Uint16Array(capacity);
      b.set(a.subarray(0, Math.min(a.length, capacity)));
      return b;
    };
    this.actor = copy(this.actor);
    this.cpu = copy(this.cpu);
    this.via = copy(this.via);
    this.flags = copy(this.flags);
    this.fn = copy16(this.fn);
    this.pc = copy16(this.pc);
  }
}

/** A machine as JSON parts: [rest of the machine, ...pages, ...actors]. */
export interface Keyframe {
  pages: number;
  parts: string[];
}

/**
 * The operations of the scenario's own actors (not the kernel's helpers, whose queues grow),
 * frozen: the engine only reads them, and a write would throw instead of corrupting keyframes.
 */
export type SharedOps = readonly (Machine["actors"][number]["ops"] | null)[];

export function shareOps(m: Machine): SharedOps {
  return m.actors.map((a) => {
    if (a.system) return null;
    for (const op of a.ops) Object.freeze(op);
    return Object.freeze(a.ops) as Machine["actors"][number]["ops"];
  });
}

/** Encodes `m`, reusing the strings of `prev` for the parts that did not change. */
export function encodeKeyframe(
  m: Machine,
  shared: SharedOps,
  prev: Keyframe | null,
): Keyframe {
  // Placeholders keep every key in its place, so a decoded machine prints like the original.
  const parts = [JSON.stringify({ ...m, pages: 0, actors: 0 })];
  for (const p of m.pages) parts.push(JSON.stringify(p));
  m.actors.forEach((a, i) =>
    parts.push(JSON.stringify(shared[i] ? { ...a, ops: 0 } : a)),
  );
  if (prev && prev.parts.length === parts.length) {
    for (let i = 0; i < parts.length; i++)
      if (parts[i] === prev.parts[i]) parts[i] = prev.parts[i]!;
  }
  return { pages: m.pages.length, parts };
}

export function decodeKeyframe(k: Keyframe, shared: SharedOps): Machine {
  const m = JSON.parse(k.parts[0]!) as Machine;
  const pages: Machine["pages"] = [];
  for (let i = 1; i <= k.pages; i++)
    pages.push(JSON.parse(k.parts[i]!) as Machine["pages"][number]);
  const actors: Machine["actors"] = [];
  for (let i = k.pages + 1; i < k.parts.length; i++) {
    const a = JSON.parse(k.parts[i]!) as Machine["actors"][number];
    const ops = shared[actors.length];
    if (ops) a.ops = ops as Machine["actors"][number]["ops"];
    actors.push(a);
  }
  m.pages = pages;
  m.actors = actors;
  return m;
}

/** Characters held by the keyframes, counting each shared string once (≈ bytes: JSON is ASCII). */
export function keyframeChars(kfs: readonly Keyframe[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const k of kfs)
    for (const p of k.parts)
      if (!seen.has(p)) {
        seen.add(p);
        n += p.length;
      }
  return n;
}

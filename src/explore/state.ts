/**
 * Copying and fingerprinting a machine state for the search (search.ts).
 *
 * A machine is plain JSON data (types.ts), so a structural copy that skips `undefined` fields is
 * the same as the engine's JSON round trip (`cloneMachine`), only several times faster.
 *
 * The fingerprint is a 53-bit hash of everything that decides what the machine can do next. It
 * leaves out what is history or display only and never read by a kernel step or a check
 * (and the kernel config, which never changes):
 * the step counter, the SLUB_STATS counters, the findings list (the search stops a schedule at
 * its first finding that counts, and which state-based findings are already reported is in
 * `activeFindings`, which is kept) and the actors' notes.
 */
import type { Machine } from "../engine";

/** A deep copy of plain JSON data (objects, arrays, strings, numbers, booleans, null). */
export function copyState<T>(v: T): T {
  return copy(v) as T;
}

function copy(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      out[i] = x === null || typeof x !== "object" ? x : copy(x);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  const src = v as Record<string, unknown>;
  for (const k in src) {
    const x = src[k];
    if (x === undefined) continue;
    out[k] = x === null || typeof x !== "object" ? x : copy(x);
  }
  return out;
}

/** Top-level machine fields that are history or display only. */
const SKIP_MACHINE = new Set(["step", "stats", "findings", "config"]);
/** Actor fields that are display only, or never change. */
const SKIP_ACTOR = new Set(["note", "name", "kind", "system"]);

let h1 = 0;
let h2 = 0;

function mix(x: number): void {
  h1 = Math.imul(h1 ^ x, 0x01000193);
  h2 = Math.imul(h2 ^ x, 0x5bd1e995);
  h2 ^= h2 >>> 15;
}

function mixString(s: string): void {
  mix(0x5f3759df ^ s.length);
  for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
}

/** Each key's hash, computed once (the same few dozen keys come back in every state). */
const keyHashes = new Map<string, number>();

function keyHash(k: string): number {
  let x = keyHashes.get(k);
  if (x === undefined) {
    x = 0x1505;
    for (let i = 0; i < k.length; i++) x = Math.imul(x ^ k.charCodeAt(i), 33);
    x = (x ^ k.length) | 0;
    // Local-variable names and slot names are open-ended: keep the table small.
    if (keyHashes.size < 4096) keyHashes.set(k, x);
  }
  return x;
}

function walk(v: unknown, skip: Set<string> | null): void {
  if (v === null) return mix(1);
  switch (typeof v) {
    case "number":
      if ((v | 0) === v) return mix(v ^ 0x2c1b3c6d);
      // Not a small integer: both halves of the float.
      mix(0x3f1);
      mix(Math.floor(v / 4294967296) | 0);
      return mix(v >>> 0);
    case "boolean":
      return mix(v ? 3 : 5);
    case "string":
      return mixString(v);
    case "undefined":
      return mix(7);
    case "object":
      break;
    default:
      return mix(11);
  }
  if (Array.isArray(v)) {
    mix(0x51 ^ v.length);
    for (let i = 0; i < v.length; i++) walk(v[i], null);
    return mix(0x53);
  }
  mix(0x61);
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (skip !== null && skip.has(k)) continue;
    const x = o[k];
    if (x === undefined) continue;
    mix(keyHash(k));
    walk(x, null);
  }
  mix(0x63);
}

/**
 * The state's fingerprint (`salt` is mixed in first: the search adds who took the last step): a whole number below 2^53. Equal states (built the same way) give
 * equal fingerprints; different states collide with a probability of about 2^-53 per pair.
 */
export function fingerprint(m: Machine, salt = 0): number {
  h1 = 0x811c9dc5;
  h2 = 0x9747b28c;
  mix(0x71 ^ salt);
  const o = m as unknown as Record<string, unknown>;
  for (const k in o) {
    if (SKIP_MACHINE.has(k)) continue;
    if (k === "actors") {
      mixString(k);
      for (const a of m.actors) walk(a, SKIP_ACTOR);
      continue;
    }
    const x = o[k];
    if (x === undefined) continue;
    mixString(k);
    walk(x, null);
  }
  return (h1 >>> 0) * 2097152 + (h2 >>> 11);
}

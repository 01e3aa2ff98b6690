/**
 * An actor's locals as the code pane shows them: each local of the function it is in, typed by
 * what it names (a slab page, an object, a CPU, a node, packed counters, a plain value), so the
 * pane can link a page or an object to the state diagram without parsing display strings.
 *
 * The engine's locals are plain JSON values (numbers for page ids and object refs alike): what a
 * number means comes from the local's name, as the kernel names it, with a few per-function
 * exceptions where one name holds different things.
 */
import type { Locals, Machine, Value } from "../engine";
import { unpackCounters } from "../engine/prims";
import { USER_DATA } from "../engine/types";

export type LocalValue =
  | { kind: "page"; page: number }
  | { kind: "object"; obj: number }
  | { kind: "pages"; pages: number[] }
  | { kind: "objects"; objs: number[] }
  | { kind: "cpu"; cpu: number }
  | { kind: "node"; node: number }
  /** `page->counters` as its three bitfields. */
  | { kind: "counters"; inuse: number; objects: number; frozen: boolean }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  | { kind: "text"; text: string };

export interface LocalView {
  name: string;
  value: LocalValue;
}

type Role = "page" | "object" | "cpu" | "node" | "counters" | "plain";

/** What a local of this name holds, wherever it appears. */
const ROLE: Readonly<Record<string, Role>> = {
  page: "page",
  oldpage: "page",
  partial: "page",
  toUnfreeze: "page",
  flushPage: "page",
  pid: "page",
  slab: "page",
  discard: "page",
  object: "object",
  freelist: "object",
  flushFreelist: "object",
  head: "object",
  tail: "object",
  prior: "object",
  oldFreelist: "object",
  newFreelist: "object",
  freelistTail: "object",
  next: "object",
  p: "object",
  t: "object",
  x: "object",
  pos: "object",
  got: "object",
  objects: "object",
  c: "cpu",
  cpu: "cpu",
  pca: "cpu",
  pcaCpu: "cpu",
  n: "node",
  n2: "node",
  node: "node",
  from: "node",
  counters: "counters",
  oldCounters: "counters",
  newCounters: "counters",
};

/** Where one name holds something else in one function. */
const ROLE_IN: Readonly<Record<string, Readonly<Record<string, Role>>>> = {
  get_partial_node: { ret: "page" },
  kmalloc_nolock: { ret: "object" },
  // A count of objects there, not a list.
  acquire_slab: { objects: "plain" },
};

/** Locals the engine keeps for itself (saved lock state, bookkeeping), not the kernel's. */
function hidden(name: string): boolean {
  return name.startsWith("__");
}

function typed(m: Machine, role: Role, v: Value): LocalValue {
  if (v === null) return { kind: "null" };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "string") return { kind: "text", text: v };
  if (Array.isArray(v)) {
    const xs = v.filter((x): x is number => x !== null);
    if (role === "page") return { kind: "pages", pages: xs };
    if (role === "object")
      return { kind: "objects", objs: xs.filter((x) => x !== USER_DATA) };
    return { kind: "text", text: `[${v.map(String).join(", ")}]` };
  }
  switch (role) {
    case "page":
      return v >= 0 && v < m.pages.length
        ? { kind: "page", page: v }
        : { kind: "number", value: v };
    case "object":
      if (v === USER_DATA) return { kind: "text", text: "<user data>" };
      return v >= 0 && v < m.pages.length * m.cache.objects
        ? { kind: "object", obj: v }
        : { kind: "number", value: v };
    case "cpu":
      return { kind: "cpu", cpu: v };
    case "node":
      return { kind: "node", node: v };
    case "counters":
      return { kind: "counters", ...unpackCounters(v) };
    case "plain":
      return { kind: "number", value: v };
  }
}

/** The locals of one frame of function `fn`, in the order the function set them. */
export function localsOf(m: Machine, fn: string, L: Locals): LocalView[] {
  const out: LocalView[] = [];
  const special = ROLE_IN[fn];
  for (const name of Object.keys(L)) {
    if (hidden(name)) continue;
    const role = special?.[name] ?? ROLE[name] ?? "plain";
    out.push({ name, value: typed(m, role, L[name]!) });
  }
  return out;
}

/** The slab pages and objects a local names, for the state diagram's highlight. */
export function localTargets(v: LocalValue): {
  slabs: number[];
  objects: number[];
} {
  switch (v.kind) {
    case "page":
      return { slabs: [v.page], objects: [] };
    case "pages":
      return { slabs: [...v.pages], objects: [] };
    case "object":
      return { slabs: [], objects: [v.obj] };
    case "objects":
      return { slabs: [], objects: [...v.objs] };
    default:
      return { slabs: [], objects: [] };
  }
}

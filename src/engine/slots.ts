/**
 * What the caller does with its slots (its arrays of pointers), shared by the core operations and
 * the features' ones: take the newest pointer to free it, store an allocation's result.
 */
import type { K } from "./program";
import {
  disownObject,
  doubleFreeMessage,
  indexOf,
  ownObject,
  pageOf,
  report,
  pageAt,
  slotWritten,
} from "./prims";
import type { Locals, Machine, ObjRef, Value } from "./types";
import { USER_DATA } from "./types";

/**
 * Slot `name`'s array for a step that writes it: listed as written (prims.ts `stepPages.slots`),
 * so that the checks compare only the slots a step wrote. Every write of a slot goes through
 * this (src/bench/stepPages.test.ts holds the engine's code to it).
 */
export function slotToWrite(m: Machine, name: string): ObjRef[] | undefined {
  const s = m.slots[name];
  if (s !== undefined) slotWritten(s);
  return s;
}

/** Slot `name`'s array for a step that only reads it. */
export function slotToRead(
  m: Machine,
  name: string,
): readonly ObjRef[] | undefined {
  return m.slots[name];
}

/**
 * A slot entry for a pointer the caller kept after freeing it (`free` with `keep`): stored as a
 * negative number so that the checks do not count it as an allocated object.
 */
export function dangling(obj: ObjRef): number {
  return -(obj + 2);
}
export function danglingTarget(entry: number): ObjRef {
  return -entry - 2;
}

/**
 * A free of the slot's newest pointer through `fn` (kmem_cache_free, kfree_nolock): takes it from
 * the slot (or leaves it dangling with `keep`) and hands it to the free path with `cnt`.
 */
export function freeLocals(
  k: K,
  op: { slot: string; keep?: boolean },
  fn: string,
  cnt: number,
): Locals | string {
  const m = k.m;
  const slot = slotToWrite(m, op.slot) ?? [];
  const entry = slot[slot.length - 1];
  if (entry === undefined) return `slot ${op.slot} is empty: nothing to free`;
  const obj = entry >= 0 ? entry : danglingTarget(entry);
  // keep: the caller frees the object but keeps its pointer, now dangling.
  if (op.keep) slot[slot.length - 1] = dangling(obj);
  else slot.pop();
  const pid = pageOf(m, obj);
  const page = pageAt(m, pid)!;
  // A free of an object that is already free: the kernel's "double free or corruption".
  if (page.use !== "slab" || page.fp[indexOf(m, obj)] !== USER_DATA) {
    report(k, "double-free", doubleFreeMessage(k, fn, obj), [pid], [obj]);
  }
  // Freeing an already free object: the kernel goes on and links it into a freelist
  // again; it is not "in flight" here, it is already on a freelist.
  else ownObject(k, obj);
  return { page: pid, head: obj, tail: obj, cnt };
}

/** An allocation's result: the object goes into the slot, with the caller's data written over it. */
export function storeAllocation(k: K, slot: string, value: Value): void {
  const m = k.m;
  const a = k.a;
  if (typeof value === "number") {
    slotToWrite(m, slot)!.push(value);
    disownObject(k, value);
    // The caller now writes its data into the object, over where the free pointer was.
    const p = pageAt(m, pageOf(m, value))!;
    if (p.use === "slab") p.fp[indexOf(m, value)] = USER_DATA;
  } else if (typeof value === "string") {
    // Served from somewhere not modelled object by object (another kmalloc bucket).
    a.note = `${slot}: ${value}`;
  } else {
    // Keep a more precise reason given during the operation (no page, a destroyed cache).
    a.note ??= `allocation for ${slot} failed`;
  }
}

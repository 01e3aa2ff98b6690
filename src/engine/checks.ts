/**
 * Checks after every step: where every object and every slab is, and whether the lists agree.
 *
 * Objects: every object of every slab page must be reachable exactly once, from a freelist
 * (a CPU's `c->freelist`, a slab's `page->freelist`, a detached chain an actor holds) or as an
 * allocated object (in a slot, or in flight in an actor). Slabs: a frozen slab belongs to one
 * CPU (its cpu slab or its partial chain) or to an actor in flight; an unfrozen slab with free
 * objects sits on its node's partial list. List invariants only hold while the node's
 * `list_lock` is free, so a node whose lock is held is checked when it is released.
 * State findings are reported once when they appear (and again if they reappear later).
 */
import type { K } from "./program";
import { fmtObj, indexOf, pageOf, report } from "./prims";
import type { Machine, ObjRef } from "./types";
import { USER_DATA } from "./types";

// Scratch space reused between calls (sized on demand) so that checks allocate little.
let freeSeen = new Int32Array(0);
let allocSeen = new Int32Array(0);
let slabSeen = new Int32Array(0);
let slabWhere: string[] = [];
let slabWhereFn: (() => string)[] = [];
let onNode = new Uint8Array(0);
let inFlight = new Uint8Array(0);

function walkChain(
  m: Machine,
  k: K,
  head: ObjRef | null,
  whereOf: () => string,
  problems: string[],
  tail: ObjRef | null = null,
): void {
  let x = head;
  let guard = 0;
  const total = m.pages.length * m.cache.objects;
  while (x !== null) {
    if (x === USER_DATA || x < 0 || x >= total) {
      problems.push(`freelist-corrupt|${whereOf()}: bad pointer ${x}|${x}`);
      return;
    }
    const pid = pageOf(m, x);
    const p = m.pages[pid]!;
    if (p.use !== "slab") {
      problems.push(
        `freelist-corrupt|${whereOf()} leads to ${fmtObj(m, x)} on a page that is not a slab|${x}`,
      );
      return;
    }
    freeSeen[x]! += 1;
    if (freeSeen[x]! > 1) {
      problems.push(
        `freelist-corrupt|${fmtObj(m, x)} is on a freelist twice (${whereOf()})|${x}`,
      );
      return;
    }
    if (++guard > total || x === tail) return;
    const w = p.fp[indexOf(m, x)];
    x = w === undefined ? null : w;
  }
  void k;
}

export function runChecks(m: Machine, k: K): void {
  const total = m.pages.length * m.cache.objects;
  if (freeSeen.length < total) {
    freeSeen = new Int32Array(total);
    allocSeen = new Int32Array(total);
  } else {
    freeSeen.fill(0, 0, total);
    allocSeen.fill(0, 0, total);
  }
  if (slabSeen.length < m.pages.length)
    slabSeen = new Int32Array(m.pages.length);
  else slabSeen.fill(0, 0, m.pages.length);
  slabWhere = [];
  slabWhereFn = [];
  const problems: string[] = [];

  // --- objects ---------------------------------------------------------------------------
  for (const p of m.pages)
    if (p.use === "slab" && p.freelist !== null)
      walkChain(m, k, p.freelist, () => `P${p.id}->freelist`, problems);
  const handedOver = new Set<number>();
  for (const a of m.actors)
    if (a.ownsCpuSlab !== null) handedOver.add(a.ownsCpuSlab);
  for (let c = 0; c < m.cpuSlab.length; c++)
    if (!handedOver.has(c) && m.cpuSlab[c]!.freelist !== null)
      walkChain(
        m,
        k,
        m.cpuSlab[c]!.freelist,
        () => `cpu${c} c->freelist`,
        problems,
      );
  for (const a of m.actors) {
    for (let i = 0; i < a.ownedChains.length; i += 2)
      walkChain(
        m,
        k,
        a.ownedChains[i]!,
        () => `${a.name}'s detached freelist`,
        problems,
        a.ownedChains[i + 1]!,
      );
    for (const o of a.ownedObjects) if (o >= 0 && o < total) allocSeen[o]! += 1;
  }
  for (const name in m.slots)
    for (const o of m.slots[name]!) if (o >= 0 && o < total) allocSeen[o]! += 1;

  for (const p of m.pages) {
    if (p.use !== "slab") continue;
    for (let i = 0; i < p.objects; i++) {
      const o = p.id * m.cache.objects + i;
      const fr = freeSeen[o]!;
      const al = allocSeen[o]!;
      if (fr + al === 0)
        problems.push(
          `object-leak|object ${fmtObj(m, o)} is on no freelist and allocated to nobody|${o}`,
        );
      else if (al > 1)
        problems.push(
          `double-alloc|object ${fmtObj(m, o)} has been handed out twice|${o}`,
        );
      else if (al === 1 && fr > 0)
        problems.push(
          `double-alloc|object ${fmtObj(m, o)} is allocated and also still on a freelist: it will be handed out again|${o}`,
        );
    }
  }

  // --- slabs -----------------------------------------------------------------------------
  // Where a slab was seen is only needed to explain a problem: the text is built lazily.
  const seeSlab = (pid: number, whereOf: () => string): void => {
    if (pid < 0 || pid >= m.pages.length) return;
    slabSeen[pid]! += 1;
    if (slabSeen[pid]! > 1 || m.pages[pid]!.use !== "slab") {
      const before = slabWhere[pid] ?? slabWhereFn[pid]?.() ?? "";
      slabWhere[pid] = before ? `${before} and ${whereOf()}` : whereOf();
    } else slabWhereFn[pid] = whereOf;
  };
  for (let c = 0; c < m.cpuSlab.length; c++) {
    const cs = m.cpuSlab[c]!;
    if (cs.page !== null && !handedOver.has(c))
      seeSlab(cs.page, () => `cpu${c}'s cpu slab`);
    let x = cs.partial;
    let guard = 0;
    while (x !== null && guard++ < m.pages.length) {
      const p = m.pages[x]!;
      if (p.use !== "slab") {
        problems.push(
          `list-corrupt|cpu${c}'s partial chain runs into P${x}, which is not a slab|`,
        );
        break;
      }
      seeSlab(x, () => `cpu${c}'s partial list`);
      x = p.next;
    }
  }
  const lockedNodes = new Set<number>();
  for (const n of m.nodes) {
    if (n.listLock !== null) lockedNodes.add(n.id);
    if (n.nrPartial !== n.partial.length)
      problems.push(
        `list-corrupt|node ${n.id}: nr_partial ${n.nrPartial} but ${n.partial.length} slabs on n->partial|`,
      );
    for (const pid of n.partial)
      seeSlab(pid, () => `node ${n.id} partial list`);
  }
  if (onNode.length < m.pages.length) {
    onNode = new Uint8Array(m.pages.length);
    inFlight = new Uint8Array(m.pages.length);
  } else {
    onNode.fill(0, 0, m.pages.length);
    inFlight.fill(0, 0, m.pages.length);
  }
  for (const n of m.nodes) for (const pid of n.partial) onNode[pid] = 1;
  for (const a of m.actors)
    for (const pid of a.ownedSlabs) {
      seeSlab(pid, () => `${a.name} (in flight)`);
      inFlight[pid] = 1;
    }

  for (const p of m.pages) {
    if (p.use !== "slab") {
      if (slabSeen[p.id]! > 0)
        problems.push(
          `list-corrupt|P${p.id} is ${p.use} but still listed as a slab (${slabWhere[p.id]})|`,
        );
      continue;
    }
    const seen = slabSeen[p.id]!;
    const nodeLocked = lockedNodes.has(p.node);
    if (seen > 1 && !nodeLocked)
      problems.push(
        `list-corrupt|slab P${p.id} is in two places: ${slabWhere[p.id]}|`,
      );
    const listed = onNode[p.id] === 1;
    if (p.frozen) {
      if (seen === 0)
        problems.push(
          `slab-lost|frozen slab P${p.id} is owned by no CPU and on no list: its objects can never be allocated again|`,
        );
      if (listed && !nodeLocked)
        problems.push(
          `list-corrupt|frozen slab P${p.id} is on node ${p.node}'s partial list|`,
        );
    } else if (p.inuse < p.objects && seen === 0 && !nodeLocked) {
      problems.push(
        `slab-lost|slab P${p.id} has free objects but is on no list and owned by no CPU|`,
      );
    }
    // inuse counts every object not on page->freelist.
    let free = 0;
    let x = p.freelist;
    let guard = 0;
    while (x !== null && x !== USER_DATA && guard++ <= p.objects) {
      if (pageOf(m, x) !== p.id) break;
      free++;
      x = p.fp[indexOf(m, x)] ?? null;
    }
    if (inFlight[p.id] === 0 && p.inuse !== p.objects - free)
      problems.push(
        `list-corrupt|slab P${p.id}: inuse ${p.inuse} but ${p.objects - free} objects are off its freelist|`,
      );
  }

  // Report new problems; forget the ones that went away.
  const present = new Set<string>();
  for (const pr of problems) {
    const [code, message, obj] = pr.split("|") as [string, string, string];
    const key = `state:${code}:${message}`;
    present.add(key);
    if (m.activeFindings.includes(key)) continue;
    const objs = obj === "" || obj === undefined ? [] : [Number(obj)];
    const slabs =
      objs.length > 0
        ? [pageOf(m, objs[0]!)]
        : [...message.matchAll(/P(\d+)/g)].slice(0, 1).map((x) => Number(x[1]));
    report(k, code as Parameters<typeof report>[1], message, slabs, objs, key);
  }
  if (m.activeFindings.some((f) => f.startsWith("state:") && !present.has(f))) {
    m.activeFindings = m.activeFindings.filter(
      (f) => !f.startsWith("state:") || present.has(f),
    );
  }
}

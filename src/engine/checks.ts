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
 *
 * This runs after every micro-step, so it works on scratch typed arrays and describes places
 * with small integer codes, turning them into text only when something is wrong. Most steps
 * change nothing it reads (checkInputs.ts tells them apart): their findings are those already
 * settled, so the full checks run only after a step that changed the checked state.
 */
import type { K } from "./program";
import { checkedStateUnchanged, settled, slotLists } from "./checkInputs";
import { fmtObj, pageOf, report } from "./prims";
import type { Machine, ObjRef, Page } from "./types";
import { USER_DATA } from "./types";

// A place, as a code: kind * PLACE + index.
const PLACE = 1 << 16;
const enum Where {
  PageFreelist = 0,
  CpuFreelist = 1,
  ActorChain = 2,
  CpuSlab = 3,
  CpuPartial = 4,
  NodePartial = 5,
  ActorSlab = 6,
}

function describe(m: Machine, code: number): string {
  const i = code % PLACE;
  switch (Math.floor(code / PLACE) as Where) {
    case Where.PageFreelist:
      return `P${i}->freelist`;
    case Where.CpuFreelist:
      return `cpu${i} c->freelist`;
    case Where.ActorChain:
      return `${m.actors[i]?.name ?? "?"}'s detached freelist`;
    case Where.CpuSlab:
      return `cpu${i}'s cpu slab`;
    case Where.CpuPartial:
      return `cpu${i}'s partial list`;
    case Where.NodePartial:
      return `node ${i} partial list`;
    case Where.ActorSlab:
      return `${m.actors[i]?.name ?? "?"} (in flight)`;
  }
}

// Scratch space reused between calls (grown on demand). Object counters are valid only where
// `objStamp` holds this call's stamp, so they need no clearing between steps.
let stamp = 0;
let objStamp = new Int32Array(0);
/** Per object: times reached on a freelist (low 4 bits) plus 16 per allocated holder. */
let objCount = new Int32Array(0);
const FREE = 1;
const ALLOC = 16;
/** Objects reached this call (each of a slab page), and whether one was reached twice. */
let reached = 0;
let dup = false;
let slabSeen = new Int32Array(0);
let slabFirst = new Int32Array(0);
let slabSecond = new Int32Array(0);
let pageFree = new Int32Array(0);
let onNode = new Uint8Array(0);
let inFlight = new Uint8Array(0);
let handedOver = new Uint8Array(0);

function grow(m: Machine): void {
  const total = m.pages.length * m.cache.objects;
  if (objCount.length < total) {
    objStamp = new Int32Array(total);
    objCount = new Int32Array(total);
  }
  stamp = (stamp + 1) | 0 || 1;
  reached = 0;
  dup = false;
  const n = m.pages.length;
  if (slabSeen.length < n) {
    slabSeen = new Int32Array(n);
    slabFirst = new Int32Array(n);
    slabSecond = new Int32Array(n);
    pageFree = new Int32Array(n);
    onNode = new Uint8Array(n);
    inFlight = new Uint8Array(n);
  } else {
    slabSeen.fill(0, 0, n);
    pageFree.fill(0, 0, n);
    onNode.fill(0, 0, n);
    inFlight.fill(0, 0, n);
  }
  if (handedOver.length < m.cpus.length)
    handedOver = new Uint8Array(m.cpus.length);
  else handedOver.fill(0, 0, m.cpus.length);
}

/** Walks a freelist, counting each object; returns how many objects of `ownPage` it held. */
function walkChain(
  m: Machine,
  head: ObjRef | null,
  where: number,
  problems: string[],
  tail: ObjRef | null,
  ownPage: number,
): number {
  const objects = m.cache.objects;
  const total = m.pages.length * objects;
  let own = 0;
  let x = head;
  for (let guard = 0; x !== null && guard <= total; guard++) {
    if (x === USER_DATA || x < 0 || x >= total) {
      problems.push(
        `freelist-corrupt|${describe(m, where)}: bad pointer ${x}|${x}`,
      );
      break;
    }
    const pid = (x / objects) | 0;
    const p = m.pages[pid]!;
    if (p.use !== "slab") {
      problems.push(
        `freelist-corrupt|${describe(m, where)} leads to ${fmtObj(m, x)} on a page that is not a slab|${x}`,
      );
      break;
    }
    const n = count(x, FREE);
    reached++;
    if (n !== FREE) dup = true;
    if ((n & 15) > 1) {
      problems.push(
        `freelist-corrupt|${fmtObj(m, x)} is on a freelist twice (${describe(m, where)})|${x}`,
      );
      break;
    }
    if (pid === ownPage) own++;
    if (x === tail) break;
    const w = p.fp[x % objects];
    x = w === undefined ? null : w;
  }
  return own;
}

/** Adds `by` to an object's count for this call and returns the new count. */
function count(o: number, by: number): number {
  if (objStamp[o] !== stamp) {
    objStamp[o] = stamp;
    objCount[o] = by;
    return by;
  }
  return (objCount[o] = objCount[o]! + by);
}

function markAllocated(m: Machine, o: number, total: number): void {
  if (o < 0 || o >= total || m.pages[(o / m.cache.objects) | 0]!.use !== "slab")
    return;
  reached++;
  if (count(o, ALLOC) !== ALLOC) dup = true;
}

function seeSlab(pid: number, where: number): void {
  const n = ++slabSeen[pid]!;
  if (n === 1) slabFirst[pid] = where;
  else if (n === 2) slabSecond[pid] = where;
}

export function runChecks(m: Machine, k: K): void {
  // The findings of an unchanged state are settled already (see checkInputs.ts).
  if (checkedStateUnchanged(m, k.a, k.ev.opStart || k.ev.opEnd)) return;
  fullChecks(m, k);
  settled(m);
}

function fullChecks(m: Machine, k: K): void {
  grow(m);
  const problems: string[] = [];
  const objects = m.cache.objects;
  const total = m.pages.length * objects;

  // --- objects ---------------------------------------------------------------------------
  for (const a of m.actors)
    if (a.ownsCpuSlab !== null) handedOver[a.ownsCpuSlab] = 1;
  // One pass over the page pool: the slab pages are all the later loops need. Marking an
  // allocated object only adds to its count, so the memcg vectors are marked here too.
  const slabs: Page[] = [];
  let expected = 0;
  const pages = m.pages;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i]!;
    if (p.use !== "slab") continue;
    slabs.push(p);
    expected += p.objects;
    if (p.freelist !== null)
      pageFree[p.id] = walkChain(
        m,
        p.freelist,
        Where.PageFreelist * PLACE + p.id,
        problems,
        null,
        p.id,
      );
    // A slab's obj_cgroups vector (memcg) is an allocated object, held by the page.
    if (p.objcgs !== null) markAllocated(m, p.objcgs, total);
  }
  for (let c = 0; c < m.cpuSlab.length; c++) {
    const fl = m.cpuSlab[c]!.freelist;
    if (handedOver[c] === 0 && fl !== null)
      walkChain(m, fl, Where.CpuFreelist * PLACE + c, problems, null, -1);
  }
  for (const a of m.actors) {
    const ch = a.ownedChains;
    for (let i = 0; i < ch.length; i += 2)
      walkChain(
        m,
        ch[i]!,
        Where.ActorChain * PLACE + a.id,
        problems,
        ch[i + 1]!,
        -1,
      );
    for (const o of a.ownedObjects) markAllocated(m, o, total);
  }
  for (const slot of slotLists(m))
    for (const o of slot) markAllocated(m, o, total);
  // kfree_nolock's deferred llist: the slab still counts these objects until they are drained.
  if (m.nolock)
    for (const o of m.nolock.deferFreeObjects) markAllocated(m, o, total);
  // Objects cached in a CPU's percpu array are allocated as far as the slabs know; the array
  // holds them for the cache (kernel/pca.ts).
  if (m.pca)
    for (const arr of m.pca)
      for (const o of arr.objects) markAllocated(m, o, total);

  // Every object reached once and as many reached as exist: nothing lost, nothing twice.
  for (const p of dup || reached !== expected ? slabs : []) {
    const base = p.id * objects;
    for (let o = base; o < base + p.objects; o++) {
      const n = count(o, 0);
      const fr = n & 15;
      const al = n >> 4;
      if (fr + al === 1) continue;
      if (fr + al === 0)
        problems.push(
          `object-leak|object ${fmtObj(m, o)} is on no freelist and allocated to nobody|${o}`,
        );
      else if (al > 1)
        problems.push(
          `double-alloc|object ${fmtObj(m, o)} has been handed out twice|${o}`,
        );
      else if (al === 1)
        problems.push(
          `double-alloc|object ${fmtObj(m, o)} is allocated and also still on a freelist: it will be handed out again|${o}`,
        );
    }
  }

  // --- slabs -----------------------------------------------------------------------------
  for (let c = 0; c < m.cpuSlab.length; c++) {
    const cs = m.cpuSlab[c]!;
    if (cs.page !== null && handedOver[c] === 0)
      seeSlab(cs.page, Where.CpuSlab * PLACE + c);
    let x = cs.partial;
    let length = 0;
    let intact = true;
    for (let guard = 0; x !== null && guard < m.pages.length; guard++) {
      const p = m.pages[x]!;
      if (p.use !== "slab") {
        problems.push(
          `list-corrupt|cpu${c}'s partial chain runs into P${x}, which is not a slab|`,
        );
        intact = false;
        break;
      }
      seeSlab(x, Where.CpuPartial * PLACE + c);
      length++;
      x = p.next;
    }
    // The head's `pages` counts the whole chain (its pobjects is only an estimate).
    const head = cs.partial === null ? undefined : m.pages[cs.partial];
    if (intact && head && head.use === "slab" && head.pages !== length)
      problems.push(
        `list-corrupt|cpu${c}'s partial list head P${head.id} says pages=${head.pages}, but the chain has ${length}|`,
      );
  }
  let lockedNodes = 0;
  for (const n of m.nodes) {
    if (n.listLock !== null) lockedNodes |= 1 << n.id;
    if (n.nrPartial !== n.partial.length)
      problems.push(
        `list-corrupt|node ${n.id}: nr_partial ${n.nrPartial} but ${n.partial.length} slabs on n->partial|`,
      );
    for (const pid of n.partial) {
      seeSlab(pid, Where.NodePartial * PLACE + n.id);
      onNode[pid] = 1;
    }
  }
  for (const a of m.actors)
    for (const pid of a.ownedSlabs) {
      seeSlab(pid, Where.ActorSlab * PLACE + a.id);
      inFlight[pid] = 1;
    }

  for (const p of m.pages) {
    const seen = slabSeen[p.id]!;
    if (p.use !== "slab") {
      if (seen > 0)
        problems.push(
          `list-corrupt|P${p.id} is ${p.use} but still listed as a slab (${describe(m, slabFirst[p.id]!)})|`,
        );
      continue;
    }
    const nodeLocked = (lockedNodes & (1 << p.node)) !== 0;
    if (seen > 1 && !nodeLocked)
      problems.push(
        `list-corrupt|slab P${p.id} is in two places: ${describe(m, slabFirst[p.id]!)} and ${describe(m, slabSecond[p.id]!)}|`,
      );
    if (p.frozen) {
      if (seen === 0)
        problems.push(
          `slab-lost|frozen slab P${p.id} is owned by no CPU and on no list: its objects can never be allocated again|`,
        );
      if (onNode[p.id] === 1 && !nodeLocked)
        problems.push(
          `list-corrupt|frozen slab P${p.id} is on node ${p.node}'s partial list|`,
        );
    } else if (p.inuse < p.objects && seen === 0 && !nodeLocked) {
      problems.push(
        `slab-lost|slab P${p.id} has free objects but is on no list and owned by no CPU|`,
      );
    }
    // inuse counts every object not on page->freelist (a private new slab is exempt).
    if (inFlight[p.id] === 0 && p.inuse !== p.objects - pageFree[p.id]!)
      problems.push(
        `list-corrupt|slab P${p.id}: inuse ${p.inuse} but ${p.objects - pageFree[p.id]!} objects are off its freelist|`,
      );
  }

  if (problems.length > 0 || m.activeFindings.length > 0)
    settle(m, k, problems);
}

/** Reports new problems and forgets the ones that went away. */
function settle(m: Machine, k: K, problems: string[]): void {
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

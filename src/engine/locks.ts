/**
 * The kinds of lock (`LockRef["kind"]`), one entry each: its lockdep class, its names, who holds
 * an instance, whether it is free, how its owner is set, and whether it sleeps. A kind without an
 * entry does not compile; prims.ts and the lanes' wait text read it.
 */
import type { LockClass, LockRef, Machine } from "./types";

export interface LockKindSpec<R extends LockRef> {
  cls: LockClass;
  /** For findings and the step log, e.g. `cpu_slab->lock (cpu 1)`. */
  name: (ref: R) => string;
  /** For the lanes' wait text, e.g. `cpu_slab->lock of cpu 1`. */
  waitName: (ref: R) => string;
  /** Current holders (several readers of a reader-writer lock). */
  owners: (m: Machine, ref: R) => number[];
  /** Whether it could be taken now (`owners(m, ref).length === 0`, or readers sharing). */
  free: (m: Machine, ref: R) => boolean;
  setOwner: (m: Machine, ref: R, who: number | null) => void;
  /** A sleeping lock: never taken in hardirq context. */
  sleeping: boolean;
}

type LockTable = {
  [K in LockRef["kind"]]: LockKindSpec<Extract<LockRef, { kind: K }>>;
};

const one = (o: number | null): number[] => (o === null ? [] : [o]);
const rw = (write: boolean) => (write ? "write" : "read");

export const LOCK_KINDS: LockTable = {
  cpuSlab: {
    cls: "cpu_slab->lock",
    name: (r) => `cpu_slab->lock (cpu ${r.cpu})`,
    waitName: (r) => `cpu_slab->lock of cpu ${r.cpu}`,
    owners: (m, r) => one(m.cpuSlab[r.cpu]!.lock),
    free: (m, r) => m.cpuSlab[r.cpu]!.lock === null,
    setOwner: (m, r, who) => {
      m.cpuSlab[r.cpu]!.lock = who;
    },
    sleeping: false,
  },
  listLock: {
    cls: "n->list_lock",
    name: (r) => `n->list_lock (node ${r.node})`,
    waitName: (r) => `n->list_lock of node ${r.node}`,
    owners: (m, r) => one(m.nodes[r.node]!.listLock),
    free: (m, r) => m.nodes[r.node]!.listLock === null,
    setOwner: (m, r, who) => {
      m.nodes[r.node]!.listLock = who;
    },
    sleeping: false,
  },
  slabMutex: {
    cls: "slab_mutex",
    name: () => "slab_mutex",
    waitName: () => "slab_mutex",
    owners: (m) => one(m.locks.slabMutex),
    free: (m) => m.locks.slabMutex === null,
    setOwner: (m, _, who) => {
      m.locks.slabMutex = who;
    },
    sleeping: true,
  },
  flushLock: {
    cls: "flush_lock",
    name: () => "flush_lock",
    waitName: () => "flush_lock",
    owners: (m) => one(m.locks.flushLock),
    free: (m) => m.locks.flushLock === null,
    setOwner: (m, _, who) => {
      m.locks.flushLock = who;
    },
    sleeping: true,
  },
  cpuHotplug: {
    cls: "cpu_hotplug_lock",
    name: (r) => `cpu_hotplug_lock (${rw(r.write)})`,
    waitName: (r) => `cpu_hotplug_lock (${rw(r.write)})`,
    owners: (m) => {
      const w = m.locks.cpuHotplugWriter;
      return w === null ? [...m.locks.cpuHotplugReaders] : [w];
    },
    free: (m, r) =>
      m.locks.cpuHotplugWriter === null &&
      (!r.write || m.locks.cpuHotplugReaders.length === 0),
    setOwner: (m, r, who) => {
      if (r.write) m.locks.cpuHotplugWriter = who;
      else if (who !== null) m.locks.cpuHotplugReaders.push(who);
    },
    sleeping: true,
  },
  pcpBatchHigh: {
    cls: "pcp_batch_high_lock",
    name: () => "pcp_batch_high_lock",
    waitName: () => "pcp_batch_high_lock",
    owners: (m) => one(m.locks.pcpBatchHighLock),
    free: (m) => m.locks.pcpBatchHighLock === null,
    setOwner: (m, _, who) => {
      m.locks.pcpBatchHighLock = who;
    },
    sleeping: true,
  },
  memoryChain: {
    cls: "memory_chain.rwsem",
    name: (r) => `memory_chain.rwsem (${rw(r.write)})`,
    waitName: (r) => `memory_chain.rwsem (${rw(r.write)})`,
    owners: (m) => {
      const w = m.locks.memoryChainWriter;
      return w === null ? [...m.locks.memoryChainReaders] : [w];
    },
    free: (m, r) =>
      m.locks.memoryChainWriter === null &&
      (!r.write || m.locks.memoryChainReaders.length === 0),
    setOwner: (m, r, who) => {
      if (r.write) m.locks.memoryChainWriter = who;
      else if (who !== null) m.locks.memoryChainReaders.push(who);
    },
    sleeping: true,
  },
  pcsLock: {
    cls: "cpu_sheaves->lock",
    name: (r) => `cpu_sheaves->lock (cpu ${r.cpu})`,
    waitName: (r) => `cpu_sheaves->lock of cpu ${r.cpu}`,
    owners: (m, r) => one(m.sheaves!.pcs[r.cpu]!.lock),
    free: (m, r) => m.sheaves!.pcs[r.cpu]!.lock === null,
    setOwner: (m, r, who) => {
      m.sheaves!.pcs[r.cpu]!.lock = who;
    },
    sleeping: false,
  },
  barnLock: {
    cls: "barn->lock",
    name: (r) => `barn->lock (node ${r.node})`,
    waitName: (r) => `barn->lock of node ${r.node}`,
    owners: (m, r) => one(m.sheaves!.barns[r.node]!.lock),
    free: (m, r) => m.sheaves!.barns[r.node]!.lock === null,
    setOwner: (m, r, who) => {
      m.sheaves!.barns[r.node]!.lock = who;
    },
    sleeping: false,
  },
  slabLock: {
    cls: "slab_lock",
    name: (r) => `slab_lock (P${r.page})`,
    waitName: (r) => `slab_lock of P${r.page}`,
    owners: (m, r) => {
      const p = m.pages[r.page]!;
      return p.pgLocked === true ? one(p.slabLockOwner ?? null) : [];
    },
    // The bit, not the owner: a PG_locked bit left set by a lost update is held by nobody.
    free: (m, r) => m.pages[r.page]!.pgLocked !== true,
    setOwner: (m, r, who) => {
      const p = m.pages[r.page]!;
      p.pgLocked = who !== null;
      p.slabLockOwner = who;
    },
    sleeping: false,
  },
};

/** The entry of `ref`'s kind, typed by the ref. */
export function lockKind<R extends LockRef>(ref: R): LockKindSpec<R> {
  return LOCK_KINDS[ref.kind] as unknown as LockKindSpec<R>;
}

/**
 * The operations an actor performs (`Op["kind"]`), one entry each: the kernel function it enters,
 * the slot it works on, whether it is an operation on the cache (refused once the cache is
 * destroyed), the mechanism a variant needs for it, and its short text for the lanes and the code
 * pane. A kind without an entry does not compile. The entry locals (machine.ts) and the editor's
 * syntax (ui/editor/draft.ts) are tables over the same kinds.
 *
 * Light on purpose (no engine code): the main thread reads it.
 */
import type { Op } from "./types";
import type { VariantFeatures } from "./variants";

export interface OpKindSpec<O extends Op> {
  /** The kernel function the operation enters on a variant with these features. */
  entry: (op: O, features: VariantFeatures) => string;
  /** Where its slot lives: the cache's object slots, the page-cache slots, or none. */
  slot: "objects" | "pages" | null;
  /** An operation on the cache itself, which has no users left once it is destroyed. */
  usesCache: boolean;
  /** The mechanism it belongs to (a variant without it has no entry function for it). */
  needs: keyof VariantFeatures | null;
  /** Its short text, e.g. `alloc a`. */
  text: (op: O) => string;
}

export type OpTable = {
  [K in Op["kind"]]: OpKindSpec<Extract<Op, { kind: K }>>;
};

const slotText = (op: { kind: string; slot: string }) =>
  `${op.kind} ${op.slot}`;
const bare = (op: { kind: string }) => op.kind;
const fixed = (name: string) => () => name;

export const OP_KINDS: OpTable = {
  alloc: {
    entry: (op) => (op.account ? "memcg_slab_alloc" : "slab_alloc_node"),
    slot: "objects",
    usesCache: true,
    needs: null,
    text: slotText,
  },
  // Kernels with the percpu array cache free through slab_free(), which picks array or slab.
  free: {
    entry: (_, f) =>
      f.percpuArray || f.sheaves ? "slab_free" : "do_slab_free",
    slot: "objects",
    usesCache: true,
    needs: null,
    text: slotText,
  },
  flushAll: {
    entry: fixed("flush_all"),
    slot: null,
    usesCache: true,
    needs: null,
    text: bare,
  },
  shrink: {
    entry: fixed("kmem_cache_shrink"),
    slot: null,
    usesCache: true,
    needs: null,
    text: bare,
  },
  cpuOffline: {
    entry: fixed("cpu_down"),
    slot: null,
    usesCache: false,
    needs: null,
    text: bare,
  },
  cpuOnline: {
    entry: fixed("cpu_up"),
    slot: null,
    usesCache: false,
    needs: null,
    text: bare,
  },
  allocPageCache: {
    entry: fixed("alloc_pages"),
    slot: "pages",
    usesCache: false,
    needs: null,
    text: slotText,
  },
  freePageCache: {
    entry: fixed("put_page"),
    slot: "pages",
    usesCache: false,
    needs: null,
    text: slotText,
  },
  destroy: {
    entry: fixed("kmem_cache_destroy"),
    slot: null,
    usesCache: true,
    needs: null,
    text: bare,
  },
  memoryOffline: {
    entry: fixed("offline_pages"),
    slot: null,
    usesCache: false,
    needs: null,
    text: bare,
  },
  flushCpuSlabWork: {
    entry: (op) =>
      op.work === "rcuSheaf"
        ? "flush_rcu_sheaf"
        : op.work === "deferFree"
          ? "free_deferred_objects"
          : "flush_cpu_slab",
    slot: null,
    usesCache: false,
    needs: null,
    text: bare,
  },
  kfreeRcu: {
    entry: fixed("kvfree_call_rcu"),
    slot: "objects",
    usesCache: true,
    needs: "sheaves",
    text: slotText,
  },
  kvfreeRcuBarrier: {
    entry: fixed("kvfree_rcu_barrier"),
    slot: null,
    usesCache: true,
    needs: "sheaves",
    text: bare,
  },
  prefillSheaf: {
    entry: fixed("kmem_cache_prefill_sheaf"),
    slot: null,
    usesCache: true,
    needs: "sheaves",
    text: (op) => `prefillSheaf ${op.count}`,
  },
  allocFromSheaf: {
    entry: fixed("kmem_cache_alloc_from_sheaf"),
    slot: "objects",
    usesCache: true,
    needs: "sheaves",
    text: slotText,
  },
  returnSheaf: {
    entry: fixed("kmem_cache_return_sheaf"),
    slot: null,
    usesCache: true,
    needs: "sheaves",
    text: bare,
  },
  rcuGracePeriod: {
    entry: fixed("rcu_do_batch"),
    slot: null,
    usesCache: false,
    needs: "sheaves",
    text: bare,
  },
  kmallocNolock: {
    entry: fixed("kmalloc_nolock"),
    slot: "objects",
    usesCache: true,
    needs: "nolock",
    text: slotText,
  },
  kfreeNolock: {
    entry: fixed("kfree_nolock"),
    slot: "objects",
    usesCache: true,
    needs: "nolock",
    text: slotText,
  },
  isolateMigratepages: {
    entry: fixed("isolate_migratepages_block"),
    slot: null,
    usesCache: false,
    needs: "nolock",
    text: bare,
  },
  allocBulk: {
    entry: fixed("kmem_cache_alloc_bulk"),
    slot: "objects",
    usesCache: true,
    needs: "percpuArray",
    text: slotText,
  },
  freeBulk: {
    entry: fixed("kmem_cache_free_bulk"),
    slot: "objects",
    usesCache: true,
    needs: "percpuArray",
    text: slotText,
  },
  prefill: {
    entry: fixed("kmem_cache_prefill_percpu_array"),
    slot: null,
    usesCache: true,
    needs: "percpuArray",
    text: bare,
  },
  // Not a kernel function: the caller's own write through its pointer (every variant has it).
  write: {
    entry: fixed("user_write"),
    slot: "objects",
    usesCache: false,
    needs: null,
    text: slotText,
  },
};

/** The entry of `op`'s kind, typed by the op. */
export function opKind<O extends Op>(op: O): OpKindSpec<O> {
  return OP_KINDS[op.kind] as unknown as OpKindSpec<O>;
}

/** The operation's short text, e.g. `alloc a` (empty for none). */
export function opText(op: Op | undefined): string {
  return op ? opKind(op).text(op) : "";
}

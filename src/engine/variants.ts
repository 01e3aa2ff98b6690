/**
 * The kernel variants: one declaration each, keyed by name. Everything the code needs to know
 * of a variant apart from its step programs lives here (its title, whether it builds with
 * PREEMPT_RT, the mechanisms it has, the later fixes its base release carries, the layout of
 * `struct kmem_cache_cpu`, and where its code comes from), so that nothing ever parses a
 * variant's name.
 *
 * Light on purpose: no step programs, only data. The main thread validates scenarios, share
 * links and editor drafts and draws the source links from it without bundling any kernel; the
 * engine's function tables (kernel/index.ts) are a `Record<VariantName, ...>` over these keys,
 * so a variant declared here without a table, or a table without a declaration, does not compile.
 */
import { ORDER_LOCK_FIRST, ORDER_V514, ORDER_V515 } from "./layout";
import type { CpuSlabField } from "./layout";
import type { KernelFix } from "./types";

/** Mainline releases the engine models, as source browsers name their tags. */
export type MainlineTag = "v5.14" | "v5.15" | "v6.8" | "v6.18";

/** The posting a variant that never shipped is built from. */
export interface PatchSource {
  /** The mail's subject, as posted. */
  title: string;
  /** A public archive of it (lore.kernel.org, or a search there by subject). */
  url: string;
}

/** Where a variant's code comes from. */
export interface VariantSource {
  /** The release it is (mainline), or the one its unchanged functions are modelled on. */
  base: MainlineTag;
  /** Null for a mainline release. */
  patch: PatchSource | null;
}

/** Mechanisms a variant has beyond the v5.15 core (the code keys on these, never on names). */
export interface VariantFeatures {
  /**
   * The opt-in percpu array cache (RFC v3): kmem_cache_setup_percpu_array(), the bulk and
   * prefill operations, and frees through slab_free(), which picks array or slab.
   */
  readonly percpuArray: boolean;
  /** kmalloc_nolock() / kfree_nolock() and the compaction scanner's visit of a page. */
  readonly nolock: boolean;
  /**
   * Percpu sheaves (alloc_from_pcs / free_to_pcs, the node barns): for every cache and with no
   * kmem_cache_cpu (v7.0), or for the caches that opt in, over kmem_cache_cpu (v6.18, see
   * `VariantSpec.sheavesOptIn`).
   */
  readonly sheaves: boolean;
}

/** A mechanism's key (feature.ts): its module, view and panel are records over these. */
export type FeatureName = keyof VariantFeatures;

export interface VariantSpec {
  /** Short description for the UI and the CLI. */
  readonly title: string;
  /** Whether it may be built with PREEMPT_RT. */
  readonly rtCapable: boolean;
  readonly features: VariantFeatures;
  /** Fixes merged before the release it builds on (always on for it). */
  readonly baseFixes: readonly KernelFix[];
  /** The field order of `struct kmem_cache_cpu` (layout.ts lays it out). */
  readonly cpuSlabOrder: readonly CpuSlabField[];
  readonly source: VariantSource;
  /**
   * What the era's code calls a slab (`struct page` and `c->page` until `struct slab`, v5.17);
   * the view labels read it. Default "page".
   */
  readonly slabStruct?: "page" | "slab";
  /**
   * Cpu partial slabs stay unfrozen and node-list membership is a slab flag (v6.8, "slub: Delay
   * freezing of CPU partial slabs"); the checks hold the flag against the lists.
   */
  readonly unfrozenPartials?: boolean;
  /**
   * No `struct kmem_cache_cpu` at all (v7.0: "slab: remove struct kmem_cache_cpu"): no cpu slab,
   * no cpu partial list, no tid. The view leaves those fields out instead of showing them empty.
   */
  readonly noCpuSlab?: boolean;
  /**
   * The mainline release this variant is when its code is modelled on another release's (v7.0:
   * the sheaves series over the v5.15 core). A variant whose source has no patch is the release
   * of its `source.base` without this. See `mainlineEras`.
   */
  readonly release?: `v${number}.${number}`;
  /**
   * Its table models the slab_lock() fallback of slab_update_freelist for caches without
   * __CMPXCHG_DOUBLE (scenario `cache.cmpxchgDouble: false`); elsewhere that switch only
   * concerns kmalloc_nolock().
   */
  readonly slabLockFallback?: boolean;
  /**
   * Sheaves only for a cache that asks for them (`kmem_cache_args.sheaf_capacity`, the
   * scenario's `cache.sheafCapacity`), layered over the full kmem_cache_cpu path (v6.18). Without
   * it a kernel with the `sheaves` feature gives every cache sheaves (v7.0).
   */
  readonly sheavesOptIn?: boolean;
  /** kfree_rcu() batches into a per-CPU rcu_free sheaf; kvfree_rcu_barrier() (v6.18). */
  readonly kfreeRcuSheaf?: boolean;
}

const NONE: VariantFeatures = {
  percpuArray: false,
  nolock: false,
  sheaves: false,
};
const NOLOCK: VariantFeatures = {
  percpuArray: false,
  nolock: true,
  sheaves: false,
};
const PCA: VariantFeatures = {
  percpuArray: true,
  nolock: false,
  sheaves: false,
};

/** The 2022 tid bump in deactivate_slab (merged for v5.19 and stable): every 6.x base has it. */
const SINCE_2022: readonly KernelFix[] = ["tid-on-deactivation"];

function lore(subject: string): string {
  return `https://lore.kernel.org/all/?q=${encodeURIComponent(`s:"${subject}"`)}`;
}

const MAINLINE_V514: VariantSource = { base: "v5.14", patch: null };
const MAINLINE_V515: VariantSource = { base: "v5.15", patch: null };
const SERIES_V4 =
  "[PATCH v4 00/35] SLUB: reduce irq disabled scope and make it RT compatible";
const MIKE_V2_URL =
  "https://lore.kernel.org/all/476d147ab6eec386a1e8b8e11cb09708377f8c3e.camel@gmx.de/";
const RT_2021_07: VariantSource = {
  base: "v5.15",
  patch: {
    title:
      "v2 mm/slub: restore/expand unfreeze_partials() local exclusion scope (thread, PREEMPT_RT tree of July 2021)",
    url: MIKE_V2_URL,
  },
};
const NOLOCK_V1: VariantSource = {
  base: "v5.15",
  patch: {
    title: "[PATCH 6/6] slab: Introduce kmalloc_nolock() and kfree_nolock().",
    url: lore("slab: Introduce kmalloc_nolock() and kfree_nolock()"),
  },
};
const PCA_RFC3: VariantSource = {
  base: "v5.15",
  patch: {
    title:
      "[PATCH RFC v3 5/9] mm/slub: add opt-in percpu array cache of objects",
    url: lore("mm/slub: add opt-in percpu array cache of objects"),
  },
};

/** A variant built on the v5.15 core with PREEMPT_RT support and no base fixes. */
function onV515(
  title: string,
  source: VariantSource,
  more: Partial<VariantSpec> = {},
): VariantSpec {
  return {
    title,
    rtCapable: true,
    features: NONE,
    baseFixes: [],
    cpuSlabOrder: ORDER_V515,
    source,
    ...more,
  };
}

/** The kmalloc_nolock() patch that the 6.18 nolock intermediates come from. */
const NOLOCK_ON_V618: VariantSource = {
  base: "v6.18",
  patch: {
    title: "[PATCH] slab: Introduce kmalloc_nolock() and kfree_nolock().",
    url: lore("slab: Introduce kmalloc_nolock() and kfree_nolock()"),
  },
};

/**
 * A v6.18 kernel: the 6.8 kmem_cache_cpu core (struct slab, unfrozen cpu partials, the slab_lock
 * fallback) with kmalloc_nolock and opt-in sheaves. The intermediates differ only in their title,
 * source and function table.
 */
function onV618(title: string, source: VariantSource): VariantSpec {
  return {
    title,
    rtCapable: true,
    features: { percpuArray: false, nolock: true, sheaves: true },
    baseFixes: SINCE_2022,
    cpuSlabOrder: ORDER_V515,
    source,
    slabStruct: "slab",
    unfrozenPartials: true,
    slabLockFallback: true,
    sheavesOptIn: true,
    kfreeRcuSheaf: true,
  };
}

/** Every variant, in the order the UI and the CLI list them. */
export const VARIANTS = {
  "v5.14": {
    title:
      "mainline v5.14: irq-disabled slow paths, cmpxchg loop in put_cpu_partial, IPI flush",
    rtCapable: false,
    features: NONE,
    baseFixes: [],
    cpuSlabOrder: ORDER_V514,
    source: MAINLINE_V514,
  },
  "v5.15": onV515(
    "mainline v5.15: the local_lock series as merged, with the fixes from the thread",
    MAINLINE_V515,
  ),
  "rt-2021-07": onV515(
    "PREEMPT_RT tree, July 2021: c->partial under the local lock in ___slab_alloc and the fast paths, but a lockless cmpxchg loop in put_cpu_partial; the asserting pfmemalloc peek",
    RT_2021_07,
  ),
  "rt-2021-07-lockless-whatif": onV515(
    "What if (hypothetical, no tree had it): rt-2021-07 with the fast paths left lockless on RT",
    {
      base: "v5.15",
      patch: {
        title:
          "What if (no tree had it): the PREEMPT_RT tree of July 2021 with the lockless fast paths the series gave up on RT after its RFC v1",
        url: lore(SERIES_V4),
      },
    },
  ),
  "rt-2021-07-mike-v2": onV515(
    "rt-2021-07 with Mike Galbraith's v2: the local lock around unfreeze_partials() only",
    {
      base: "v5.15",
      patch: {
        title:
          "v2 mm/slub: restore/expand unfreeze_partials() local exclusion scope",
        url: MIKE_V2_URL,
      },
    },
  ),
  "rt-2021-07-vlastimil": onV515(
    "rt-2021-07 with Vlastimil Babka's counter-proposal as posted (whole put_cpu_partial under the lock on RT; a CONFIG_PREMPT_RT typo)",
    RT_2021_07,
  ),
  "rt-2021-07-bent-up-half": onV515(
    "rt-2021-07 with Mike's \"bent up half\" of Vlastimil's patch: the lock only on RT when draining",
    RT_2021_07,
  ),
  "rt-2021-07-naive-lock": onV515(
    "rt-2021-07 with the naive fix: on RT all of put_cpu_partial under the local lock, unfreezing (and discarding) included",
    RT_2021_07,
  ),
  v4: onV515(
    "the local_lock series v4 as posted (2021-08-05), before the fix-ups in its thread",
    { base: "v5.15", patch: { title: SERIES_V4, url: lore(SERIES_V4) } },
    { cpuSlabOrder: ORDER_LOCK_FIRST },
  ),
  "v6.15-nolock-noguard": onV515(
    "kmalloc_nolock()/kfree_nolock() v1 without its context checks (analysis): no local_lock_is_locked() tests, no PREEMPT_RT refusal from NMI",
    NOLOCK_V1,
    { features: NOLOCK, baseFixes: SINCE_2022 },
  ),
  "v6.15-nolock-v1": onV515(
    "kmalloc_nolock()/kfree_nolock() as reviewed in May 2025 (v1): -EBUSY retry in the next bucket, deferred frees, alloc_pages_nolock + put_page_testzero",
    NOLOCK_V1,
    { features: NOLOCK, baseFixes: SINCE_2022 },
  ),
  "v6.15-nolock-v1-irqs": onV515(
    "v1 with Harry Yoo's candidate (an open review item, outside the seed): the locked test in kmalloc_nolock also when irqs are disabled, not only in NMI",
    NOLOCK_V1,
    { features: NOLOCK, baseFixes: SINCE_2022 },
  ),
  "v6.15-nolock-v1-frozen": onV515(
    "v1 with the review's fix (as in v2, July 2025): alloc_frozen_pages_nolock, the new slab page is never refcounted",
    NOLOCK_V1,
    { features: NOLOCK, baseFixes: SINCE_2022 },
  ),
  "v6.7-pca-rfc3": onV515(
    "the opt-in percpu array cache, RFC v3 as posted (Nov 2023, on v6.7-rc; composed over the v5.15 core)",
    PCA_RFC3,
    { features: PCA, baseFixes: SINCE_2022 },
  ),
  "v6.7-pca-rfc3-fixed": onV515(
    "the percpu array cache RFC v3 with the holes found in review closed: free fallback, refill give-back, flush on offline and destroy",
    PCA_RFC3,
    { features: PCA, baseFixes: SINCE_2022 },
  ),
  "v6.8": {
    title:
      "mainline v6.8: struct slab, cpu partial slabs left unfrozen (only the cpu slab is frozen), node-list membership as a slab flag",
    rtCapable: true,
    features: NONE,
    baseFixes: SINCE_2022,
    cpuSlabOrder: ORDER_V515,
    source: { base: "v6.8", patch: null },
    slabStruct: "slab",
    unfrozenPartials: true,
    slabLockFallback: true,
  },
  "v6.8-next-2023-11": {
    title:
      "v6.8's delayed freezing as in linux-next, Nov 2023 (series v5, before its fix-up): the on-node-list flag set and cleared with non-atomic bit operations, slab_unlock a plain store",
    rtCapable: true,
    features: NONE,
    baseFixes: SINCE_2022,
    cpuSlabOrder: ORDER_V515,
    source: {
      base: "v6.8",
      patch: {
        title: "[PATCH v5 6/9] slub: Delay freezing of partial slabs",
        url: lore("slub: Delay freezing of partial slabs"),
      },
    },
    slabStruct: "slab",
    unfrozenPartials: true,
    slabLockFallback: true,
  },
  "v6.18": onV618(
    "mainline v6.18: opt-in percpu sheaves (sheaf_capacity) and node barns over the 6.8 kmem_cache_cpu path",
    { base: "v6.18", patch: null },
  ),
  "v6.18-defer-rawfp": onV618(
    "v6.18-rc1's kfree_nolock() deferred frees: free_deferred_objects() clears the llist link in the free pointer word with a raw store of NULL, which CONFIG_SLAB_FREELIST_HARDENED reads back as garbage",
    NOLOCK_ON_V618,
  ),
  "v6.18-nolock-loop": onV618(
    "v6.18-rc kmalloc_nolock() on a slub_debug cache: when the trylock of n->list_lock fails for a new slab, the slab is discarded and ___slab_alloc goes back to new_objects, for ever if the lock's holder is the context it interrupted",
    NOLOCK_ON_V618,
  ),
  "v6.18-barn-null": onV618(
    "v6.18's sheaves as merged in the 6.18 merge window, before the memoryless-node fix: get_barn() dereferences get_node(s, numa_mem_id()), which is NULL on a node without memory",
    {
      base: "v6.18",
      patch: {
        title:
          "[PATCH v8 01/23] slab: add opt-in caching layer of percpu sheaves",
        url: lore("slab: add opt-in caching layer of percpu sheaves"),
      },
    },
  ),
  "v6.18-rcu-sheaf-v8": onV618(
    "v6.18 with the kfree_rcu sheaf as posted in v8 of the series: __kfree_rcu_sheaf() drops the CPU's lock before call_rcu() of a full sheaf",
    {
      base: "v6.18",
      patch: {
        title:
          "[PATCH v8 04/23] slab: add sheaf support for batching kfree_rcu() operations",
        url: lore(
          "slab: add sheaf support for batching kfree_rcu() operations",
        ),
      },
    },
  ),
  "v7.0": onV515(
    "mainline v7.0: percpu sheaves for every cache, node barns, no kmem_cache_cpu (the slow path takes objects straight from slabs)",
    {
      base: "v5.15",
      patch: {
        title:
          "[PATCH v3 00/21] slab: replace cpu (partial) slabs with sheaves",
        url: lore("slab: replace cpu (partial) slabs with sheaves"),
      },
    },
    {
      features: { percpuArray: false, nolock: false, sheaves: true },
      baseFixes: SINCE_2022,
      slabStruct: "slab",
      noCpuSlab: true,
      release: "v7.0",
    },
  ),
  "v7.0-flush-lock": onV515(
    "v7.0 with the sheaf flush fix (Feb 2026, Cc stable): the flush work takes each CPU's sheaves lock with local_lock, not local_trylock, so on PREEMPT_RT it waits for a preempted holder instead of leaving the main sheaf unflushed",
    {
      base: "v5.15",
      patch: {
        title:
          "[PATCH] slab: distinguish lock and trylock for sheaf_flush_main()",
        url: lore("slab: distinguish lock and trylock for sheaf_flush_main()"),
      },
    },
    {
      features: { percpuArray: false, nolock: false, sheaves: true },
      baseFixes: SINCE_2022,
      slabStruct: "slab",
      noCpuSlab: true,
    },
  ),
} as const satisfies Readonly<Record<string, VariantSpec>>;

export type VariantName = keyof typeof VARIANTS;

/** Every variant's name, in declaration order (a tuple for z.enum). */
export const VARIANT_NAMES = Object.keys(VARIANTS) as [
  VariantName,
  ...VariantName[],
];

export function isVariantName(name: string): name is VariantName {
  return Object.hasOwn(VARIANTS, name);
}

export function variantSpec(name: VariantName): VariantSpec {
  return VARIANTS[name];
}

/** The variants that have a feature. */
export function variantsWith(feature: keyof VariantFeatures): VariantName[] {
  return VARIANT_NAMES.filter((n) => VARIANTS[n].features[feature]);
}

/** The mainline release a variant is (`v6.8`), or null for a posting, a tree or a what-if. */
export function mainlineRelease(name: VariantName): string | null {
  const spec: VariantSpec = VARIANTS[name];
  return spec.release ?? (spec.source.patch === null ? spec.source.base : null);
}

/** `v6.18` as [6, 18], for ordering releases. */
function releaseOrder(tag: string): number[] {
  return tag
    .slice(1)
    .split(".")
    .map((x) => Number(x));
}

/**
 * The eras: every variant that is a mainline release, oldest first. Read from the declarations
 * (a new release is an era as soon as it is declared), never from a list of names.
 */
export function mainlineEras(): VariantName[] {
  const tagged = VARIANT_NAMES.flatMap((n) => {
    const tag = mainlineRelease(n);
    return tag === null ? [] : [{ n, order: releaseOrder(tag) }];
  });
  tagged.sort((a, b) => {
    for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
      const d = (a.order[i] ?? 0) - (b.order[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return tagged.map((t) => t.n);
}

/** The variants that may be built with PREEMPT_RT. */
export function rtCapableVariants(): VariantName[] {
  return VARIANT_NAMES.filter((n) => VARIANTS[n].rtCapable);
}

/** The scenario's fixes and those the variant's base release already carries. */
export function fixesFor(
  variant: VariantName,
  fixes: readonly KernelFix[] = [],
): KernelFix[] {
  const base = VARIANTS[variant].baseFixes;
  return [...fixes, ...base.filter((f) => !fixes.includes(f))];
}

/**
 * The holder union and its visitor (holders.ts enumerates them): types only, so that the feature
 * modules can name them without importing the enumeration that loops over the features.
 */
import type { ObjRef } from "./types";

/** A place that holds objects. */
export type ObjectHolder =
  /** A slab page's own `page->freelist`. */
  | { kind: "pageFreelist"; page: number }
  /** A CPU's `c->freelist`; `actor`: the actor working on it in place, if any. */
  | { kind: "cpuFreelist"; cpu: number; actor: number | null }
  /** A freelist detached from its slab, held by an actor. */
  | { kind: "actorChain"; actor: number }
  /** A CPU's percpu array (`s->cpu_array`, kernel/pca.ts). */
  | { kind: "pcaArray"; cpu: number }
  /** kfree_nolock's `s->defer_free_objects` (kernel/nolock.ts). */
  | { kind: "deferFree" }
  /** A named slot of the scenario's caller. */
  | { kind: "slot"; name: string }
  /** Objects an actor has in flight (being allocated or freed). */
  | { kind: "inFlight"; actor: number }
  /** A slab's memcg `obj_cgroups` vector. */
  | { kind: "objcgs"; page: number }
  /** A CPU's main or spare sheaf (kernel/v7_0.ts). */
  | { kind: "sheaf"; cpu: number; which: "main" | "spare" }
  /** The sheaves in a node's barn. */
  | { kind: "barn"; node: number }
  /** A sheaf an actor holds detached (refilling or flushing it). */
  | { kind: "sheafInFlight"; actor: number }
  /** A CPU's `pcs->rcu_free` sheaf, filled by kfree_rcu() (kernel/v6_18.ts). */
  | { kind: "rcuSheaf"; cpu: number }
  /** Sheaves handed to call_rcu(), waiting for a grace period. */
  | { kind: "rcuPending" };

/** A place that holds slab pages. */
export type SlabHolder =
  /** A CPU's `c->page`; `actor`: the actor working on it in place, if any. */
  | { kind: "cpuSlab"; cpu: number; actor: number | null }
  /** A CPU's partial chain (`c->partial`, linked by `page->next`). */
  | { kind: "cpuPartial"; cpu: number }
  /** A node's `n->partial`. */
  | { kind: "nodePartial"; node: number }
  /** Frozen slabs an actor owns in flight. */
  | { kind: "slabInFlight"; actor: number };

export type Holder = ObjectHolder | SlabHolder;

/** What `visitHolders` hands each holder to. */
export interface HolderVisitor {
  /**
   * Free objects linked from `head` through their free pointers, up to NULL or, when `tail` is
   * not null, up to `tail` inclusive. The chain is not walked: it may be corrupt.
   */
  chain(h: ObjectHolder, head: ObjRef | null, tail: ObjRef | null): void;
  /** Objects held as a list (a slot's negative entries are dangling pointers: skip them). */
  objects(h: ObjectHolder, refs: readonly ObjRef[]): void;
  /** One object. */
  object(h: ObjectHolder, ref: ObjRef): void;
  /** One slab page. */
  slab(h: SlabHolder, page: number): void;
  /** Slab pages linked from `head` through `page->next` (not walked: it may be corrupt). */
  slabChain(h: SlabHolder, head: number | null): void;
  /** Slab pages held as a list. */
  slabs(h: SlabHolder, pages: readonly number[]): void;
}

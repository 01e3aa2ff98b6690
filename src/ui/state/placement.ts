/**
 * Where each slab card goes in the state view: under the owner whose list holds it, in list
 * order. Each CPU: its cpu slab (`c->page`), then its partial chain; each node: its partial
 * list, then its full slabs (on no list), then slabs of that node on no list at all (held by an
 * actor mid-path, or lost). A page a pointer names that is no longer a slab gets a placeholder
 * where the card would be; a slab on two lists gets a card in both places, both flagged.
 */
import type { Frame, SlabView } from "../../worker/frame";

export interface Placed {
  id: number;
  /** Null: the pointer names a page that is not a slab any more. */
  slab: SlabView | null;
  /** 0 for the slab's first place, 1, 2, ... for further ones. */
  copy: number;
  /** The slab is on more than one list. */
  dup: boolean;
  /** The owner's key: `cpu-0-page`, `cpu-0-partial`, `node-0-partial`, `node-0-full`, `node-0-other`. */
  owner: string;
  /** The card's own key: the owner's key and its index in the owner's list. */
  at: string;
}

export interface Placement {
  cpuPage: Map<number, Placed | null>;
  cpuPartial: Map<number, Placed[]>;
  nodePartial: Map<number, Placed[]>;
  nodeFull: Map<number, Placed[]>;
  /** Slabs on no list: in flight in an actor, or lost. */
  nodeOther: Map<number, Placed[]>;
}

export function placeSlabs(
  f: Pick<Frame, "cpus" | "nodes" | "slabs">,
): Placement {
  const slabs = new Map(f.slabs.map((s) => [s.id, s]));
  // Every list membership first, to count them.
  const lists: { owner: string; ids: number[] }[] = [];
  for (const c of f.cpus) {
    lists.push({
      owner: `cpu-${c.id}-page`,
      ids: c.page === null ? [] : [c.page],
    });
    lists.push({ owner: `cpu-${c.id}-partial`, ids: c.partial });
  }
  for (const n of f.nodes) {
    lists.push({ owner: `node-${n.id}-partial`, ids: n.partial });
    lists.push({ owner: `node-${n.id}-full`, ids: n.full });
  }
  const count = new Map<number, number>();
  for (const l of lists)
    for (const id of l.ids) count.set(id, (count.get(id) ?? 0) + 1);
  const seen = new Map<number, number>();
  const place = (owner: string, id: number, i: number): Placed => {
    const slab = slabs.get(id) ?? null;
    const copy = slab ? (seen.get(id) ?? 0) : 0;
    if (slab) seen.set(id, copy + 1);
    return {
      id,
      slab,
      copy,
      dup: (count.get(id) ?? 0) > 1,
      owner,
      at: `${owner}-${i}`,
    };
  };
  const out: Placement = {
    cpuPage: new Map(),
    cpuPartial: new Map(),
    nodePartial: new Map(),
    nodeFull: new Map(),
    nodeOther: new Map(),
  };
  for (const c of f.cpus) {
    out.cpuPage.set(
      c.id,
      c.page === null ? null : place(`cpu-${c.id}-page`, c.page, 0),
    );
    out.cpuPartial.set(
      c.id,
      c.partial.map((p, i) => place(`cpu-${c.id}-partial`, p, i)),
    );
  }
  for (const n of f.nodes) {
    out.nodePartial.set(
      n.id,
      n.partial.map((p, i) => place(`node-${n.id}-partial`, p, i)),
    );
    out.nodeFull.set(
      n.id,
      n.full.map((p, i) => place(`node-${n.id}-full`, p, i)),
    );
  }
  const firstNode = f.nodes[0]?.id ?? 0;
  for (const s of f.slabs) {
    if (seen.has(s.id)) continue;
    const node = f.nodes.some((n) => n.id === s.node) ? s.node : firstNode;
    const list = out.nodeOther.get(node) ?? [];
    list.push(place(`node-${node}-other`, s.id, list.length));
    out.nodeOther.set(node, list);
  }
  return out;
}

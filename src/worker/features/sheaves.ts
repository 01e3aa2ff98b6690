/** The percpu sheaves' part of the state view (engine/features/sheaves.ts). */
import { fmtObj, type Machine } from "../../engine";

/** One `struct slab_sheaf`: its id and its objects, bottom first (the top is popped next). */
export interface SheafView {
  id: number;
  objects: string[];
  refs: number[];
}

/** `s->cpu_sheaves` of every CPU, the node barns and the sheaves actors hold detached. */
export interface SheavesView {
  capacity: number;
  maxFull: number;
  maxEmpty: number;
  cpus: {
    cpu: number;
    lock: string | null;
    main: SheafView;
    spare: SheafView | null;
  }[];
  barns: {
    node: number;
    lock: string | null;
    full: SheafView[];
    empty: SheafView[];
  }[];
  held: { actor: string; sheaf: SheafView }[];
}

export function sheavesView(
  m: Machine,
  name: (id: number | null) => string | null,
): SheavesView | null {
  const st = m.sheaves;
  if (!st) return null;
  const view = (id: number): SheafView => {
    const objs = st.sheaves[id]!.objects;
    return { id, objects: objs.map((x) => fmtObj(m, x)), refs: [...objs] };
  };
  return {
    capacity: st.capacity,
    maxFull: st.maxFull,
    maxEmpty: st.maxEmpty,
    cpus: st.pcs.map((p, cpu) => ({
      cpu,
      lock: name(p.lock),
      main: view(p.main),
      spare: p.spare === null ? null : view(p.spare),
    })),
    barns: st.barns.map((b, node) => ({
      node,
      lock: name(b.lock),
      full: b.full.map(view),
      empty: b.empty.map(view),
    })),
    held: st.sheaves
      .filter((sh) => sh.owner !== null)
      .map((sh) => ({ actor: name(sh.owner) ?? "?", sheaf: view(sh.id) })),
  };
}

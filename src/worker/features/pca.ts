/** The percpu array cache's part of a CPU's view (engine/features/pca.ts). */
import { fmtObj, type Machine } from "../../engine";

/** `struct slub_percpu_array`: its trylocked lock's holder, `used` of `count`, the objects. */
export interface PcaView {
  lock: string | null;
  count: number;
  used: number;
  /** Bottom first: the next allocation pops the last. */
  objects: string[];
  refs: number[];
}

export function pcaView(
  m: Machine,
  cpu: number,
  name: (id: number | null) => string | null,
): PcaView | null {
  const arr = m.pca?.[cpu];
  if (!arr) return null;
  return {
    lock: name(arr.lock),
    count: arr.count,
    used: arr.used,
    objects: arr.objects.map((x) => fmtObj(m, x)),
    refs: [...arr.objects],
  };
}

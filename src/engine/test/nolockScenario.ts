/** Random scenarios that use kmalloc_nolock, kfree_nolock and the compaction scanner. */
import { rng } from "../random";
import type { Scenario, ScenarioActor, ScenarioKernel } from "../scenario";
import type { ActorKind, Op } from "../types";
import type { VariantName } from "../variants";

const FROZEN: VariantName = "v6.15-nolock-v1-frozen";

export function nolockScenario(
  seed: number,
  kernel: Partial<ScenarioKernel>,
): Scenario {
  const r = rng(seed);
  const cpus = 1 + r.int(3);
  const rt = kernel.preemptRt === true;
  const n = 2 + r.int(4);
  const kinds: ActorKind[] = ["task", "task", "irq", "nmi", "kcompactd"];
  const slots = ["a", "b"];
  const actors: ScenarioActor[] = [];
  for (let i = 0; i < n; i++) {
    const kind = kinds[r.int(kinds.length)]!;
    const ops: Op[] = [];
    const count = 1 + r.int(5);
    for (let j = 0; j < count; j++) {
      const x = r.int(10);
      const slot = slots[r.int(slots.length)]!;
      if (kind === "kcompactd")
        ops.push({ kind: "isolateMigratepages", pfn: r.int(12) });
      else if (kind === "nmi")
        // On PREEMPT_RT an NMI only allocates (and is refused): see kernel/nolock.ts.
        ops.push(
          x < 5 || rt
            ? { kind: "kmallocNolock", slot, size: 1 + r.int(96) }
            : { kind: "kfreeNolock", slot },
        );
      else if (x < 3)
        ops.push(
          x === 0
            ? { kind: "alloc", slot, reenter: { slot, size: 1 + r.int(64) } }
            : { kind: "alloc", slot },
        );
      else if (x < 5)
        ops.push({ kind: "kmallocNolock", slot, size: 1 + r.int(64) });
      else if (x < 8) ops.push({ kind: "free", slot });
      else ops.push({ kind: "kfreeNolock", slot });
    }
    actors.push({ name: `${kind[0]}${i}`, kind, cpu: r.int(cpus), ops });
  }
  return {
    format: "slabscope/scenario",
    version: 1,
    title: `random nolock ${seed}`,
    kernel: { variant: FROZEN, cpus, pagePool: 12, ...kernel },
    cache: {
      objects: 2 + r.int(3),
      cpuPartial: r.int(6),
      minPartial: r.int(2),
    },
    prepare: [
      { cpu: 0, op: { kind: "alloc", slot: "a" } },
      { cpu: 0, op: { kind: "alloc", slot: "b" } },
    ],
    actors,
  };
}

/** Scenarios the benchmarks run. */
import type { Scenario, ScenarioActor } from "../engine";

/** Each CPU runs two tasks allocating and freeing (half of the frees remote) and an IRQ. */
export function busyScenario(cpus: number, rounds: number): Scenario {
  const actors: ScenarioActor[] = [];
  for (let c = 0; c < cpus; c++) {
    for (const t of ["a", "b"]) {
      const slot = `${t}${c}`;
      const ops: ScenarioActor["ops"] = [];
      for (let i = 0; i < rounds; i++) {
        for (let j = 0; j < 6; j++) ops.push({ kind: "alloc", slot });
        // Free the other CPU's objects too: remote frees take the __slab_free paths.
        for (let j = 0; j < 6; j++)
          ops.push({
            kind: "free",
            slot: j % 2 === 0 ? slot : `${t}${(c + 1) % cpus}`,
          });
      }
      actors.push({ name: `${t}${c}`, kind: "task", cpu: c, ops });
    }
    actors.push({
      name: `irq${c}`,
      kind: "irq",
      cpu: c,
      ops: Array.from(
        { length: rounds },
        (_, i) => ({ kind: i % 2 ? "free" : "alloc", slot: `i${c}` }) as const,
      ),
    });
  }
  return {
    format: "slabscope/scenario",
    version: 1,
    title: `bench ${cpus} cpus`,
    kernel: {
      variant: "v5.15",
      cpus,
      pagePool: 64,
      fixes: ["tid-on-deactivation"],
    },
    cache: { objects: 8, cpuPartial: 16, minPartial: 2 },
    actors,
  };
}

/** Scenarios the benchmarks run. */
import type { Scenario } from "../engine";
/** Each CPU runs two tasks allocating and freeing (half of the frees remote) and an IRQ. */
export declare function busyScenario(cpus: number, rounds: number): Scenario;

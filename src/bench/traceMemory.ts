/**
 * Trace memory alone: the heap a 100,000-step timeline holds (after garbage collection), in
 * bytes per step. `npx tsx --expose-gc src/bench/traceMemory.ts`.
 */
import { Timeline } from "../worker/timeline";
import { longScenario } from "./timeline";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
// Warm up first (as in `npm run bench`, where the engine has run before): compiled code and
// its feedback are not trace memory.
new Timeline(longScenario(), { maxSteps: 5_000 });
gc();
const heap0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const tl = new Timeline(longScenario(), { maxSteps: 100_000 });
const ms = performance.now() - t0;
gc();
const heap1 = process.memoryUsage().heapUsed;
console.log(
  `${tl.total} steps built in ${Math.round(ms)} ms: ${((heap1 - heap0) / 2 ** 20).toFixed(1)} MB, ${Math.round((heap1 - heap0) / tl.total)} B per step; own ${(tl.bytes() / 2 ** 20).toFixed(1)} MB`,
);

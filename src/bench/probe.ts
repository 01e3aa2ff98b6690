/**
 * A fixed workload that does not change with the code (a strided walk over 16 MB and an integer
 * loop), timed around the engine's windows: the benchmarks' numbers move with the machine's own
 * speed (a shared machine slows down for stretches of seconds, as a whole), and this says how
 * fast the machine was while they were taken, so that runs can be compared.
 */
import { performance } from "node:perf_hooks";

const words = new Int32Array(1 << 22);

/** Milliseconds of one pass of the fixed workload. */
function once(): number {
  const t0 = performance.now();
  let s = 0;
  for (let k = 0; k < 4; k++)
    for (let i = 0; i < words.length; i += 16) s += words[i]!++;
  let x = s;
  for (let i = 0; i < 10_000_000; i++)
    x = (Math.imul(x, 1103515245) + 12345) | 0;
  const ms = performance.now() - t0;
  // Keep the loops' result alive.
  if (x === 0.5) words[0] = x;
  return ms;
}

/** The fixed workload's time in ms: the median of `n` passes. */
export function machineProbe(n = 5): number {
  once();
  const t = Array.from({ length: n }, once).sort((a, b) => a - b);
  return Math.round(10 * t[n >> 1]!) / 10;
}

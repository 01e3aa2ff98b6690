/**
 * The scenario library: the races from the mailing-list threads and tours of the main paths.
 * Each entry is data (see entry.ts); library.test.ts holds every entry to what it claims.
 */
import type { LibraryEntry } from "./entry";
import { r01RtFreeStealsPartial } from "./r0-1-rt-free-steals-partial";
import { r01bStalePartialDrain } from "./r0-1b-stale-partial-drain";
import {
  r02MikeV2StillLosesSlab,
  r2RtPutCpuPartialLostSlab,
} from "./r0-2-rt-lost-slab";
import { r03MemcgRecursion } from "./r0-3-memcg-recursion";
import { r05VlastimilTypo } from "./r0-5-vlastimil-typo";
import { r06BentUpHalfIrq } from "./r0-6-bent-up-half-irq";
import { r1PutCpuPartialStalePage } from "./r1-put-cpu-partial-stale-page";
import { r16FlushRecheck } from "./r16-flush-recheck";
import { r18MissingTidBump } from "./r18-missing-tid-bump";
import { r3RtLocklessFastpath } from "./r3-rt-lockless-fastpath";
import { r4RecheckRereadPage } from "./r4-recheck-reread-page";
import { r5PfmemallocVmBugOn } from "./r5-pfmemalloc-vm-bug-on";
import { r6MemoryOfflineLockdep } from "./r6-memory-offline-lockdep";
import { r7HotplugVsDestroy } from "./r7-hotplug-vs-destroy";
import { r9Cmpxchg16bAlignment } from "./r9-cmpxchg16b-alignment";
import { tours } from "./tours";
import { nolockScenarios } from "./s1-nolock";
import { pcaScenarios } from "./s3-percpu-array";
import { v68Scenarios } from "./s4-v68";
import { v68SlabLockScenarios } from "./s4-v68-slab-lock";
import { sheavesScenarios } from "./s4-sheaves";
import { rtFlushScenarios } from "./s4-sheaves-rt-flush";
import { v618Scenarios } from "./s5-v618";

export type { LibraryEntry } from "./entry";

export const library: readonly LibraryEntry[] = [
  ...tours,
  r4RecheckRereadPage,
  r16FlushRecheck,
  r1PutCpuPartialStalePage,
  r5PfmemallocVmBugOn,
  r6MemoryOfflineLockdep,
  r7HotplugVsDestroy,
  r9Cmpxchg16bAlignment,
  r18MissingTidBump,
  r01RtFreeStealsPartial,
  r01bStalePartialDrain,
  r2RtPutCpuPartialLostSlab,
  r02MikeV2StillLosesSlab,
  r3RtLocklessFastpath,
  r03MemcgRecursion,
  r05VlastimilTypo,
  r06BentUpHalfIrq,
  ...nolockScenarios,
  ...pcaScenarios,
  ...v68Scenarios,
  ...v68SlabLockScenarios,
  ...sheavesScenarios,
  ...rtFlushScenarios,
  ...v618Scenarios,
];

export function libraryEntry(id: string): LibraryEntry | undefined {
  return library.find((e) => e.id === id);
}

/**
 * The kernel variants' function tables, keyed by the names variants.ts declares. A variant is a
 * table of step programs; config options that remove code in the kernel
 * (CONFIG_SLUB_CPU_PARTIAL=n) replace the functions they compile out with empty stubs, so no
 * step asks "which variant am I". A variant declared without a table here (or a table for an
 * undeclared one) does not compile.
 */
import { type FnTable, type KernelFn, type Variant } from "../program";
import type { KernelConfig } from "../types";
import { VARIANT_NAMES, VARIANTS, type VariantName } from "../variants";
import { v514Fns } from "./v5_14";
import { rt2021Tables } from "./rt2021";
import { teardownCpusLocked, teardownUnlocked } from "./teardown";
import { v4Fns } from "./v4";
import { nolockTables } from "./nolock";
import { pcaTables, userWrite } from "./pca";
import { putCpuPartialStub, unfreezeStub, v515Fns } from "./v5_15";
import { v68Fns, v68NextFns } from "./v6_8";
import { v618Tables } from "./v6_18";
import { v70Tables } from "./v7_0";

// The RT-tree intermediates take the teardown paths in their v5.15 form (a simplification: their
// hotplug and destroy locking is not what seed 000 is about).
const rtTables = Object.fromEntries(
  Object.entries(rt2021Tables).map(([name, fns]) => [
    name,
    { ...teardownCpusLocked, ...fns },
  ]),
) as Record<keyof typeof rt2021Tables, FnTable>;

/** Every variant's function table. */
export const KERNEL_TABLES: Readonly<Record<VariantName, FnTable>> = {
  "v5.14": { ...v514Fns, ...teardownUnlocked },
  "v5.15": { ...v515Fns, ...teardownCpusLocked },
  ...rtTables,
  v4: v4Fns,
  ...nolockTables,
  ...pcaTables,
  "v6.8": v68Fns,
  "v6.8-next-2023-11": v68NextFns,
  ...v618Tables,
  ...v70Tables,
};

/** The function table of a variant as declared (before a config's stubs). */
export function kernelTable(name: VariantName): FnTable {
  return KERNEL_TABLES[name];
}

/** The function table for a kernel built with `config`; throws for an impossible build. */
export function buildVariant(
  config: Pick<KernelConfig, "kernel" | "preemptRt" | "cpuPartial">,
): Variant {
  const base = config.kernel;
  const spec = VARIANTS[base];
  // Inputs from outside TypeScript (a CLI argument, a decoded link) are validated before this.
  if (!spec)
    throw new Error(
      `unknown kernel variant "${String(base)}" (known: ${VARIANT_NAMES.join(", ")})`,
    );
  if (config.preemptRt && !spec.rtCapable)
    throw new Error(`${base} cannot be built with PREEMPT_RT`);
  const fns: Record<string, KernelFn> = { ...KERNEL_TABLES[base] };
  // Not a kernel function: the caller's own write through a pointer (for KASAN and slub_debug).
  fns["user_write"] ??= userWrite;
  if (!config.cpuPartial) {
    fns["put_cpu_partial"] = putCpuPartialStub;
    fns["unfreeze_partials"] = unfreezeStub("unfreeze_partials");
    fns["unfreeze_partials_cpu"] = unfreezeStub("unfreeze_partials_cpu");
  }
  const flags = `${config.preemptRt ? "+rt" : ""}${config.cpuPartial ? "" : "-cpu_partial"}`;
  return { name: `${base}${flags}`, base, spec, fns };
}

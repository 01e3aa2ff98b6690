/**
 * The kernel variants, by mainline release. A variant is a table of step programs; config
 * options that remove code in the kernel (CONFIG_SLUB_CPU_PARTIAL=n) replace the functions they
 * compile out with empty stubs, so no step asks "which variant am I".
 */
import { type KernelFn, type Variant } from "../program";
import type { KernelConfig } from "../types";
import { v514Fns } from "./v5_14";
import { rt2021Variants } from "./rt2021";
import { teardownCpusLocked, teardownUnlocked } from "./teardown";
import { v4Variant } from "./v4";
import { nolockVariants } from "./nolock";
import { pcaVariants, userWrite } from "./pca";
import { putCpuPartialStub, unfreezeStub, v515Fns } from "./v5_15";

export interface VariantInfo {
  name: string;
  title: string;
  rtCapable: boolean;
  fns: Readonly<Record<string, KernelFn>>;
}

const registry = new Map<string, VariantInfo>();

export function registerVariant(info: VariantInfo): void {
  registry.set(info.name, info);
}

registerVariant({
  name: "v5.14",
  title:
    "mainline v5.14: irq-disabled slow paths, cmpxchg loop in put_cpu_partial, IPI flush",
  rtCapable: false,
  fns: { ...v514Fns, ...teardownUnlocked },
});
registerVariant({
  name: "v5.15",
  title:
    "mainline v5.15: the local_lock series as merged, with the fixes from the thread",
  rtCapable: true,
  fns: { ...v515Fns, ...teardownCpusLocked },
});

// The RT-tree intermediates take the teardown paths in their v5.15 form (a simplification: their
// hotplug and destroy locking is not what seed 000 is about).
for (const v of rt2021Variants)
  registerVariant({ ...v, fns: { ...teardownCpusLocked, ...v.fns } });
registerVariant(v4Variant);
for (const v of nolockVariants) registerVariant(v);
for (const v of pcaVariants) registerVariant(v);

export function variantNames(): string[] {
  return [...registry.keys()];
}

export function variantInfo(name: string): VariantInfo | undefined {
  return registry.get(name);
}

/** The function table for a kernel built with `config`; throws for an unknown or impossible build. */
export function buildVariant(
  config: Pick<KernelConfig, "kernel" | "preemptRt" | "cpuPartial">,
): Variant {
  const info = registry.get(config.kernel);
  if (!info)
    throw new Error(
      `unknown kernel variant "${config.kernel}" (known: ${variantNames().join(", ")})`,
    );
  if (config.preemptRt && !info.rtCapable)
    throw new Error(`${config.kernel} cannot be built with PREEMPT_RT`);
  const fns: Record<string, KernelFn> = { ...info.fns };
  // Not a kernel function: the caller's own write through a pointer (for KASAN and slub_debug).
  fns["user_write"] ??= userWrite;
  if (!config.cpuPartial) {
    fns["put_cpu_partial"] = putCpuPartialStub;
    fns["unfreeze_partials"] = unfreezeStub("unfreeze_partials");
    fns["unfreeze_partials_cpu"] = unfreezeStub("unfreeze_partials_cpu");
  }
  const flags = `${config.preemptRt ? "+rt" : ""}${config.cpuPartial ? "" : "-cpu_partial"}`;
  return {
    name: `${info.name}${flags}`,
    title: info.title,
    rtCapable: info.rtCapable,
    fns,
  };
}

/** The kernel and its configuration as badges: variant, PREEMPT_RT, per-CPU partial lists, CPUs, debug options, fixes. */
import { variantSpec } from "../engine/variants";
import type { ScenarioInfo } from "../worker/protocol";

export function KernelBadges({ info }: { info: Pick<ScenarioInfo, "config"> }) {
  const k = info.config;
  const badges: { label: string; on: boolean; title: string }[] = [
    { label: k.kernel, on: true, title: "kernel variant" },
    {
      label: k.preemptRt ? "PREEMPT_RT" : "!PREEMPT_RT",
      on: k.preemptRt,
      title: "CONFIG_PREEMPT_RT: spinlocks and local locks sleep",
    },
    // A kernel without kmem_cache_cpu has no cpu partial lists to configure.
    ...(variantSpec(k.kernel).noCpuSlab
      ? []
      : [
          {
            label: k.cpuPartial ? "SLUB_CPU_PARTIAL" : "no cpu partial",
            on: k.cpuPartial,
            title: "CONFIG_SLUB_CPU_PARTIAL: per-CPU partial lists",
          },
        ]),
    { label: `${k.cpus} CPUs`, on: true, title: "CPUs" },
    ...(k.nodes > 1
      ? [{ label: `${k.nodes} nodes`, on: true, title: "NUMA nodes" }]
      : []),
    ...(k.debugVm
      ? [{ label: "DEBUG_VM", on: true, title: "VM_BUG_ON checks are live" }]
      : []),
    ...(k.lockdep
      ? [{ label: "LOCKDEP", on: true, title: "CONFIG_PROVE_LOCKING" }]
      : []),
    ...(k.lockStat
      ? [{ label: "LOCK_STAT", on: true, title: "CONFIG_LOCK_STAT" }]
      : []),
    ...(k.memcg
      ? [{ label: "MEMCG_KMEM", on: true, title: "kmem accounting" }]
      : []),
    ...k.fixes.map((f) => ({ label: `+${f}`, on: true, title: "later fix" })),
  ];
  return (
    <ul
      className="badges"
      aria-label="kernel configuration"
      data-testid="badges"
    >
      {badges.map((b) => (
        <li key={b.label} className={b.on ? "on" : "off"} title={b.title}>
          {b.label}
        </li>
      ))}
    </ul>
  );
}

import type { PrepareOp } from "../../engine";

/** A prepared allocation on `cpu` into `slot` (`account`: with __GFP_ACCOUNT, for memcg). */
export function alloc(slot: string, cpu = 0, account = false): PrepareOp {
  return { cpu, op: { kind: "alloc", slot, ...(account ? { account } : {}) } };
}

/** A prepared free of the newest object in `slot`, on `cpu`. */
export function free(slot: string, cpu = 0): PrepareOp {
  return { cpu, op: { kind: "free", slot } };
}

import type { FindingCode } from "../engine";

/** Every finding code (a record, so that a code added to the engine must be added here too). */
const CODES: Record<FindingCode, true> = {
  "uaf-slab": true,
  "double-alloc": true,
  "double-free": true,
  "freelist-corrupt": true,
  "object-leak": true,
  "slab-lost": true,
  "list-corrupt": true,
  "vm-bug-on": true,
  "lockdep-circular": true,
  "lockdep-recursion": true,
  "lockdep-irq-unsafe": true,
  "sleep-in-atomic": true,
  deadlock: true,
  "preempt-leak": true,
  "cmpxchg16b-misaligned": true,
  "bad-page-state": true,
  "use-after-free": true,
  oops: true,
};

export const FINDING_CODES = Object.keys(CODES) as FindingCode[];

export function isFindingCode(s: string): s is FindingCode {
  return Object.hasOwn(CODES, s);
}

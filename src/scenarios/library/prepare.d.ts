import type { PrepareOp } from "../../engine";
/** A prepared allocation on `cpu` into `slot` (`account`: with __GFP_ACCOUNT, for memcg). */
export declare function alloc(slot: string, cpu?: number, account?: boolean): PrepareOp;
/** A prepared free of the newest object in `slot`, on `cpu`. */
export declare function free(slot: string, cpu?: number): PrepareOp;

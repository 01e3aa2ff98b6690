import type { LibraryEntry } from "./entry";
/**
 * Seed 000, R0-5 (analysis): Vlastimil Babka's counter-proposal, as posted, closes
 * put_cpu_partial with `#ifndef CONFIG_PREMPT_RT` (sic). The misspelt option is never defined,
 * so on RT the function ends with put_cpu_ptr() instead of local_unlock().
 */
export declare const r05VlastimilTypo: LibraryEntry;

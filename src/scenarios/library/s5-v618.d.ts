import type { LibraryEntry } from "./entry";
export declare const v618Tour: LibraryEntry;
export declare const v618RcuSheafBarrier: LibraryEntry;
export declare const v618BarnMemoryless: LibraryEntry;
export declare const v618DeferRawFreeptr: LibraryEntry;
export declare const v618NolockLockHeld: LibraryEntry;
export declare const v618Scenarios: readonly LibraryEntry[];

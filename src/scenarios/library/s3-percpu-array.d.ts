import type { LibraryEntry } from "./entry";
export declare const s31IrqFreeLeak: LibraryEntry;
export declare const s32OfflineDestroy: LibraryEntry;
export declare const s33RefillMigrates: LibraryEntry;
export declare const s34RtPrefillLeak: LibraryEntry;
export declare const s35PrefillMigrate: LibraryEntry;
export declare const s36UafSlubDebug: LibraryEntry;
export declare const s3AllocBulkReturnsFreed: LibraryEntry;
export declare const pcaScenarios: LibraryEntry[];

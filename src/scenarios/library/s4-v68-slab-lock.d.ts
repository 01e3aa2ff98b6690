import type { LibraryEntry } from "./entry";
export declare const v68SlabLockLostUpdate: LibraryEntry;
export declare const v68SlabLockScenarios: LibraryEntry[];

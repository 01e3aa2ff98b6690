import type { LibraryEntry } from "./entry";
export declare const v68Tour: LibraryEntry;
export declare const v68EmptyStaysOnCpuPartial: LibraryEntry;
export declare const v68FreezeVsRemoteFree: LibraryEntry;
export declare const v68Scenarios: LibraryEntry[];

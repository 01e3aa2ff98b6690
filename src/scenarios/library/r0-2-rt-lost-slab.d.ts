import type { LibraryEntry } from "./entry";
export declare const r2RtPutCpuPartialLostSlab: LibraryEntry;
export declare const r02MikeV2StillLosesSlab: LibraryEntry;

import type { LibraryEntry } from "./entry";
/** Tours: the paths without a bug, each with the counters that prove which path ran. */
export declare const tours: LibraryEntry[];

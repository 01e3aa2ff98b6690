import type { LibraryEntry } from "./entry";
export declare const s4RtFlushMainTrylock: LibraryEntry;
export declare const rtFlushScenarios: LibraryEntry[];

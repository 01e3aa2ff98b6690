import type { LibraryEntry } from "./entry";
export declare const s4SheavesTour: LibraryEntry;
export declare const s4RefillMigrates: LibraryEntry;
export declare const sheavesScenarios: readonly LibraryEntry[];

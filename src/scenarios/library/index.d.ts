/**
 * The scenario library: the races from the mailing-list threads and tours of the main paths.
 * Each entry is data (see entry.ts); library.test.ts holds every entry to what it claims.
 */
import type { LibraryEntry } from "./entry";
export type { LibraryEntry } from "./entry";
export declare const library: readonly LibraryEntry[];
export declare function libraryEntry(id: string): LibraryEntry | undefined;

import type { LibraryEntry } from "./entry";
/**
 * R18: the slow path clears c->page without bumping c->tid (v5.14 and v5.15 as released), so a
 * fast-path free that was preempted after its checks pushes onto c->freelist for a cpu slab that
 * is no longer there; the object is then overwritten and lost.
 */
export declare const r18MissingTidBump: LibraryEntry;

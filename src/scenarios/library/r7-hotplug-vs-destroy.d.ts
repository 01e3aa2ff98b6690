import type { LibraryEntry } from "./entry";
/**
 * R7, CPU hotplug against kmem_cache_destroy (Mike Galbraith L4730-4733, Paul McKenney
 * L5588-5825): the hotplug thread holds cpu_hotplug_lock and wants slab_mutex in slub_cpu_dead;
 * kmem_cache_destroy holds slab_mutex and wants cpu_hotplug_lock in flush_all. Fixed by taking
 * cpus_read_lock() before slab_mutex in kmem_cache_destroy (L5327-5363, L5448-5462).
 */
export declare const r7HotplugVsDestroy: LibraryEntry;

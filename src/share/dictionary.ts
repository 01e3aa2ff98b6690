/**
 * The preset DEFLATE dictionary of link version 1: text that scenarios share (the JSON keys and
 * values of the format, the allocator's vocabulary, common English), so even a short link can
 * refer back to it. Deflate finds matches in it as if it came before the data.
 *
 * Frozen: every version-1 link ever made was compressed against exactly these bytes. Changing
 * one character breaks them all; a better dictionary needs a new link version and a migration.
 */
const WORDS = [
  "the page allocator returns the page to the buddy allocator, with interrupts disabled and preemption enabled, ",
  "use-after-free of a slab page that was freed while another CPU still held a pointer to it; ",
  "PREEMPT_RT turns the spinlock into a sleeping lock, so an interrupt can come in between, ",
  "local_lock local_unlock irqsave irqrestore preempt_disable preempt_enable migrate_disable ",
  "cmpxchg_double this_cpu_cmpxchg_double tid freelist counters frozen inuse objects ",
  "kmem_cache_alloc kmem_cache_free slab_alloc_node slab_free do_slab_free __slab_free ",
  "___slab_alloc get_freelist deactivate_slab unfreeze_partials put_cpu_partial ",
  "get_partial_node new_slab discard_slab flush_cpu_slab flush_all kmem_cache_shrink ",
  "c->page c->freelist c->partial n->partial n->list_lock page->freelist page->next ",
  "The object is freed on CPU 1 while CPU 0 is in the middle of the allocation. ",
  "Now the cpu partial list is drained to the node list. The slab is still frozen, ",
  "because the other CPU has already taken it off the list and installed it as its ",
  "lockdep reports a circular dependency; the fix takes the lock in the same order. ",
  '"title":"","description":"","kernel":{"variant":"v5.15","cpus":2,"preemptRt":true,',
  '"cpuPartial":true,"debugVm":true,"lockdep":true,"memcg":true,"pagePool":',
  '"cache":{"name":"kmalloc-64","objectSize":64,"objects":4,"cpuPartial":',
  '"minPartial":1},"prepare":[{"cpu":0,"op":{"kind":"alloc","slot":"',
  '"actors":[{"name":"A","kind":"task","cpu":0,"pinned":true,"ops":[',
  '{"kind":"irq","cpu":1,"ops":[{"kind":"alloc","slot":"a"},{"kind":"free","slot":"a"}]}',
  '{"kind":"flushAll"},{"kind":"shrink"},{"kind":"cpuOffline","cpu":1},{"kind":"destroy"}',
  '"schedule":{"steps":["A*10","B@1*3"],"rest":"round-robin"},"narration":[{"step":',
  '"text":"The ',
  '},{"step":',
  '{"scenario":{"format":"slabscope/scenario","version":1,',
  '"view":{"cursor":',
];

export const DICTIONARY_V1 = new TextEncoder().encode(WORDS.join(""));

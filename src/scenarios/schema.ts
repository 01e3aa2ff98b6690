/**
 * The scenario file format: a zod schema that matches the engine's `Scenario` type, plus the
 * checks that need more than one field (CPU numbers against `kernel.cpus`, schedule entries
 * against the actors, the kernel variant against the registry).
 *
 * `parseScenario` validates a parsed JSON value; `parseScenarioText` also guards the text (size,
 * JSON syntax). Both return plain-worded errors, one per problem, each naming its path:
 * `actors[1].ops[0].slot: expected 1-32 characters of A-Z a-z 0-9 _ . -`.
 */
import { z } from "zod";
// Light imports only: this module runs in the main thread too (share links, the editor), where
// the kernels' function tables are not bundled; the variant specs say what validation needs.
import { ACTOR_KIND_NAMES } from "../engine/actorKinds";
import { OP_KINDS } from "../engine/opKinds";
import {
  rtCapableVariants,
  VARIANT_NAMES,
  VARIANTS,
  variantSpec,
  variantsWith,
} from "../engine/variants";
import {
  parseEntry,
  parseNarrationAnchor,
  SCENARIO_FORMAT,
  SCENARIO_VERSION,
} from "../engine/scenario";
import type {
  ActorKind,
  AnchoredNarration,
  Gfp,
  KernelFix,
  Narration,
  Op,
  PrepareOp,
  Scenario,
  ScenarioActor,
  ScenarioCache,
  ScenarioKernel,
} from "../engine";
import { nestingError } from "./nesting";

// No generated validators: zod would probe `new Function` for them, which the app's
// Content-Security-Policy forbids (and reports even though zod catches the refusal).
z.config({ jitless: true });

export const MAX_CPUS = 8;
export const MAX_NODES = 4;
export const MAX_ACTORS = 16;
export const MAX_OPS_PER_ACTOR = 200;
export const MAX_SCHEDULE_ENTRIES = 100_000;
export const MAX_SCENARIO_BYTES = 1_000_000;
export { MAX_JSON_DEPTH, nestingError } from "./nesting";
/** Objects the page allocator can hold as slabs (kernel.pagePool × cache.objects). */
export const MAX_OBJECTS = 10_000;
/** Micro-steps a schedule may name (the sum of its entries' repeat counts), and the cursor. */
export const MAX_STEPS = 1_000_000;
/** At most this many errors are listed; the rest are counted. */
export const MAX_ERRORS = 100;

const GFP_FLAGS = ["GFP_KERNEL", "GFP_ATOMIC"] as const;
const KERNEL_FIXES = ["tid-on-deactivation"] as const;

/** The largest percpu array a scenario may set up. */
export const PCA_MAX = 128;

const SLOT_MESSAGE = "expected 1-32 characters of A-Z a-z 0-9 _ . -";
/** The engine's own contexts: a scenario actor must not take their names. */
const RESERVED_NAME = /^(kworker|ipi|prepare)\/\d+$/;

/**
 * Scenario text (title, description, narration) is shown as plain text, never as HTML. Text that
 * looks like markup (a tag, a comment, an entity) is refused with a message, so a link carrying
 * `<img onerror=...>` says what is wrong instead of showing the markup as if it meant something.
 * A `<` followed by a space (`batch < allocated`) starts no tag in HTML, so kernel-style
 * comparisons stay allowed.
 */
const MARKUP = /<[A-Za-z!/?]|&#?[A-Za-z0-9]+;/;
const plainText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((t) => !MARKUP.test(t), {
      message:
        "must be plain text: it contains HTML markup (scenario text is never rendered as HTML)",
    });

const count = (min: number, max?: number) =>
  max === undefined ? z.int().min(min) : z.int().min(min).max(max);

const slot = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, SLOT_MESSAGE)
  .describe("A named slot: a stack of the objects allocated into it.");

const cpu = count(0, MAX_CPUS - 1).describe("A CPU number, below kernel.cpus.");

const opSchema = z.discriminatedUnion("kind", [
  z
    .strictObject({
      kind: z.literal("alloc"),
      slot,
      gfp: z.enum(GFP_FLAGS).optional(),
      node: count(0, MAX_NODES - 1)
        .optional()
        .describe("NUMA node to allocate from, below kernel.nodes."),
      account: z
        .boolean()
        .optional()
        .describe(
          "__GFP_ACCOUNT: with kernel.memcg, the slab page gets an obj_cgroups vector.",
        ),
      reenter: z
        .strictObject({
          slot,
          size: count(1, 65_536),
          at: z
            .enum(["unlock", "load"])
            .optional()
            .describe(
              'Where: before the first local_unlock_irqrestore ("unlock", default) or before load_freelist writes c->freelist ("load").',
            ),
        })
        .optional()
        .describe(
          "v6.15-nolock-* kernels: a tracepoint in this allocation's locked section runs a BPF program that calls kmalloc_nolock(size) in the same task.",
        ),
    })
    .describe(
      "kmem_cache_alloc (slab_alloc_node); the object is pushed onto the slot.",
    ),
  z
    .strictObject({
      kind: z.literal("free"),
      slot,
      keep: z
        .boolean()
        .optional()
        .describe(
          "Leave the object in the slot after freeing it (to free it again).",
        ),
    })
    .describe("kmem_cache_free of the slot's newest object."),
  z
    .strictObject({ kind: z.literal("flushAll") })
    .describe("flush_all: empty every CPU's slabs."),
  z.strictObject({ kind: z.literal("shrink") }).describe("kmem_cache_shrink."),
  z
    .strictObject({ kind: z.literal("cpuOffline"), cpu })
    .describe("CPU hotplug: cpu_down."),
  z
    .strictObject({ kind: z.literal("cpuOnline"), cpu })
    .describe("CPU hotplug: cpu_up."),
  z
    .strictObject({ kind: z.literal("allocPageCache"), slot })
    .describe(
      "Take a page from the page allocator for something other than a slab.",
    ),
  z
    .strictObject({ kind: z.literal("freePageCache"), slot })
    .describe("Give such a page back to the page allocator."),
  z
    .strictObject({ kind: z.literal("destroy") })
    .describe(
      "kmem_cache_destroy: flush and free the cache; later operations on it are refused.",
    ),
  z
    .strictObject({ kind: z.literal("memoryOffline") })
    .describe(
      "Memory hot-remove (offline_pages): SLUB's notifier callback flushes and shrinks the cache.",
    ),
  z
    .strictObject({
      kind: z.literal("kmallocNolock"),
      slot,
      size: count(1, 65_536).describe(
        "Requested size in bytes: kmalloc_slab() picks the bucket.",
      ),
    })
    .describe(
      "kmalloc_nolock(size) from any context (kernel variants v6.15-nolock-* and v6.18*); the object is pushed onto the slot.",
    ),
  z
    .strictObject({ kind: z.literal("kfreeNolock"), slot })
    .describe("kfree_nolock of the slot's newest object."),
  z
    .strictObject({ kind: z.literal("kfreeRcu"), slot })
    .describe(
      "kfree_rcu of the slot's newest object (v6.18: batched in the CPU's rcu_free sheaf).",
    ),
  z
    .strictObject({
      kind: z.literal("prefillSheaf"),
      count: count(1, 64).describe(
        "Objects the sheaf must hold, at most the cache's sheaf capacity.",
      ),
    })
    .describe(
      "kmem_cache_prefill_sheaf(s, GFP_KERNEL, count) (v6.18, a cache with sheaves): the actor gets a prefilled sheaf.",
    ),
  z
    .strictObject({ kind: z.literal("allocFromSheaf"), slot })
    .describe(
      "kmem_cache_alloc_from_sheaf(): an object of the actor's prefilled sheaf, pushed onto the slot.",
    ),
  z
    .strictObject({ kind: z.literal("returnSheaf") })
    .describe(
      "kmem_cache_return_sheaf(): the actor's prefilled sheaf goes back to the CPU's spare, the barn, or its slabs.",
    ),
  z
    .strictObject({ kind: z.literal("kvfreeRcuBarrier") })
    .describe(
      "kvfree_rcu_barrier: flush_all_rcu_sheaves, then rcu_barrier; every object whose kfree_rcu returned before it must be freed when it returns.",
    ),
  z
    .strictObject({ kind: z.literal("rcuGracePeriod") })
    .describe(
      "An RCU grace period ends: the callbacks queued so far (rcu_free_sheaf) run in this context.",
    ),
  z
    .strictObject({
      kind: z.literal("isolateMigratepages"),
      pfn: count(0, 255).describe(
        "The page the scanner visits, below kernel.pagePool.",
      ),
    })
    .describe(
      "The compaction scanner visits one page: get_page_unless_zero, then put_page.",
    ),
  z
    .strictObject({
      kind: z.literal("allocBulk"),
      slot,
      count: count(1, 64).describe("Objects to allocate."),
      gfp: z.enum(GFP_FLAGS).optional(),
    })
    .describe(
      "kmem_cache_alloc_bulk (kernels with the percpu array cache); the objects are pushed onto the slot.",
    ),
  z
    .strictObject({
      kind: z.literal("freeBulk"),
      slot,
      count: count(1, 64).describe("Objects to free: the slot's newest."),
    })
    .describe(
      "kmem_cache_free_bulk of the slot's newest objects (kernels with the percpu array cache).",
    ),
  z
    .strictObject({
      kind: z.literal("prefill"),
      count: count(1, PCA_MAX).describe("Objects wanted in this CPU's array."),
      gfp: z.enum(GFP_FLAGS).optional(),
    })
    .describe(
      "kmem_cache_prefill_percpu_array: top up the current CPU's percpu array.",
    ),
  z
    .strictObject({ kind: z.literal("write"), slot })
    .describe(
      "The caller writes through the slot's newest pointer (after free with keep: a use-after-free, reported by kernel.kasan or kernel.slubDebug).",
    ),
]);

const kernelSchema = z
  .strictObject({
    variant: z
      .enum(VARIANT_NAMES)
      .describe(
        `Kernel variant, by mainline release: ${VARIANT_NAMES.join(", ")}.`,
      ),
    preemptRt: z
      .boolean()
      .optional()
      .describe("CONFIG_PREEMPT_RT (default false)."),
    cpuPartial: z
      .boolean()
      .optional()
      .describe("CONFIG_SLUB_CPU_PARTIAL (default true)."),
    debugVm: z
      .boolean()
      .optional()
      .describe("CONFIG_DEBUG_VM (default false)."),
    lockdep: z
      .boolean()
      .optional()
      .describe("CONFIG_PROVE_LOCKING (default true)."),
    lockStat: z
      .boolean()
      .optional()
      .describe(
        "CONFIG_LOCK_STAT (default false): a bigger local_lock_t in kmem_cache_cpu.",
      ),
    memcg: z
      .boolean()
      .optional()
      .describe(
        "memcg kmem accounting (default false): accounted allocations give their slab an obj_cgroups vector from the same cache.",
      ),
    kasan: z
      .boolean()
      .optional()
      .describe(
        "CONFIG_KASAN (default false): a write to a freed object is reported, wherever it sits.",
      ),
    slubDebug: z
      .boolean()
      .optional()
      .describe(
        "slub_debug=P (default false): a write to a freed object back in its slab is reported; one in a percpu array is not.",
      ),
    freelistHardened: z
      .boolean()
      .optional()
      .describe(
        "CONFIG_SLAB_FREELIST_HARDENED (default false): free pointers are stored encoded, so a raw store of NULL reads back as garbage (v6.18's deferred frees of kfree_nolock).",
      ),
    cpus: count(1, MAX_CPUS),
    nodes: count(1, MAX_NODES).optional().describe("NUMA nodes (default 1)."),
    memorylessNodes: z
      .array(count(0, MAX_NODES - 1))
      .max(MAX_NODES - 1)
      .optional()
      .describe(
        "Nodes with CPUs but no memory (default none): no pages, no kmem_cache_node and no barn there; numa_mem_id() on their CPUs still names the node itself.",
      ),
    pagePool: count(1, 256)
      .optional()
      .describe("Pages in the page allocator (default 16)."),
    fixes: z
      .array(z.enum(KERNEL_FIXES))
      .max(8)
      .optional()
      .describe("Later fixes applied on top of the release."),
  })
  .superRefine((k, ctx) => {
    if (k.preemptRt && !VARIANTS[k.variant].rtCapable) {
      const rt = rtCapableVariants();
      ctx.addIssue({
        code: "custom",
        path: ["preemptRt"],
        message: `${k.variant} cannot be built with PREEMPT_RT (variants that can: ${rt.join(", ") || "none"})`,
      });
    }
  });

const cacheSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(32)
    .optional()
    .describe('Cache name (default "kmalloc-64").'),
  objectSize: count(1, 65_536)
    .optional()
    .describe("Object size in bytes (default 64)."),
  objects: count(1, 64).describe("Objects per slab."),
  cpuPartial: count(0, 1000)
    .optional()
    .describe(
      "s->cpu_partial: objects kept on a CPU's partial list (default 2 * objects).",
    ),
  minPartial: count(0, 100).optional().describe("s->min_partial (default 1)."),
  cmpxchgDouble: z
    .boolean()
    .optional()
    .describe(
      "__CMPXCHG_DOUBLE in s->flags (default true): kmalloc_nolock() returns NULL without it, and on the v6.8 kernels slab_update_freelist() falls back to slab_lock(), the slab's bit spinlock.",
    ),
  sheafCapacity: count(0, 64)
    .optional()
    .describe(
      "kmem_cache_args.sheaf_capacity: opt in to percpu sheaves of this many objects (kernels with opt-in sheaves; default 0: none).",
    ),
  percpuArray: z
    .strictObject({
      count: count(2, PCA_MAX).describe("Objects each CPU's array holds."),
    })
    .optional()
    .describe(
      "kmem_cache_setup_percpu_array(s, count): opt in to the percpu array cache (kernels that have it).",
    ),
});

const prepareSchema = z
  .strictObject({ cpu, op: opSchema })
  .describe("An operation run to completion before step 0, on the given CPU.");

const actorSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(32)
    .regex(
      /^[^@*>\s]+$/,
      "must not contain @, *, > or white space (schedule entries name actors)",
    )
    .refine((n) => !RESERVED_NAME.test(n), {
      message: "kworker/N, ipi/N and prepare/N are the kernel's own contexts",
    }),
  kind: z.enum(ACTOR_KIND_NAMES),
  cpu,
  pinned: z
    .boolean()
    .optional()
    .describe(
      "May not migrate (default: true for irq, nmi and kworker, false otherwise).",
    ),
  ops: z.array(opSchema).max(MAX_OPS_PER_ACTOR),
});

/** A string that `parse` must accept; its error message (a string) becomes the issue. */
const parsedBy = (parse: (text: string) => unknown) =>
  z
    .string()
    .max(128)
    .superRefine((text, ctx) => {
      const p = parse(text);
      if (typeof p === "string") ctx.addIssue({ code: "custom", message: p });
    });

const entrySchema = parsedBy(parseEntry).describe(
  "name, name*N (N steps in a row), name@CPU (run on CPU) or name@CPU*N; or anchored to code: name>fn:label (run the actor until it is about to execute the step labelled label in kernel function fn) or name>fn (until it enters fn), with an optional +K (the step K places further down fn's listing), #N (the N-th arrival, counting where the actor is when the entry starts) and @CPU (name@CPU>fn:label+K#N).",
);

const scheduleSchema = z.strictObject({
  steps: z.array(entrySchema).max(MAX_SCHEDULE_ENTRIES),
  rest: z
    .enum(["round-robin", "stop"])
    .optional()
    .describe(
      "After the entries: round-robin until all are done (default), or stop.",
    ),
});

const narrationSchema = z.strictObject({
  step: count(0, MAX_STEPS),
  text: plainText(2000),
});

const anchoredNarrationSchema = z
  .strictObject({
    at: parsedBy(parseNarrationAnchor).describe(
      "name>fn:label or name>fn, optionally +K and #N (as in schedule entries): the step where the actor arrives there for the N-th time in the scenario's own run.",
    ),
    text: plainText(2000),
  })
  .describe(
    "Narration shown from the step where an actor reaches a point of the code.",
  );

const scenarioObject = z.strictObject({
  format: z.literal(SCENARIO_FORMAT),
  version: z.literal(SCENARIO_VERSION),
  title: plainText(200).min(1),
  description: plainText(10_000).optional(),
  kernel: kernelSchema,
  cache: cacheSchema,
  prepare: z.array(prepareSchema).max(1000).optional(),
  actors: z.array(actorSchema).min(1).max(MAX_ACTORS),
  schedule: scheduleSchema.optional(),
  narration: z.array(narrationSchema).max(10_000).optional(),
  anchoredNarration: z.array(anchoredNarrationSchema).max(10_000).optional(),
  cursor: count(0, MAX_STEPS)
    .optional()
    .describe("The step the viewer opens on."),
});
type ScenarioData = z.output<typeof scenarioObject>;

export const scenarioSchema = scenarioObject.superRefine(crossChecks).meta({
  title: "slabscope scenario",
  description:
    "A SLUB race scenario: kernel variant and config, cache, actors with their operations, schedule and narration.",
});

type Ctx = z.RefinementCtx<ScenarioData>;
type Path = (string | number)[];

/** Checks between fields. Runs only when every field has the right type. */
function crossChecks(s: ScenarioData, ctx: Ctx): void {
  const fail = (path: Path, message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  const cpus = s.kernel.cpus;
  const nodes = s.kernel.nodes ?? 1;
  // Values outside the schema's own ranges are reported already; compare only the others.
  const inRange = (n: number, max: number) =>
    Number.isInteger(n) && n >= 0 && n <= max;
  const cpusOk = inRange(cpus, MAX_CPUS) && cpus >= 1;
  const nodesOk = inRange(nodes, MAX_NODES) && nodes >= 1;
  const badCpu = (c: number) => cpusOk && inRange(c, MAX_CPUS - 1) && c >= cpus;
  const badNode = (n: number) =>
    nodesOk && inRange(n, MAX_NODES - 1) && n >= nodes;
  const cpuRange = `kernel.cpus is ${cpus}: CPUs are numbered 0 to ${cpus - 1}`;
  const nodeRange = `kernel.nodes is ${nodes}: nodes are numbered 0 to ${nodes - 1}`;

  const checkOp = (op: ScenarioOp, path: Path) => {
    if ((op.kind === "cpuOffline" || op.kind === "cpuOnline") && badCpu(op.cpu))
      fail([...path, "cpu"], cpuRange);
    if (op.kind === "alloc" && op.node !== undefined && badNode(op.node))
      fail([...path, "node"], nodeRange);
    if (
      op.kind === "alloc" &&
      op.node !== undefined &&
      (s.kernel.memorylessNodes ?? []).includes(op.node)
    )
      fail([...path, "node"], `node ${op.node} has no memory`);
    const pages = s.kernel.pagePool ?? 16;
    if (
      op.kind === "isolateMigratepages" &&
      Number.isInteger(op.pfn) &&
      op.pfn >= pages
    )
      fail(
        [...path, "pfn"],
        `kernel.pagePool is ${pages}: pages are numbered 0 to ${pages - 1}`,
      );
  };

  // A memoryless node is one of the machine's nodes, and some node keeps the memory.
  const memoryless = s.kernel.memorylessNodes ?? [];
  memoryless.forEach((n, i) => {
    if (badNode(n)) fail(["kernel", "memorylessNodes", i], nodeRange);
  });
  if (nodesOk && memoryless.length > 0) {
    const left = Array.from({ length: nodes }, (_, n) => n).filter(
      (n) => !memoryless.includes(n),
    );
    if (left.length === 0)
      fail(["kernel", "memorylessNodes"], "at least one node must have memory");
  }

  // A sheaf capacity is a request only the kernels with opt-in sheaves understand.
  const optIn = variantSpec(s.kernel.variant);
  if (
    (s.cache.sheafCapacity ?? 0) > 0 &&
    !(optIn.features.sheaves && optIn.sheavesOptIn === true)
  )
    fail(
      ["cache", "sheafCapacity"],
      `needs a kernel whose caches opt in to sheaves (${VARIANT_NAMES.filter((n) => variantSpec(n).sheavesOptIn === true).join(", ")})`,
    );

  // The kfree_rcu sheaves exist only in the kernels that model them.
  const noRcuSheaves =
    variantSpec(s.kernel.variant).kfreeRcuSheaf !== true
      ? `needs a kernel with kfree_rcu sheaves (${VARIANT_NAMES.filter((n) => variantSpec(n).kfreeRcuSheaf === true).join(", ")})`
      : (s.cache.sheafCapacity ?? 0) === 0
        ? "needs a cache with sheaves (cache.sheafCapacity): kfree_rcu of a cache without them is not modelled"
        : null;
  if (noRcuSheaves !== null) {
    const rcuOnly = noRcuSheaves;
    const checkRcuOp = (op: ScenarioOp, path: Path) => {
      if (OP_KINDS[op.kind].needs === "sheaves")
        fail([...path, "kind"], `${op.kind} ${rcuOnly}`);
    };
    s.prepare?.forEach((p, i) => checkRcuOp(p.op, ["prepare", i, "op"]));
    s.actors.forEach((a, i) =>
      a.ops.forEach((op, j) => checkRcuOp(op, ["actors", i, "ops", j])),
    );
  }

  // The percpu array cache and the bulk operations exist only in the kernels that model them.
  const hasPca = VARIANTS[s.kernel.variant].features.percpuArray;
  const pcaOnly = `needs a kernel with the percpu array cache (${variantsWith("percpuArray").join(", ")})`;
  if (!hasPca && s.cache.percpuArray) fail(["cache", "percpuArray"], pcaOnly);
  const checkPcaOp = (op: ScenarioOp, path: Path) => {
    if (!hasPca && OP_KINDS[op.kind].needs === "percpuArray")
      fail([...path, "kind"], `${op.kind} ${pcaOnly}`);
  };
  s.prepare?.forEach((p, i) => checkPcaOp(p.op, ["prepare", i, "op"]));
  s.actors.forEach((a, i) =>
    a.ops.forEach((op, j) => checkPcaOp(op, ["actors", i, "ops", j])),
  );

  s.prepare?.forEach((p, i) => {
    if (badCpu(p.cpu)) fail(["prepare", i, "cpu"], cpuRange);
    checkOp(p.op, ["prepare", i, "op"]);
  });

  const firstByName = new Map<string, number>();
  s.actors.forEach((a, i) => {
    const first = firstByName.get(a.name);
    if (first !== undefined)
      fail(
        ["actors", i, "name"],
        `"${a.name}" is also the name of actors[${first}]`,
      );
    else firstByName.set(a.name, i);
    if (badCpu(a.cpu)) fail(["actors", i, "cpu"], cpuRange);
    a.ops.forEach((op, j) => checkOp(op, ["actors", i, "ops", j]));
  });

  // The viewer shows the last narration at or before the current step: keep them in order.
  s.narration?.forEach((n, i) => {
    const prev = s.narration![i - 1];
    if (prev && n.step < prev.step)
      fail(
        ["narration", i, "step"],
        `${n.step} comes after step ${prev.step} of narration[${i - 1}]: narration must be in step order`,
      );
  });

  // Absurd sizes: more objects than a browser tab should draw, more steps than a trace holds.
  const pool = s.kernel.pagePool ?? 16;
  if (
    inRange(pool, 256) &&
    inRange(s.cache.objects, 64) &&
    pool * s.cache.objects > MAX_OBJECTS
  )
    fail(
      ["kernel", "pagePool"],
      `${pool} pages of ${s.cache.objects} objects is ${pool * s.cache.objects} objects: at most ${MAX_OBJECTS}`,
    );
  let steps = 0;
  for (const e of s.schedule?.steps ?? []) {
    const p = parseEntry(e);
    if (typeof p !== "string") steps += p.times;
  }
  if (steps > MAX_STEPS)
    fail(
      ["schedule", "steps"],
      `the entries name ${steps} micro-steps: at most ${MAX_STEPS}`,
    );

  const actorsOk = s.actors.length >= 1 && s.actors.length <= MAX_ACTORS;
  if (!cpusOk || !actorsOk) return;
  // Entries may also name the kernel's own contexts, which every machine has: kworker/N, ipi/N.
  const names = new Set(firstByName.keys());
  for (let c = 0; c < cpus; c++) names.add(`kworker/${c}`).add(`ipi/${c}`);
  const known = `actors: ${[...firstByName.keys()].join(", ")}; kernel contexts: kworker/N and ipi/N for each CPU N`;
  s.anchoredNarration?.forEach((n, i) => {
    const p = parseNarrationAnchor(n.at);
    if (typeof p !== "string" && !names.has(p.actor))
      fail(
        ["anchoredNarration", i, "at"],
        `no actor named "${p.actor}" (${known})`,
      );
  });
  if (!s.schedule) return;
  s.schedule.steps.forEach((e, i) => {
    const p = parseEntry(e);
    if (typeof p === "string") return; // reported by the entry schema
    if (!names.has(p.actor))
      fail(["schedule", "steps", i], `no actor named "${p.actor}" (${known})`);
    if (p.cpu !== null && p.cpu >= cpus)
      fail(["schedule", "steps", i], `"${e}": ${cpuRange}`);
  });
}

// ---- The schema and the engine's types must agree (checked by the compiler). ----

/** The operations a scenario may contain: all but the ones the kernel queues itself. */
export type ScenarioOp = Exclude<Op, { kind: "flushCpuSlabWork" }>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type Out<T extends z.ZodType> = z.output<T>;
/** Fails to compile when a field is added to or removed from one side only. */
export type SchemaMatchesEngine = [
  Assert<Same<(typeof ACTOR_KIND_NAMES)[number], ActorKind>>,
  Assert<Same<(typeof GFP_FLAGS)[number], Gfp>>,
  Assert<Same<(typeof KERNEL_FIXES)[number], KernelFix>>,
  Assert<Same<Out<typeof opSchema>["kind"], ScenarioOp["kind"]>>,
  Assert<Same<keyof Out<typeof kernelSchema>, keyof ScenarioKernel>>,
  Assert<Same<keyof Out<typeof cacheSchema>, keyof ScenarioCache>>,
  Assert<Same<keyof Out<typeof actorSchema>, keyof ScenarioActor>>,
  Assert<Same<keyof Out<typeof prepareSchema>, keyof PrepareOp>>,
  Assert<Same<keyof Out<typeof narrationSchema>, keyof Narration>>,
  Assert<
    Same<keyof Out<typeof anchoredNarrationSchema>, keyof AnchoredNarration>
  >,
  Assert<
    Same<
      keyof Out<typeof scheduleSchema>,
      keyof NonNullable<Scenario["schedule"]>
    >
  >,
  Assert<Same<keyof Out<typeof scenarioSchema>, keyof Scenario>>,
  // Every scenario the engine's types allow (without kernel-queued ops) is valid input.
  Assert<ScenarioOp extends z.input<typeof opSchema> ? true : false>,
  Assert<ScenarioKernel extends z.input<typeof kernelSchema> ? true : false>,
  Assert<ScenarioCache extends z.input<typeof cacheSchema> ? true : false>,
];

// ---- Parsing and error messages ----

export type ParseResult =
  { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

/** Validates a parsed JSON value as a scenario. */
export function parseScenario(input: unknown): ParseResult {
  const deep = nestingError(input);
  if (deep) return { ok: false, errors: [deep] };
  const r = scenarioSchema.safeParse(input);
  if (r.success) return { ok: true, scenario: r.data };
  const errors = r.error.issues.flatMap((issue) => describeIssue(issue, input));
  if (errors.length > MAX_ERRORS) {
    const more = errors.length - MAX_ERRORS;
    return {
      ok: false,
      errors: [...errors.slice(0, MAX_ERRORS), `... and ${more} more`],
    };
  }
  return { ok: false, errors };
}

/** Parses scenario text: size first, then JSON syntax, then the schema. */
export function parseScenarioText(
  text: string,
  maxBytes = MAX_SCENARIO_BYTES,
): ParseResult {
  // UTF-8 takes at least one byte per UTF-16 unit: no need to encode a text already too long.
  if (
    text.length > maxBytes ||
    new TextEncoder().encode(text).length > maxBytes
  )
    return {
      ok: false,
      errors: [`scenario is too large: the limit is ${maxBytes} bytes`],
    };
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { ok: false, errors: [`not valid JSON: ${(e as Error).message}`] };
  }
  return parseScenario(value);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else if (typeof k === "string" && /^[A-Za-z_$][\w$]*$/.test(k))
      out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out || "(root)";
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k))
      return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return v.length > 24
        ? `the string ${JSON.stringify(`${v.slice(0, 24)}...`)}`
        : `the string ${JSON.stringify(v)}`;
    case "number":
      return String(v);
    case "boolean":
      return String(v);
    case "object":
      return "an object";
    default:
      return typeof v;
  }
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "an array",
};

const list = (values: readonly unknown[]) =>
  values.length === 1
    ? JSON.stringify(values[0])
    : `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const at = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  /** "expected X, got Y", or "missing, expected X" when there is no value at all. */
  const expected = (what: string) =>
    value === undefined
      ? `${at}: missing, expected ${what}`
      : `${at}: expected ${what}, got ${describeValue(value)}`;
  switch (issue.code) {
    case "invalid_type":
      return [expected(EXPECTED[issue.expected] ?? issue.expected)];
    case "unrecognized_keys":
      return issue.keys.map(
        (k) => `${formatPath([...issue.path, k])}: unknown key`,
      );
    case "invalid_value":
      return [expected(list(issue.values))];
    case "invalid_union":
      // A discriminated union (an operation) whose `kind` matches no option.
      if (issue.discriminator !== undefined && "options" in issue) {
        if (value === "flushCpuSlabWork")
          return [
            `${at}: "flushCpuSlabWork" is queued by the kernel itself, not by a scenario`,
          ];
        return [expected(list(issue.options ?? []))];
      }
      return [`${at}: ${issue.message}`];
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const bound = Number(small ? issue.minimum : issue.maximum);
      const rel = small
        ? issue.inclusive
          ? "at least"
          : "more than"
        : issue.inclusive
          ? "at most"
          : "less than";
      if (issue.origin === "string")
        return [
          small && bound === 1
            ? `${at}: must not be empty`
            : `${at}: must be ${rel} ${bound} characters long`,
        ];
      if (issue.origin === "array")
        return [
          `${at}: must have ${rel} ${bound} ${bound === 1 ? "entry" : "entries"}`,
        ];
      return [`${at}: must be ${rel} ${bound}, got ${describeValue(value)}`];
    }
    default:
      return [`${at}: ${issue.message}`];
  }
}

/**
 * The scenario editor's draft: the form as the user typed it (strings, so a half-typed number is
 * kept), turned into a scenario on "Apply" and back from the loaded scenario on "Edit this".
 * Operations are written one line per actor, separated by commas:
 *
 *   alloc a, alloc b atomic, free a keep, flushAll, cpuOffline 1, allocPageCache p
 *
 * The schedule is taken as written (entries such as `A*10 B@1 A>___slab_alloc:new_slab`), generated round-robin, or drawn
 * from a seeded random run, which the engine takes in the worker (randomSchedule there). Pure, no
 * DOM, and no engine: the main thread does not bundle the kernels.
 */
import type { ActorKind, Op, Scenario } from "../../engine";
import { parseScenario, type ScenarioOp } from "../../scenarios/schema";

export interface DraftActor {
  name: string;
  kind: ActorKind;
  cpu: string;
  pinned: boolean;
  ops: string;
}

export type ScheduleMode = "steps" | "round-robin" | "random";

export interface Draft {
  title: string;
  description: string;
  variant: string;
  cpus: string;
  preemptRt: boolean;
  cpuPartial: boolean;
  objects: string;
  cacheCpuPartial: string;
  /** kmem_cache_args.sheaf_capacity (kernels with opt-in sheaves); empty: none. */
  sheafCapacity: string;
  minPartial: string;
  /** The other kernel fields as a JSON object (debugVm, lockdep, memcg, nodes, pagePool, fixes...). */
  kernelMore: string;
  /** The other cache fields as a JSON object (name, objectSize). */
  cacheMore: string;
  actors: DraftActor[];
  /** One line per prepared operation: `<cpu>: <operation>`. */
  prepare: string;
  scheduleMode: ScheduleMode;
  seed: string;
  /** Schedule entries separated by white space. */
  steps: string;
  /**
   * One line per narration: `<step>: <text>`, or `<anchor>: <text>` for narration anchored to
   * code (`A>___slab_alloc:new_slab: text`, `A>fn#2: text`; see anchoredNarration).
   */
  narration: string;
}

/** A narration line anchored to code: the anchor (checked by the schema), a colon, the text. */
const NARRATION_ANCHOR =
  /^([^@*>\s:]+(?:@\d+)?>[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_][A-Za-z0-9_]*)?(?:\+\d+)?(?:#\d+)?)\s*:\s*(.*)$/;

export const emptyDraft = (): Draft => ({
  title: "My scenario",
  description: "",
  variant: "v5.15",
  cpus: "2",
  preemptRt: false,
  cpuPartial: true,
  objects: "4",
  cacheCpuPartial: "",
  sheafCapacity: "",
  minPartial: "",
  kernelMore: "{}",
  cacheMore: "{}",
  actors: [
    {
      name: "A",
      kind: "task",
      cpu: "0",
      pinned: false,
      ops: "alloc x, alloc x",
    },
    { name: "B", kind: "task", cpu: "1", pinned: false, ops: "free x" },
  ],
  prepare: "",
  scheduleMode: "round-robin",
  seed: "1",
  steps: "",
  narration: "",
});

const isNumber = (t: string | undefined): t is string =>
  t !== undefined && /^\d+$/.test(t);

/** An operation's words after its kind, and the whole text for messages. */
interface OpWords {
  text: string;
  args: string[];
}

interface EditorOp<O extends ScenarioOp> {
  /** The operation from its words; a message when they are not one. */
  parse: (w: OpWords) => O | string;
  format: (op: O) => string;
}

/** The editor's syntax, one entry per operation kind a scenario may hold. */
type EditorOps = {
  [K in ScenarioOp["kind"]]: EditorOp<Extract<ScenarioOp, { kind: K }>>;
};

const slotOp = <
  K extends
    | "allocPageCache"
    | "freePageCache"
    | "write"
    | "kfreeNolock"
    | "kfreeRcu"
    | "allocFromSheaf",
>(
  kind: K,
): EditorOp<Extract<ScenarioOp, { kind: K }>> => ({
  parse: ({ text, args }) =>
    !args[0] || args.length > 1
      ? `"${text}": ${kind} takes one slot name`
      : ({ kind, slot: args[0] } as Extract<ScenarioOp, { kind: K }>),
  format: (op: { kind: K; slot: string }) => `${op.kind} ${op.slot}`,
});

const cpuOp = <K extends "cpuOffline" | "cpuOnline">(
  kind: K,
): EditorOp<Extract<ScenarioOp, { kind: K }>> => ({
  parse: ({ text, args }) =>
    !isNumber(args[0]) || args.length > 1
      ? `"${text}": ${kind} takes one CPU number`
      : ({ kind, cpu: Number(args[0]) } as Extract<ScenarioOp, { kind: K }>),
  format: (op: { kind: K; cpu: number }) => `${op.kind} ${op.cpu}`,
});

const bareOp = <
  K extends
    | "flushAll"
    | "shrink"
    | "destroy"
    | "memoryOffline"
    | "kvfreeRcuBarrier"
    | "rcuGracePeriod"
    | "returnSheaf",
>(
  kind: K,
): EditorOp<Extract<ScenarioOp, { kind: K }>> => ({
  parse: ({ text, args }) =>
    args.length > 0
      ? `"${text}": ${kind} takes nothing`
      : ({ kind } as Extract<ScenarioOp, { kind: K }>),
  format: (op: { kind: K }) => op.kind,
});

const EDITOR_OPS: EditorOps = {
  alloc: {
    parse: ({ text, args }) => {
      const arg = args[0];
      if (!arg) return `"${text}": alloc needs a slot name`;
      const flags = new Set(args.slice(1));
      const op: Extract<ScenarioOp, { kind: "alloc" }> = {
        kind: "alloc",
        slot: arg,
      };
      if (flags.delete("atomic")) op.gfp = "GFP_ATOMIC";
      if (flags.delete("account")) op.account = true;
      for (const f of [...flags]) {
        const m = /^node=(\d+)$/.exec(f);
        if (m) {
          op.node = Number(m[1]);
          flags.delete(f);
        }
        // reenter=SLOT:SIZE or reenter=SLOT:SIZE@load (kmalloc_nolock re-entry).
        const r = /^reenter=([^:\s]+):(\d+)(?:@(unlock|load))?$/.exec(f);
        if (r) {
          op.reenter = { slot: r[1]!, size: Number(r[2]) };
          if (r[3]) op.reenter.at = r[3] as "unlock" | "load";
          flags.delete(f);
        }
      }
      if (flags.size > 0)
        return `"${text}": alloc takes atomic, account, node=N and reenter=SLOT:SIZE[@load]`;
      return op;
    },
    format: (op) =>
      [
        "alloc",
        op.slot,
        op.gfp === "GFP_ATOMIC" ? "atomic" : "",
        op.account ? "account" : "",
        op.node !== undefined ? `node=${op.node}` : "",
        op.reenter
          ? `reenter=${op.reenter.slot}:${op.reenter.size}${op.reenter.at ? `@${op.reenter.at}` : ""}`
          : "",
      ]
        .filter(Boolean)
        .join(" "),
  },
  free: {
    parse: ({ text, args }) => {
      const arg = args[0];
      if (!arg) return `"${text}": free needs a slot name`;
      const flags = new Set(args.slice(1));
      const keep = flags.delete("keep");
      if (flags.size > 0) return `"${text}": free takes only keep`;
      return keep
        ? { kind: "free", slot: arg, keep }
        : { kind: "free", slot: arg };
    },
    format: (op) => `free ${op.slot}${op.keep ? " keep" : ""}`,
  },
  allocPageCache: slotOp("allocPageCache"),
  freePageCache: slotOp("freePageCache"),
  write: slotOp("write"),
  kfreeNolock: slotOp("kfreeNolock"),
  kfreeRcu: slotOp("kfreeRcu"),
  kvfreeRcuBarrier: bareOp("kvfreeRcuBarrier"),
  rcuGracePeriod: bareOp("rcuGracePeriod"),
  prefillSheaf: {
    parse: ({ text, args }) =>
      !isNumber(args[0]) || args.length > 1
        ? `"${text}": prefillSheaf takes a count`
        : { kind: "prefillSheaf", count: Number(args[0]) },
    format: (op) => `prefillSheaf ${op.count}`,
  },
  allocFromSheaf: slotOp("allocFromSheaf"),
  returnSheaf: bareOp("returnSheaf"),
  allocBulk: {
    parse: ({ text, args }) => {
      const [arg, n] = args;
      const atomic = args[2] === "atomic";
      if (!arg || !isNumber(n) || args.length > (atomic ? 3 : 2))
        return `"${text}": allocBulk takes a slot name and a count (then atomic)`;
      return atomic
        ? { kind: "allocBulk", slot: arg, count: Number(n), gfp: "GFP_ATOMIC" }
        : { kind: "allocBulk", slot: arg, count: Number(n) };
    },
    format: (op) =>
      `allocBulk ${op.slot} ${op.count}${op.gfp === "GFP_ATOMIC" ? " atomic" : ""}`,
  },
  freeBulk: {
    parse: ({ text, args }) => {
      const [arg, n] = args;
      if (!arg || !isNumber(n) || args.length > 2)
        return `"${text}": freeBulk takes a slot name and a count`;
      return { kind: "freeBulk", slot: arg, count: Number(n) };
    },
    format: (op) => `freeBulk ${op.slot} ${op.count}`,
  },
  kmallocNolock: {
    parse: ({ text, args }) => {
      const [arg, n] = args;
      if (!arg || !isNumber(n) || args.length > 2)
        return `"${text}": kmallocNolock takes a slot name and a size`;
      return { kind: "kmallocNolock", slot: arg, size: Number(n) };
    },
    format: (op) => `kmallocNolock ${op.slot} ${op.size}`,
  },
  cpuOffline: cpuOp("cpuOffline"),
  cpuOnline: cpuOp("cpuOnline"),
  prefill: {
    parse: ({ text, args }) => {
      const atomic = args[1] === "atomic";
      if (!isNumber(args[0]) || args.length > (atomic ? 2 : 1))
        return `"${text}": prefill takes a count (then atomic)`;
      return atomic
        ? { kind: "prefill", count: Number(args[0]), gfp: "GFP_ATOMIC" }
        : { kind: "prefill", count: Number(args[0]) };
    },
    format: (op) =>
      `prefill ${op.count}${op.gfp === "GFP_ATOMIC" ? " atomic" : ""}`,
  },
  isolateMigratepages: {
    parse: ({ text, args }) =>
      !isNumber(args[0]) || args.length > 1
        ? `"${text}": isolateMigratepages takes one page number`
        : { kind: "isolateMigratepages", pfn: Number(args[0]) },
    format: (op) => `isolateMigratepages ${op.pfn}`,
  },
  flushAll: bareOp("flushAll"),
  shrink: bareOp("shrink"),
  destroy: bareOp("destroy"),
  memoryOffline: bareOp("memoryOffline"),
};

const OP_NAMES = Object.keys(EDITOR_OPS).join(", ");

const isEditorOp = (kind: string): kind is ScenarioOp["kind"] =>
  Object.hasOwn(EDITOR_OPS, kind);

/** One operation from its text; a message when it is not one. */
export function parseOp(text: string): ScenarioOp | string {
  const [kind = "", ...args] = text.trim().split(/\s+/);
  if (!isEditorOp(kind))
    return `"${text.trim()}" is not an operation (${OP_NAMES})`;
  const entry = EDITOR_OPS[kind] as EditorOp<ScenarioOp>;
  return entry.parse({ text: text.trim(), args });
}

export function formatOp(op: Op): string {
  if (!isEditorOp(op.kind)) return op.kind;
  return (EDITOR_OPS[op.kind] as EditorOp<ScenarioOp>).format(op as ScenarioOp);
}

const number = (text: string): number | string =>
  /^\s*\d+\s*$/.test(text) ? Number(text) : text;

export type DraftResult =
  | {
      ok: true;
      scenario: Scenario;
      /** Random mode: the seed whose run becomes the schedule (written out by the engine). */
      randomSeed?: number;
    }
  | { ok: false; errors: string[] };

/** The scenario the draft describes, validated; every problem names its field. */
export function draftToScenario(d: Draft): DraftResult {
  const errors: string[] = [];
  const actors = d.actors.map((a, i) => {
    const ops: ScenarioOp[] = [];
    a.ops
      .split(/[,;\n]/)
      .filter((t) => t.trim() !== "")
      .forEach((t) => {
        const op = parseOp(t);
        if (typeof op === "string") errors.push(`actors[${i}].ops: ${op}`);
        else ops.push(op);
      });
    return {
      name: a.name.trim(),
      kind: a.kind,
      cpu: number(a.cpu),
      ...(a.pinned ? { pinned: true } : {}),
      ops,
    };
  });
  const prepare = d.prepare
    .split("\n")
    .map((l, i) => [l.trim(), i] as const)
    .filter(([l]) => l !== "")
    .flatMap(([l, i]) => {
      const m = /^(\d+)\s*:\s*(.+)$/.exec(l);
      if (!m) {
        errors.push(`prepare line ${i + 1}: expected "<cpu>: <operation>"`);
        return [];
      }
      const op = parseOp(m[2]!);
      if (typeof op === "string") {
        errors.push(`prepare line ${i + 1}: ${op}`);
        return [];
      }
      return [{ cpu: Number(m[1]), op }];
    });
  const narration: { step: number; text: string }[] = [];
  const anchoredNarration: { at: string; text: string }[] = [];
  d.narration.split("\n").forEach((line, i) => {
    const l = line.trim();
    if (l === "") return;
    const m = /^(\d+)\s*:\s*(.*)$/.exec(l);
    if (m) {
      narration.push({ step: Number(m[1]), text: m[2]! });
      return;
    }
    const a = NARRATION_ANCHOR.exec(l);
    if (a) anchoredNarration.push({ at: a[1]!, text: a[2]! });
    else
      errors.push(
        `narration line ${i + 1}: expected "<step>: <text>" or "<actor>><function>:<label>: <text>"`,
      );
  });
  const more = (text: string, what: string): Record<string, unknown> => {
    if (text.trim() === "") return {};
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === "object" && v !== null && !Array.isArray(v))
        return v as Record<string, unknown>;
      errors.push(`${what}: expected a JSON object such as {"debugVm": true}`);
    } catch (e) {
      errors.push(`${what}: not valid JSON: ${(e as Error).message}`);
    }
    return {};
  };
  const kernelMore = more(d.kernelMore, "kernel (more options)");
  const cacheMore = more(d.cacheMore, "cache (more options)");
  if (errors.length > 0) return { ok: false, errors };

  const raw: Record<string, unknown> = {
    format: "slabscope/scenario",
    version: 1,
    title: d.title,
    ...(d.description.trim() ? { description: d.description } : {}),
    kernel: {
      ...kernelMore,
      variant: d.variant,
      cpus: number(d.cpus),
      ...(d.preemptRt ? { preemptRt: true } : {}),
      ...(d.cpuPartial ? {} : { cpuPartial: false }),
    },
    cache: {
      ...cacheMore,
      objects: number(d.objects),
      ...(d.cacheCpuPartial.trim()
        ? { cpuPartial: number(d.cacheCpuPartial) }
        : {}),
      ...(d.minPartial.trim() ? { minPartial: number(d.minPartial) } : {}),
      ...(d.sheafCapacity.trim()
        ? { sheafCapacity: number(d.sheafCapacity) }
        : {}),
    },
    ...(prepare.length > 0 ? { prepare } : {}),
    actors,
    ...(narration.length > 0 ? { narration } : {}),
    ...(anchoredNarration.length > 0 ? { anchoredNarration } : {}),
  };
  if (d.scheduleMode === "steps")
    raw.schedule = {
      steps: d.steps.split(/\s+/).filter((e) => e !== ""),
      rest: "round-robin",
    };
  const r = parseScenario(raw);
  if (!r.ok || d.scheduleMode !== "random") return r;
  if (!/^\d{1,9}$/.test(d.seed.trim()))
    return { ok: false, errors: ["seed: expected a whole number"] };
  // The schedule is the random run's, written out by the engine (EngineApi.randomSchedule).
  return { ok: true, scenario: r.scenario, randomSeed: Number(d.seed) };
}

/** The form for a scenario, to edit what is loaded. */
export function scenarioToDraft(s: Scenario): Draft {
  return {
    title: s.title,
    description: s.description ?? "",
    variant: s.kernel.variant,
    cpus: String(s.kernel.cpus),
    preemptRt: s.kernel.preemptRt ?? false,
    cpuPartial: s.kernel.cpuPartial ?? true,
    objects: String(s.cache.objects),
    cacheCpuPartial:
      s.cache.cpuPartial === undefined ? "" : String(s.cache.cpuPartial),
    minPartial:
      s.cache.minPartial === undefined ? "" : String(s.cache.minPartial),
    sheafCapacity:
      s.cache.sheafCapacity === undefined ? "" : String(s.cache.sheafCapacity),
    kernelMore: JSON.stringify(
      rest(s.kernel, ["variant", "cpus", "preemptRt", "cpuPartial"]),
    ),
    cacheMore: JSON.stringify(
      rest(s.cache, ["objects", "cpuPartial", "minPartial", "sheafCapacity"]),
    ),
    actors: s.actors.map((a) => ({
      name: a.name,
      kind: a.kind,
      cpu: String(a.cpu),
      pinned: a.pinned ?? false,
      ops: a.ops.map(formatOp).join(", "),
    })),
    prepare: (s.prepare ?? [])
      .map((p) => `${p.cpu}: ${formatOp(p.op)}`)
      .join("\n"),
    scheduleMode: s.schedule ? "steps" : "round-robin",
    seed: "1",
    steps: (s.schedule?.steps ?? []).join(" "),
    narration: [
      ...(s.narration ?? []).map((n) => `${n.step}: ${n.text}`),
      ...(s.anchoredNarration ?? []).map((n) => `${n.at}: ${n.text}`),
    ].join("\n"),
  };
}

/** The fields of `o` but `shown` (the ones the form has inputs for). */
function rest(o: object, shown: string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).filter(([k]) => !shown.includes(k)),
  );
}

/** localStorage: the editor's unsaved draft. */
export const DRAFT_KEY = "slabscope.editorDraft";

/** The draft saved in `storage`, or null when there is none or it is not a draft. */
export function loadDraft(storage: Pick<Storage, "getItem">): Draft | null {
  try {
    const text = storage.getItem(DRAFT_KEY);
    if (!text) return null;
    const d = JSON.parse(text) as Partial<Draft>;
    if (typeof d !== "object" || d === null || !Array.isArray(d.actors))
      return null;
    return { ...emptyDraft(), ...d };
  } catch {
    return null;
  }
}

export function saveDraft(storage: Pick<Storage, "setItem">, d: Draft): void {
  try {
    storage.setItem(DRAFT_KEY, JSON.stringify(d));
  } catch {
    // Full or disabled storage: the draft lives on in the page.
  }
}
